"""Reads of the audit trail that the auditor pages, the downloads and the API share."""

import json
from typing import Any

from core import access

from .chain import canonical_at
from .models import AuditEvent


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def describe_changes(changes: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(what, old, new) rows a person can read; new is None for a plain note (e.g. reason).

    `{field: [old, new]}` is a change; `{"after": {...}}` a creation snapshot; anything
    else is shown as it is.
    """
    rows: list[tuple[str, str, str | None]] = []
    for key, value in (changes or {}).items():
        label = key.replace("_", " ")
        if key == "after" and isinstance(value, dict):
            rows.extend((k.replace("_", " "), "—", _text(v)) for k, v in value.items())
        elif isinstance(value, list) and len(value) == 2:
            rows.append((label, _text(value[0]), _text(value[1])))
        else:
            rows.append((label, _text(value), None))
    return rows


def can_view_audit_trail(user, initiative) -> bool:
    """May the user read who did what on this initiative? The initiative app's rule
    (`initiatives.permissions.can_audit`), asked through `core.access`."""
    return access.rules().may_audit(user, initiative)


def events_for_initiative(initiative):
    """The initiative's audit trail, oldest first, with the actor for display."""
    return AuditEvent.objects.filter(initiative=initiative).select_related("actor").order_by("seq")


EXPORT_COLUMNS = (
    "seq",
    "at",
    "actor",
    "source",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "prev_hash",
    "hash",
)


def export_row(event: AuditEvent) -> dict[str, Any]:
    """One event as the CSV and JSON downloads give it."""
    return {
        "seq": event.seq,
        "at": canonical_at(event.at),
        "actor": event.actor.username if event.actor else None,
        "source": event.source,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def auditable_events(user):
    """Every audit event the user may read: all of them for the roles that see the whole
    portfolio; those of the initiatives whose trail they may read for everyone else."""
    qs = AuditEvent.objects.select_related("actor").order_by("seq")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    scope = access.rules().audited_initiative_ids(user)
    return qs if scope is None else qs.filter(initiative__in=scope)
