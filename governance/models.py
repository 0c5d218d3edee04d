"""Governance: the audit trail (and, built on it, decisions, working sessions, risk status)."""

from django.conf import settings
from django.db import models


class Source(models.TextChoices):
    BROWSER = "browser", "Browser"
    API = "api", "API"
    TASK = "task", "Background task"
    ADMIN = "admin", "Admin"
    SYSTEM = "system", "System"


class AuditEvent(models.Model):
    """One thing that happened to an initiative or one of its parts: who, when, what changed."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.BROWSER)
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

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["initiative", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
