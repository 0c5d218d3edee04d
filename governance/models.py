"""Governance: the audit trail (and, built on it, decisions, working sessions, risk status)."""

from django.conf import settings
from django.db import models


class Source(models.TextChoices):
    BROWSER = "browser", "Browser"
    API = "api", "API"
    TASK = "task", "Background task"
    ADMIN = "admin", "Admin"
    SYSTEM = "system", "System"


GENESIS_HASH = "0" * 64


class AuditImmutable(Exception):
    """An audit event was about to be changed or deleted; the trail is append-only."""


class AuditEventQuerySet(models.QuerySet):
    """Bulk writes would bypass the hash chain, so the queryset refuses them."""

    def update(self, **kwargs):
        raise AuditImmutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditImmutable("Audit events cannot be deleted.")

    def bulk_create(self, *args, **kwargs):
        raise AuditImmutable("Audit events are appended one by one through record_event.")

    def bulk_update(self, *args, **kwargs):
        raise AuditImmutable("Audit events cannot be changed.")


class AuditEvent(models.Model):
    """One thing that happened to an initiative or one of its parts: who, when, what changed.

    Append-only and hash-chained: `hash` is the SHA-256 of the event's canonical JSON, which
    includes `prev_hash`, the hash of the event before it (`seq` - 1). Changing, deleting or
    inserting a row anywhere breaks the chain, and `manage.py verify_audit` finds where.
    Only `governance.audit.append_event` (behind `record_event`) writes rows.
    """

    seq = models.PositiveBigIntegerField(unique=True, help_text="Position in the chain, from 1")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SYSTEM)
    action = models.CharField(max_length=60)
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["initiative", "seq"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row that holds the end of the audit chain.

    Appending locks it (SELECT ... FOR UPDATE), so concurrent writers queue instead of
    forking the chain; it also lets `verify_audit` notice events cut off the end.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"Audit chain head at #{self.last_seq}"


class RiskStatusChange(models.Model):
    """History of an initiative's computed risk status, with the reasons, newest last."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="risk_history"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_level = models.CharField(max_length=10, blank=True)
    to_level = models.CharField(max_length=10)
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["initiative", "at", "id"]

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.from_level or '—'} → {self.to_level}"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class WorkingSeries(models.Model):
    """The standing IT working session of an initiative: its cadence and its people."""

    initiative = models.OneToOneField(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="working_series"
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.BIWEEKLY)
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start_time = models.TimeField()
    time_zone = models.CharField(max_length=64, default="Europe/Berlin")
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=300, blank=True, help_text="Room or video link")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    starts_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)
    reminder_lead_minutes = models.PositiveIntegerField(
        default=24 * 60, help_text="How long before each occurrence the reminder goes out."
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
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class WorkingSession(models.Model):
    """One occurrence of a standing working session; it can be moved or cancelled alone."""

    series = models.ForeignKey(WorkingSeries, on_delete=models.CASCADE, related_name="sessions")
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="working_sessions"
    )
    scheduled_for = models.DateTimeField(help_text="The slot the cadence gave it")
    starts_at = models.DateTimeField(help_text="When it really takes place (moved or not)")
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    notes = models.TextField(max_length=8000, blank=True)
    decisions = models.TextField(
        max_length=4000, blank=True, help_text="Decisions and actions agreed in the session."
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


class DecisionKind(models.TextChoices):
    APPROVAL = "approval", "Approval with conditions"
    RISK_ACCEPTANCE = "risk_acceptance", "Accepted risk"
    ARCHITECTURE = "architecture", "Architecture decision"
    VENDOR_SELECTION = "vendor_selection", "Vendor selection"
    ESCALATION = "escalation", "Escalation to executives"


class Decision(models.Model):
    """An entry in an initiative's decision log. Escalations are decisions of their own kind,
    so the dashboard can weigh escalation against partnership."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    summary = models.CharField(max_length=300)
    rationale = models.TextField(max_length=4000, blank=True)
    conditions = models.TextField(max_length=4000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accountable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who accepts the risk; required for risk acceptance.",
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    # Vendor selection names one of the initiative's candidates; the name is kept as well, so
    # the log stays readable if the candidate list is edited later.
    vendor = models.ForeignKey(
        "initiatives.VendorCandidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    vendor_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["kind", "decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=DecisionKind.RISK_ACCEPTANCE)
                | models.Q(accountable__isnull=False),
                name="risk_acceptance_names_accountable",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"


class ChangeKind(models.TextChoices):
    NEW_MODEL_VERSION = "new_model_version", "New model version"
    NEW_DATA_SOURCE = "new_data_source", "New data source"
    NEW_INTEGRATION = "new_integration", "New integration"
    OTHER = "other", "Other change"


class ChangeStatus(models.TextChoices):
    OPEN = "open", "Open"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    IMPLEMENTED = "implemented", "Implemented"


class ChangeRequest(models.Model):
    """A requested change to the AI itself. Creating one re-opens the concern assessments
    the change affects, so IT looks again before it reaches production."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    description = models.TextField(max_length=4000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.OPEN
    )
    reopened_areas = models.JSONField(
        default=list, blank=True, help_text="Concern areas whose assessment it re-opened"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["initiative", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:80]}"


class ProductionRelease(models.Model):
    """What runs in production: model and vendor versions, newest first. The newest row is the
    current production state; older rows are its history."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="production_releases"
    )
    model_name = models.CharField(max_length=200)
    model_version = models.CharField(max_length=100)
    vendor_name = models.CharField(max_length=200, blank=True)
    vendor_version = models.CharField(max_length=100, blank=True)
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="releases"
    )
    notes = models.TextField(max_length=2000, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-released_at", "-id"]
        indexes = [models.Index(fields=["initiative", "released_at"])]

    def __str__(self) -> str:
        vendor = f" ({self.vendor_name} {self.vendor_version})".rstrip() if self.vendor_name else ""
        return f"{self.model_name} {self.model_version}{vendor}"


class RiskState(models.Model):
    """The current computed risk status of an initiative and why, kept next to its history.

    `Initiative.risk_level` holds the level for lists and dashboards; this row holds the
    reasons so the page can answer "why is this at risk?" even when nothing changed lately.
    `dirty` marks an initiative whose inputs changed since the last computation.
    """

    initiative = models.OneToOneField(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="risk_state",
    )
    level = models.CharField(max_length=10, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    dirty = models.BooleanField(default=True, db_index=True)

    def __str__(self) -> str:
        return f"Risk of initiative {self.initiative_id}: {self.level or 'not computed'}"


class Notification(models.Model):
    """An in-app notification: reminders, digests, nudges. Unread until the user marks it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text[:80]


class DeliveryKind(models.TextChoices):
    SESSION_REMINDER = "session_reminder", "Working session reminder"
    REVIEWER_DIGEST = "reviewer_digest", "Weekly reviewer digest"
    OVERDUE_NUDGE = "overdue_nudge", "Overdue design input nudge"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    IN_APP = "in_app", "In-app notification"


class Delivery(models.Model):
    """One message sent to one user on one channel. The unique constraint is what makes a
    reminder go out exactly once, however often (or concurrently) the task runs: the row is
    inserted in the same transaction as the send, and a second insert fails."""

    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    # What the message is about, e.g. "<session id>@<starts_at>" or "<ISO week>".
    key = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    session = models.ForeignKey(
        WorkingSession, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "user", "channel"], name="deliver_once_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.user_id} ({self.channel})"


class CalendarFeedToken(models.Model):
    """The secret in a user's personal calendar subscription URL; regenerating revokes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"
