"""Outbound channels (Teams, Slack, signed webhooks), their subscriptions and delivery log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.notifications.models import EventKind, OwnEventKind


class ChannelTarget(models.TextChoices):
    TEAMS = "teams", _("Microsoft Teams (incoming webhook)")
    SLACK = "slack", _("Slack (incoming webhook)")
    WEBHOOK = "webhook", _("Generic webhook (signed JSON)")


# What a channel may subscribe to: every hand-off of `governance.notifications.events`
# (`EventKind`, the submission among them) and the events the portal publishes itself
# (`OwnEventKind`: status changes other than the submission, session reminders, overdue inputs).
EVENT_KIND_CHOICES: list[tuple[str, str]] = [*EventKind.choices, *OwnEventKind.choices]
EVENT_KINDS: frozenset[str] = frozenset(value for value, _ in EVENT_KIND_CHOICES)


class OutboundChannel(models.Model):
    """Where notifications go: a Teams or Slack incoming webhook, or a signed webhook.

    Either `initiative` (that initiative's events) or `site` (the events of every initiative of
    the site that is not confidential) is set. The address and the signing secret are stored
    encrypted (`core.sealed`); the address is shown masked, the secret only once.
    """

    name = models.CharField(max_length=120)
    target = models.CharField(max_length=10, choices=ChannelTarget.choices)
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_channels",
    )
    site = models.ForeignKey(
        "initiatives.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_channels",
    )
    event_kinds = models.JSONField(default=list)
    sealed_url = models.TextField()
    # What the address looks like, without its secret path: "https://hooks.slack.com/…".
    url_hint = models.CharField(max_length=200)
    sealed_signing_secret = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(initiative__isnull=False, site__isnull=True)
                    | models.Q(initiative__isnull=True, site__isnull=False)
                ),
                name="channel_for_initiative_or_site",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_target_display()})"

    @property
    def scope_label(self) -> str:
        if self.initiative_id:
            return f"Initiative {self.initiative}"
        return f"Site {self.site}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRYING = "retrying", _("Failed, will retry")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed, gave up")
    SKIPPED = "skipped", _("Not sent (channel disabled)")


class ChannelDelivery(models.Model):
    """One event posted (or being posted) to one channel: the log IT leads read.

    Unique per channel and event key, so an event fanned out twice (a task run again) is
    posted once.
    """

    channel = models.ForeignKey(
        OutboundChannel, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_key = models.CharField(max_length=200)
    event_kind = models.CharField(max_length=40)
    event = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "event_key"], name="channel_delivery_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["channel", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event_kind} → channel {self.channel_id} ({self.status})"
