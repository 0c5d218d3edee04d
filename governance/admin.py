"""Admin: the audit trail and decision records are read-only; working sessions, notifications
and risk state are editable (every admin change is still logged as an `admin.*` audit event).
The schedules of the periodic tasks are under django-celery-beat's "Periodic tasks"."""

from django.contrib import admin

from .models import (
    AuditEvent,
    CalendarFeedToken,
    ChangeRequest,
    Decision,
    Delivery,
    Notification,
    ProductionRelease,
    RiskState,
    RiskStatusChange,
    WorkingSeries,
    WorkingSession,
)


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
