"""The audit trail in the admin: for reading only."""

from django.contrib import admin

from .models import AuditEvent


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
