from django.contrib import admin

from .models import AuditEvent, ChangeRequest, Decision, ProductionRelease


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reading only: nothing can be added, changed or deleted, no bulk actions."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor", "source", "action", "object_repr", "initiative")
    list_filter = ("source", "action", "object_type")
    search_fields = ("object_repr", "action", "actor__username")
    list_select_related = ("actor", "initiative")
    date_hierarchy = "at"


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("decided_at", "initiative", "kind", "summary", "decided_by", "accountable")
    list_filter = ("kind",)
    list_select_related = ("initiative", "decided_by", "accountable")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "initiative", "kind", "status", "requested_by")
    list_filter = ("kind", "status")
    list_select_related = ("initiative", "requested_by")


@admin.register(ProductionRelease)
class ProductionReleaseAdmin(ReadOnlyAdmin):
    list_display = ("released_at", "initiative", "model_name", "model_version", "vendor_name")
    list_select_related = ("initiative",)
