"""In-app notifications and the record of every message sent (exactly once)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notification: reminders, digests, nudges. Unread until the user marks it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    # What happened (an `EventKind`), empty for reminders and digests.
    kind = models.CharField(max_length=30, blank=True)
    # The initiative it is about: the list shows only those the user still sees.
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text[:80]


class DeliveryKind(models.TextChoices):
    SESSION_REMINDER = "session_reminder", _("Working session reminder")
    REVIEWER_DIGEST = "reviewer_digest", _("Weekly reviewer digest")
    OVERDUE_NUDGE = "overdue_nudge", _("Overdue design input nudge")
    SYSTEM_LINK = "system_link", _("An initiative connects to your system")
    EVENT = "event", _("Hand-off notification")
    DAILY_DIGEST = "daily_digest", _("Daily digest of hand-offs")
    CHANNEL_DISABLED = "channel_disabled", _("Channel disabled after failures")
    SESSION_INVITATION = "session_invitation", _("Working session calendar invitation")


class EventKind(models.TextChoices):
    """The hand-offs people are told about, each with its own preference."""

    REVIEWER_ASSIGNED = "reviewer_assigned", _("You are assigned as reviewer")
    REVIEWER_UNASSIGNED = "reviewer_unassigned", _("You are no longer reviewer")
    SUBMITTED = "submitted", _("An initiative is submitted to IT")
    INPUT_RAISED = "input_raised", _("A design input is raised")
    INPUT_PROPOSED = "input_proposed", _("A solution is proposed for a design input")
    INPUT_INCORPORATED = "input_incorporated", _("A design input is marked incorporated")
    INPUT_CONFIRMED = "input_confirmed", _("IT confirms an incorporation")
    INPUT_REOPENED = "input_reopened", _("A design input is re-opened")
    INPUT_WITHDRAWN = "input_withdrawn", _("A design input is withdrawn")
    INPUT_RISK_ACCEPTED = "input_risk_accepted", _("A design input's risk is accepted")
    ASSESSMENT_NEEDS_INFO = "assessment_needs_info", _("An assessment needs information")
    ASSESSMENT_REOPENED = "assessment_reopened", _("An assessment is re-opened")
    ROLE_NAMED = "role_named", _("You are named decision owner, accountable or component owner")
    ROLE_DECLINED = "role_declined", _("A named person declines the role")
    DECISION_RECORDED = "decision_recorded", _("A decision names you")
    CHANGE_OPENED = "change_opened", _("A change request is opened")
    CHANGE_DECIDED = "change_decided", _("A change request is decided")
    SESSION_MOVED = "session_moved", _("A working session is moved")
    SESSION_CANCELLED = "session_cancelled", _("A working session is cancelled")
    COMMENTED = "commented", _("A comment in a thread you follow")
    MENTIONED = "mentioned", _("You are @mentioned")


class OwnEventKind(models.TextChoices):
    """Events the portal publishes itself (`events.make_event`): no audit hand-off gives them
    and no one has a preference for them; chat and webhook channels subscribe to them besides
    the `EventKind`s. The submission is `EventKind.SUBMITTED`, not a status change here."""

    IN_REVIEW = "initiative.in_review", _("Initiative in IT review")
    READY_FOR_BUILD = "initiative.ready_for_build", _("Initiative ready for build")
    RETURNED = "initiative.draft", _("Initiative back to draft")
    WITHDRAWN = "initiative.withdrawn", _("Initiative withdrawn")
    SESSION_REMINDER = "session.reminder", _("Working session reminder")
    OVERDUE_NUDGE = "design_input.overdue", _("Design inputs overdue")


class Mode(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately (e-mail and in-app)")
    DIGEST = "digest", _("In a daily digest e-mail (in-app at once)")
    IN_APP = "in_app", _("In-app only")


# Events that ask the recipient to act are sent at once by default; the others wait for the
# daily digest, so a busy person's inbox holds what needs them.
DEFAULT_MODES: dict[str, str] = {kind: Mode.IMMEDIATELY for kind in EventKind.values} | {
    EventKind.INPUT_WITHDRAWN: Mode.DIGEST,
    EventKind.INPUT_RISK_ACCEPTED: Mode.DIGEST,
    EventKind.REVIEWER_UNASSIGNED: Mode.DIGEST,
    EventKind.CHANGE_DECIDED: Mode.DIGEST,
    EventKind.COMMENTED: Mode.DIGEST,
}


class Preference(models.Model):
    """How one person wants to hear of one kind of event; no row means `DEFAULT_MODES`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
            models.CheckConstraint(
                condition=models.Q(mode__in=Mode.values), name="preference_mode_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.mode}"


class Follow(models.Model):
    """A person who asked to hear of everything that happens on an initiative."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "initiative"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.initiative_id}"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In-app notification")


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
        "governance.WorkingSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
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
