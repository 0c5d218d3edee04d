"""Writes of the governance app."""

from typing import Any

from django.db import models

from .models import AuditEvent, Source


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model,
    initiative=None,
    changes: dict[str, Any] | None = None,
    source: str = Source.BROWSER,
) -> AuditEvent:
    """Append one audit event. Call it inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        initiative=initiative,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes or {},
        source=source,
    )


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
