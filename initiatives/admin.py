from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import BusinessUnit, DataAsset, Initiative, IntegrationPoint, Site, VendorCandidate


class DataAssetInline(admin.TabularInline):
    model = DataAsset
    extra = 0


class IntegrationInline(admin.TabularInline):
    model = IntegrationPoint
    extra = 0


class VendorInline(admin.TabularInline):
    model = VendorCandidate
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(GuardedModelAdmin):
    list_display = ("reference", "title", "sponsor", "site", "phase", "status", "risk_level")
    list_filter = ("status", "phase", "site", "business_unit", "confidential", "risk_level")
    search_fields = ("title", "business_problem")
    raw_id_fields = ("sponsor", "decision_owner", "accountable_person")
    filter_horizontal = ("co_sponsors",)
    inlines = [DataAssetInline, IntegrationInline, VendorInline]
    readonly_fields = (
        "status",
        "submitted_at",
        "it_first_involved_at",
        "phase_at_it_involvement",
        "ready_for_build_at",
        "version",
    )


admin.site.register(Site)
admin.site.register(BusinessUnit)
