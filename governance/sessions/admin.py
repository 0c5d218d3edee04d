"""Working sessions and calendar feeds in the admin."""

from django.contrib import admin

from .models import CalendarFeedToken, WorkingSeries, WorkingSession


@admin.register(WorkingSeries)
class WorkingSeriesAdmin(admin.ModelAdmin):
    list_display = ("initiative", "cadence", "weekday", "start_time", "time_zone", "active")
    list_filter = ("cadence", "active")
    raw_id_fields = ("initiative", "created_by")
    filter_horizontal = ("participants",)


@admin.register(WorkingSession)
class WorkingSessionAdmin(admin.ModelAdmin):
    list_display = ("initiative", "starts_at", "status", "sequence")
    list_filter = ("status",)
    date_hierarchy = "starts_at"
    raw_id_fields = ("series", "initiative")


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    raw_id_fields = ("user",)
    exclude = ("token",)
