"""The audit trail: one append-only, hash-chained event per change, for every app.

The tables keep their first names (`governance_auditevent`, `governance_auditchainhead`):
the trail began inside the governance app, and moving it here changed no row, no hash and
not the PostgreSQL trigger that refuses UPDATE and DELETE on it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    BROWSER = "browser", _("Browser")
    API = "api", _("API")
    TASK = "task", _("Background task")
    ADMIN = "admin", _("Admin")
    SYSTEM = "system", _("System")


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
    Only `audit.chain.append_event` (behind `audit.services.record_event`) writes rows.
    """

    seq = models.PositiveBigIntegerField(unique=True, help_text=_("Position in the chain, from 1"))
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
        db_table = "governance_auditevent"
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

    class Meta:
        db_table = "governance_auditchainhead"

    def __str__(self) -> str:
        return f"Audit chain head at #{self.last_seq}"
