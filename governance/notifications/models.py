"""In-app notifications and the record of every message sent (exactly once)."""

from django.conf import settings
from django.db import models


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
    SYSTEM_LINK = "system_link", "An initiative connects to your system"


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
