"""Standing IT working sessions: the series (cadence, people), its occurrences, calendars."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class WorkingSeries(models.Model):
    """The standing IT working session of an initiative: its cadence and its people."""

    initiative = models.OneToOneField(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="working_series"
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.BIWEEKLY)
    weekday = models.PositiveSmallIntegerField(help_text=_("0 = Monday … 6 = Sunday"))
    start_time = models.TimeField()
    time_zone = models.CharField(max_length=64, default="Europe/Berlin")
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=300, blank=True, help_text=_("Room or video link"))
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    starts_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)
    reminder_lead_minutes = models.PositiveIntegerField(
        default=24 * 60, help_text=_("How long before each occurrence the reminder goes out.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="series_weekday_0_6"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="series_duration_15_480",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_cadence_display()} session of initiative {self.initiative_id}"

    @property
    def weekday_name(self) -> str:
        import calendar

        return calendar.day_name[self.weekday]


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class WorkingSession(models.Model):
    """One occurrence of a standing working session; it can be moved or cancelled alone."""

    series = models.ForeignKey(WorkingSeries, on_delete=models.CASCADE, related_name="sessions")
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="working_sessions"
    )
    scheduled_for = models.DateTimeField(help_text=_("The slot the cadence gave it"))
    starts_at = models.DateTimeField(help_text=_("When it really takes place (moved or not)"))
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    notes = models.TextField(max_length=8000, blank=True)
    decisions = models.TextField(
        max_length=4000, blank=True, help_text=_("Decisions and actions agreed in the session.")
    )
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # RFC 5545 SEQUENCE: calendar clients replace their copy when it grows (moved, cancelled).
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["initiative", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "scheduled_for"], name="one_session_per_slot")
        ]

    def __str__(self) -> str:
        return f"Working session {self.starts_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_moved(self) -> bool:
        return self.starts_at != self.scheduled_for


class CalendarFeedToken(models.Model):
    """The secret in a user's personal calendar subscription URL; regenerating revokes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"
