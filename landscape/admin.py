from django.contrib import admin

from .models import EnterpriseSystem


@admin.register(EnterpriseSystem)
class EnterpriseSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "kind", "criticality", "it_owner", "cmdb_id"]
    list_filter = ["site", "kind", "criticality"]
    search_fields = ["name", "cmdb_id"]
    readonly_fields = ["version", "created_at", "updated_at"]
