"""The chained audit log: where an event comes from, how it is appended, how it is verified.

Every audit event is written by `append_event` (called by `governance.services.record_event`).
Appending locks the chain head row, so concurrent writers queue and the chain never forks;
each event's hash covers its own fields and the hash of the event before it, so a row changed,
deleted or slipped in with raw SQL breaks the chain at that point (`manage.py verify_audit`).
"""

import contextvars
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditEvent, Source

# Where the current unit of work came from: set by AuditSourceMiddleware (browser, api,
# admin) and by the Celery task_prerun signal (task); nothing set means "system"
# (management commands, the shell, the demo loader).
_current_source: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_source", default=None
)


def current_source() -> str:
    """The source of the running request or task, "system" outside of both."""
    return _current_source.get() or Source.SYSTEM


@contextmanager
def audit_source(source: str) -> Iterator[None]:
    """Run a block as coming from `source` (e.g. "task")."""
    token = _current_source.set(source)
    try:
        yield
    finally:
        _current_source.reset(token)


def set_source(source: str | None) -> contextvars.Token:
    return _current_source.set(source)


def reset_source(token: contextvars.Token) -> None:
    _current_source.reset(token)


def source_for_path(path: str) -> str:
    if path.startswith("/api/"):
        return Source.API
    if path.startswith("/admin/"):
        return Source.ADMIN
    return Source.BROWSER


# --- hashing --------------------------------------------------------------------------------

HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "source",
    "action",
    "initiative_id",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "prev_hash",
)


def _canonical_at(value: datetime | str) -> str:
    if isinstance(value, str):  # as a raw SQLite row returns it
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_json(fields: dict[str, Any]) -> str:
    """The exact text that is hashed: sorted keys, no whitespace, UTC timestamps."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["at"] = _canonical_at(payload["at"])
    for name in ("actor_id", "initiative_id"):
        payload[name] = None if payload[name] is None else int(payload[name])
    payload["seq"] = int(payload["seq"])
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def _event_fields(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def normalise_changes(changes: dict[str, Any] | None) -> dict[str, Any]:
    """Changes as JSON gives them back (dates as text), so what is hashed is what is stored."""
    return json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder))


# --- appending ------------------------------------------------------------------------------


def _locked_head() -> AuditChainHead:
    try:
        return AuditChainHead.objects.select_for_update().get(pk=1)
    except AuditChainHead.DoesNotExist:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=1)
        except IntegrityError:
            pass  # another writer created it first; lock theirs
        return AuditChainHead.objects.select_for_update().get(pk=1)


@transaction.atomic
def append_event(
    *,
    actor_id: int | None,
    action: str,
    initiative_id: int | None,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict[str, Any] | None,
    source: str | None,
) -> AuditEvent:
    """Append one event to the chain. The head row lock is held until the caller commits."""
    head = _locked_head()
    event = AuditEvent(
        seq=head.last_seq + 1,
        at=timezone.now(),
        actor_id=actor_id,
        source=source or current_source(),
        action=action[:60],
        initiative_id=initiative_id,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:300],
        changes=normalise_changes(changes),
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(_event_fields(event))
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


# --- verifying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""
    last_hash: str = GENESIS_HASH


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in order; report the first event that does not fit.

    Reads raw values (no model instances) so it stays fast on a long trail.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    rows = AuditEvent.objects.order_by("seq").values(*HASHED_FIELDS, "hash", "id")
    for row in rows.iterator(chunk_size=chunk_size):
        seq, pk = row["seq"], row["id"]
        if seq != expected_seq:
            return ChainReport(
                False, checked, seq, pk, f"expected event #{expected_seq} here: events missing"
            )
        if row["prev_hash"] != expected_prev:
            return ChainReport(
                False, checked, seq, pk, "prev_hash does not match the event before it"
            )
        if compute_hash(row) != row["hash"]:
            return ChainReport(
                False, checked, seq, pk, "content does not match its hash (row was altered)"
            )
        expected_prev = row["hash"]
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).values("last_seq", "last_hash").first()
    if head is not None and (head["last_seq"], head["last_hash"]) != (
        expected_seq - 1,
        expected_prev,
    ):
        return ChainReport(
            False,
            checked,
            head["last_seq"],
            None,
            f"the chain head names event #{head['last_seq']} but the trail ends at "
            f"#{expected_seq - 1}: events were removed from the end",
        )
    return ChainReport(True, checked, last_hash=expected_prev)


# --- reading --------------------------------------------------------------------------------


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
    """Auditors of an initiative: IT leads, executives and administrators (the whole
    portfolio), and the initiative's own people (sponsor, co-sponsors, assigned reviewers),
    who should see what was recorded about their work. Others who merely see a public
    initiative do not see who did what."""
    from initiatives import permissions
    from initiatives.roles import sees_whole_portfolio

    return permissions.can_view(user, initiative) and (
        sees_whole_portfolio(user) or permissions.is_member(user, initiative)
    )


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
        "at": _canonical_at(event.at),
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
    """Every audit event the user may read: all of them for IT leads, executives and
    administrators; those of their own initiatives for everyone else."""
    from initiatives import permissions
    from initiatives.roles import sees_whole_portfolio

    qs = AuditEvent.objects.select_related("actor").order_by("seq")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if sees_whole_portfolio(user):
        return qs
    return qs.filter(initiative__in=permissions.member_initiative_ids(user))
