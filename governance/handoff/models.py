"""The build hand-off: per site, the ticket system that receives ready-for-build initiatives,
and per initiative the ticket created there."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketSystem(models.TextChoices):
    JIRA = "jira", _("Jira (REST API v2)")
    SERVICENOW = "servicenow", _("ServiceNow (Table API)")


class HandoffTarget(models.Model):
    """Where a site's ready-for-build initiatives become tickets. Off until `enabled`.

    Jira: `base_url` (https://yourcompany.atlassian.net), `project_key`, `issue_type`, the
    account's e-mail as `username` and an API token. ServiceNow: the instance URL, `table`
    (e.g. `sc_request`, `rm_story`, `task`), a user and password. The token is encrypted.
    """

    site = models.OneToOneField(
        "initiatives.Site", on_delete=models.CASCADE, related_name="handoff_target"
    )
    system = models.CharField(max_length=12, choices=TicketSystem.choices)
    base_url = models.URLField(max_length=300)
    project_key = models.CharField(max_length=40, blank=True, help_text=_("Jira project key"))
    issue_type = models.CharField(max_length=60, blank=True, default="Task")
    table = models.CharField(max_length=80, blank=True, help_text=_("ServiceNow table"))
    username = models.CharField(max_length=200)
    sealed_token = models.TextField()
    enabled = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site__name"]

    def __str__(self) -> str:
        return f"{self.get_system_display()} for {self.site}"


class TicketStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRYING = "retrying", _("Failed, will retry")
    CREATED = "created", _("Created")
    FAILED = "failed", _("Failed, gave up")


class BuildTicket(models.Model):
    """The delivery ticket of one initiative in its site's ticket system (one per initiative:
    going back to review and ready again keeps the ticket)."""

    initiative = models.OneToOneField(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="build_ticket"
    )
    target = models.ForeignKey(
        HandoffTarget, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    system = models.CharField(max_length=12, choices=TicketSystem.choices)
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.PENDING
    )
    external_key = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    ticket_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Build ticket of initiative {self.initiative_id} ({self.status})"
