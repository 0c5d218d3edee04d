"""The hand-off in the admin: targets without their token, tickets read-only."""

from django.contrib import admin

from .models import BuildTicket, HandoffTarget


@admin.register(HandoffTarget)
class HandoffTargetAdmin(admin.ModelAdmin):
    list_display = ["site", "system", "base_url", "enabled"]
    exclude = ["sealed_token"]


@admin.register(BuildTicket)
class BuildTicketAdmin(admin.ModelAdmin):
    list_display = ["initiative", "system", "status", "external_key", "attempts"]
    list_filter = ["status", "system"]
    readonly_fields = [f.name for f in BuildTicket._meta.fields]
