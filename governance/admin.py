"""Admin of working sessions, notifications and risk state (the schedules of the periodic
tasks are under django-celery-beat's "Periodic tasks")."""

from django.contrib import admin

from .models import (
    CalendarFeedToken,
    Delivery,
    Notification,
    RiskState,
    RiskStatusChange,
    WorkingSeries,
    WorkingSession,
)


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


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "text", "created_at", "read_at")
    raw_id_fields = ("user",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "user", "channel", "sent_at")
    list_filter = ("kind", "channel")
    raw_id_fields = ("user", "session")


@admin.register(RiskState)
class RiskStateAdmin(admin.ModelAdmin):
    list_display = ("initiative", "level", "computed_at", "dirty")
    list_filter = ("level", "dirty")
    raw_id_fields = ("initiative",)


@admin.register(RiskStatusChange)
class RiskStatusChangeAdmin(admin.ModelAdmin):
    list_display = ("initiative", "at", "from_level", "to_level")
    list_filter = ("to_level",)
    raw_id_fields = ("initiative",)


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    raw_id_fields = ("user",)
    exclude = ("token",)
