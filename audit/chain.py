"""The chained audit log: how an event is appended and how the chain is verified.

Every audit event is written by `append_event` (called by `audit.services.record_event`).
Appending locks the chain head row, so concurrent writers queue and the chain never forks;
each event's hash covers its own fields and the hash of the event before it, so a row changed,
deleted or slipped in with raw SQL breaks the chain at that point (`manage.py verify_audit`).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditEvent
from .sources import current_source

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


def canonical_at(value: datetime | str) -> str:
    if isinstance(value, str):  # as a raw SQLite row returns it
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_json(fields: dict[str, Any]) -> str:
    """The exact text that is hashed: sorted keys, no whitespace, UTC timestamps."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["at"] = canonical_at(payload["at"])
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
    with transaction.atomic():
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
