"""Reads of the audit trail that the auditor pages, the downloads and the API share."""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist

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


Labeller = Callable[[str, Any], Any]


def _plain(field: str, value: Any) -> Any:
    return value


def describe_changes(
    changes: dict[str, Any], label: Labeller = _plain
) -> list[tuple[str, str, str | None]]:
    """(what, old, new) rows a person can read; new is None for a plain note (e.g. reason).

    `{field: [old, new]}` is a change; `{"after": {...}}` a creation snapshot; anything
    else is shown as it is. `label(field, value)` turns a stored value (an id, a username, a
    choice) into what a person reads (see `readable_events`).
    """
    rows: list[tuple[str, str, str | None]] = []
    for key, value in (changes or {}).items():
        what = key.replace("_", " ")
        if key == "after" and isinstance(value, dict):
            rows.extend((k.replace("_", " "), "—", _text(label(k, v))) for k, v in value.items())
        elif isinstance(value, list) and len(value) == 2:
            rows.append((what, _text(label(key, value[0])), _text(label(key, value[1]))))
        else:
            rows.append((what, _text(label(key, value)), None))
    return rows


# --- References in words: ids, usernames and choices as a person reads them ----------------
#
# Events store what the services knew: a site or a person by id ("site → 1"), a person by
# username, a status by its value. The trail shows names and labels instead, resolved when it
# is read, so events written before this existed read the same way. The exports keep the
# stored values. The bottom layer imports no app: the models are found through Django's app
# registry from the event's `object_type`.


def _model_of(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


# Keys that name a person but are not a foreign key of the event's model (snapshots of
# decisions and design inputs name people by username).
PERSON_KEYS = frozenset(
    {"accountable", "owner", "user", "reviewer", "accepted_by", "confirmed_by", "co_sponsors"}
)


def _person_label(user) -> str:
    return user.get_full_name() or user.username


def _values(changes: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    """Every (key, stored value) of an event's changes, lists flattened."""
    for key, value in (changes or {}).items():
        if key == "after" and isinstance(value, dict):
            pairs = list(value.items())
        elif isinstance(value, list) and len(value) == 2:
            pairs = [(key, value[0]), (key, value[1])]
        else:
            pairs = [(key, value)]
        for k, v in pairs:
            for item in v if isinstance(v, list) else [v]:
                if isinstance(item, int | str) and not isinstance(item, bool):
                    yield k, item


def _target(model, key: str):
    """The model a key's values refer to (None: not a reference)."""
    field = _field(model, key)
    if field is not None and field.is_relation and field.related_model is not None:
        return field.related_model
    if key in PERSON_KEYS or (field is None and key.endswith("_by")):
        return get_user_model()
    return None


def readable_events(events: Iterable) -> list:
    """The events with `readable_changes`: every reference as a human label — a person's
    name, a site's name, a choice's label — resolved for all the events together, with one
    query per model referred to (not one per event)."""
    events = list(events)
    User = get_user_model()
    wanted: dict[Any, set] = defaultdict(set)
    for event in events:
        model = _model_of(event.object_type)
        for key, value in _values(event.changes):
            target = _target(model, key)
            if target is not None:
                wanted[target].add(value)

    names: dict[tuple[Any, Any], str] = {}
    for target, values in wanted.items():
        ids = {int(v) for v in values if isinstance(v, int) or str(v).isdigit()}
        rows = list(target._default_manager.filter(pk__in=ids)) if ids else []
        if target is User:
            usernames = {v for v in values if isinstance(v, str) and not v.isdigit()}
            if usernames:
                rows += list(User.objects.filter(username__in=usernames))
        for row in rows:
            text = _person_label(row) if target is User else str(row)
            names[(target, row.pk)] = names[(target, str(row.pk))] = text
            if target is User:
                names[(target, row.username)] = text

    for event in events:
        model = _model_of(event.object_type)

        def label(key: str, value: Any, model=model) -> Any:
            if isinstance(value, list):
                return [label(key, item) for item in value]
            if value is None or isinstance(value, bool):
                return value
            target = _target(model, key)
            if target is not None:
                return names.get((target, value), value)
            field = _field(model, key)
            if field is not None and field.choices:
                return dict(field.flatchoices).get(value, value)
            return value

        event.readable_changes = describe_changes(event.changes, label)
    return events


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
