"""The decision log and change control in the admin: for reading only."""

from django.contrib import admin

from audit.admin import ReadOnlyAdmin

from .models import ChangeRequest, Decision, ProductionRelease


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
