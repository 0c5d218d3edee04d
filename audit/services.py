"""The one way to write to the audit trail, for every app's services.

Every write of the portal records an event here, so the event doubles as the domain event
higher layers react to: `subscribe(handler)` registers a callable that receives each recorded
`AuditEvent` inside the transaction of the change (notifications enqueue their work in the
outbox from it). The audit app stays at the bottom: it never learns who listens.
"""

from collections.abc import Callable
from typing import Any

from django.db import models

from .chain import append_event
from .models import AuditEvent


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model,
    initiative=None,
    changes: dict[str, Any] | None = None,
    source: str | None = None,
) -> AuditEvent:
    """Append one event to the chained audit trail. Call it once per change, inside the
    transaction of the change it records, so the event and the change commit together.

    `source` None means "where the current request or task comes from" (browser, api, admin,
    task; system outside of those); an explicit value wins.
    """
    event = append_event(
        actor_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
        action=action,
        initiative_id=getattr(initiative, "pk", initiative),
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj),
        changes=changes,
        source=source,
    )
    for handler in _subscribers:
        handler(event)
    return event


_subscribers: list[Callable[[AuditEvent], None]] = []


def subscribe(handler: Callable[[AuditEvent], None]) -> None:
    """Call `handler(event)` for every event `record_event` writes, inside its transaction.

    A handler must be quick and write only in the same transaction (e.g. `outbox.enqueue`):
    an exception rolls the change back with it.
    """
    if handler not in _subscribers:
        _subscribers.append(handler)


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
