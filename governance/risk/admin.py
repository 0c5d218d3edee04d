"""Risk state and its history in the admin."""

from django.contrib import admin

from .models import RiskState, RiskStatusChange


@admin.register(RiskState)
class RiskStateAdmin(admin.ModelAdmin):
    list_display = ("initiative", "level", "computed_at", "recheck_at", "dirty")
    list_filter = ("level", "dirty")
    raw_id_fields = ("initiative",)


@admin.register(RiskStatusChange)
class RiskStatusChangeAdmin(admin.ModelAdmin):
    list_display = ("initiative", "at", "from_level", "to_level")
    list_filter = ("to_level",)
    raw_id_fields = ("initiative",)
