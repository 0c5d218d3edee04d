"""Keeping risk status current: gather the facts of many initiatives in a few queries, apply
the rules (`rules.compute_risk`) and write only what changed, with one history row per change
of level."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_noop

from governance.sessions.models import SessionStatus, WorkingSeries
from initiatives.models import Initiative, RoleAcknowledgement
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    ConcernAssessment,
    DesignInput,
)

from .models import RiskState, RiskStatusChange
from .rules import AssessmentFacts, InitiativeFacts, OpenInputFacts, compute_risk

logger = logging.getLogger(__name__)


# --- Gathering facts and storing results --------------------------------------------------

# Stored in English inside a reason; `rules.reason_in_language` translates them when shown.
_SUPPORT_FIELDS = (
    ("maintained_by", gettext_noop("who maintains it")),
    ("monitored_by", gettext_noop("who monitors it")),
    ("update_process", gettext_noop("how updates are made")),
)
# The intake's explainability answers (text ones; override_logged is read on its own).
_EXPLAINABILITY_FIELDS = (
    "output_explanation",
    "operator_view",
    "model_documentation",
    "drift_detection",
)


def _keys(wanted: set[int], field: str) -> Q:
    """Rows whose `field` is one of `wanted` or near: the key range, and the keys themselves
    only when the range holds more than twice as many (see `_gather`)."""
    low, high = (min(wanted), max(wanted)) if wanted else (0, -1)
    keys = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if high - low + 1 > 2 * len(wanted):
        keys &= Q(**{f"{field}__in": sorted(wanted)})
    return keys


def _gather(initiative_ids: Iterable[int] | None) -> tuple[dict, dict, dict]:
    """Facts for the given initiatives (all if None) in six queries.

    Returns (facts by initiative id, current level by id, assessment (id, readiness) by
    (initiative id, area)).
    """
    initiatives = Initiative.objects.order_by()
    assessments = ConcernAssessment.objects.order_by()
    inputs = DesignInput.objects.order_by().filter(status__in=OPEN_DESIGN_INPUT_STATUSES)
    series = WorkingSeries.objects.order_by().filter(active=True)
    acknowledgements = RoleAcknowledgement.objects.order_by()
    wanted: set[int] | None = None
    if initiative_ids is not None:
        wanted = set(initiative_ids)
        # By key range: with a list of 2,000 keys alone PostgreSQL read all the open design
        # inputs for each chunk of a sweep (a sequential scan per chunk, the sweep's time
        # growing with the square of the portfolio), and Django spent a quarter of the
        # sweep's CPU on the lists' parameters. A sparse chunk (the incremental sweep's) also
        # names its keys; a dense one reads the few others in its range and skips them below.
        around = _keys(wanted, "initiative_id")
        initiatives = initiatives.filter(_keys(wanted, "pk"))
        assessments = assessments.filter(around)
        inputs = inputs.filter(around)
        series = series.filter(around)
        acknowledgements = acknowledgements.filter(around)

    facts: dict[int, InitiativeFacts] = {}
    levels: dict[int, str] = {}
    for row in initiatives.values(
        "pk",
        "status",
        "risk_level",
        "decision_owner_id",
        "accountable_person_id",
        *(f for f, _ in _SUPPORT_FIELDS),
        "safety_critical",
        "output_actors",
        "override_logged",
        *_EXPLAINABILITY_FIELDS,
    ):
        if wanted is not None and row["pk"] not in wanted:
            continue  # in the chunk's key range, not in the chunk
        facts[row["pk"]] = InitiativeFacts(
            status=row["status"],
            has_decision_owner=row["decision_owner_id"] is not None,
            has_accountable_person=row["accountable_person_id"] is not None,
            missing_support=[label for f, label in _SUPPORT_FIELDS if not row[f].strip()],
            safety_critical=row["safety_critical"] == "yes",
            operator_facing=bool(row["output_actors"].strip()),
            override_logged=row["override_logged"],
            unanswered_explainability=sum(not row[f].strip() for f in _EXPLAINABILITY_FIELDS)
            + (not row["override_logged"]),
        )
        levels[row["pk"]] = row["risk_level"]

    current_readiness: dict[tuple[int, str], tuple[int, int | None]] = {}
    for (
        pk,
        initiative_id,
        area,
        status,
        score,
        updated_at,
        readiness,
        not_applicable_reason,
    ) in assessments.values_list(
        "pk",
        "initiative_id",
        "area",
        "status",
        "score",
        "updated_at",
        "readiness",
        "not_applicable_reason",
    ):
        f = facts.get(initiative_id)
        if f is not None:
            f.assessments.append(
                AssessmentFacts(area, status, score, updated_at, bool(not_applicable_reason))
            )
            current_readiness[(initiative_id, area)] = (pk, readiness)

    for initiative_id, area, severity, title, due in inputs.values_list(
        "initiative_id", "area", "severity", "title", "due_date"
    ):
        f = facts.get(initiative_id)
        if f is not None:
            f.open_inputs.append(OpenInputFacts(area, severity, title, due))

    for initiative_id, role, status in acknowledgements.values_list(
        "initiative_id", "role", "status"
    ):
        f = facts.get(initiative_id)
        if f is not None:
            f.acknowledgements[role] = status

    series_rows = list(series.values_list("pk", "initiative_id", "cadence", "starts_on"))
    for _pk, initiative_id, cadence, starts_on in series_rows:
        f = facts.get(initiative_id)
        if f is not None:
            f.cadence, f.series_started = cadence, starts_on
    if series_rows:
        held = (
            series.filter(sessions__status=SessionStatus.HELD)
            .values("initiative_id")
            .annotate(last=Max("sessions__starts_at"))
        )
        for row in held:
            f = facts.get(row["initiative_id"])
            if f is not None:
                f.last_session_held = row["last"]
    return facts, levels, current_readiness


# Sent after the commit of a recompute that changed risk levels, with `initiative_ids`: the
# levels are written in bulk, which sends no model signal, and readers above (the dashboard's
# cached figures) must learn of it.
levels_changed = Signal()


def recompute(initiative_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute and store the risk status of the given initiatives (all if None).

    Writes `Initiative.risk_level`, each `ConcernAssessment.readiness` and the `RiskState`
    reasons only where they changed, and one `RiskStatusChange` per level change. Readiness
    is written with `update()` so `ConcernAssessment.updated_at` (staleness) is untouched.
    Returns how many initiatives changed level.
    """
    now = now or timezone.now()
    wanted = None if initiative_ids is None else list(initiative_ids)
    # The states before the facts: a change that commits while the facts are read marks its
    # initiative after this read, and the write below leaves such a state dirty.
    states = {
        s["initiative_id"]: s
        for s in RiskState.objects.filter(
            Q() if wanted is None else _keys(set(wanted), "initiative_id")
        ).values("initiative_id", "level", "reasons", "dirty", "recheck_at", "marks")
    }
    facts, levels, current_readiness = _gather(wanted)

    level_changes: dict[str, list[int]] = defaultdict(list)
    readiness_changes: dict[int, list[int]] = defaultdict(list)
    history: list[RiskStatusChange] = []
    new_states: list[RiskState] = []
    for pk, f in facts.items():
        result = compute_risk(f, now)
        if result.level != levels[pk]:
            level_changes[result.level].append(pk)
            history.append(
                RiskStatusChange(
                    initiative_id=pk,
                    from_level=levels[pk],
                    to_level=result.level,
                    reasons=result.reasons,
                )
            )
        for area, value in result.readiness.items():
            assessment_pk, old = current_readiness[(pk, area)]
            if old != value:
                readiness_changes[value].append(assessment_pk)
        state = states.get(pk)
        if (
            state is None
            or state["level"] != result.level
            or state["reasons"] != result.reasons
            or state["dirty"]
            or state["recheck_at"] != result.recheck_at
        ):
            new_states.append(
                RiskState(
                    initiative_id=pk,
                    level=result.level,
                    reasons=result.reasons,
                    computed_at=now,
                    dirty=False,
                    recheck_at=result.recheck_at,
                    marks=0 if state is None else state["marks"],
                )
            )

    with transaction.atomic():
        for level, ids in level_changes.items():
            for chunk in _chunks(ids):
                Initiative.objects.filter(pk__in=chunk).update(risk_level=level)
        if history:
            changed = [change.initiative_id for change in history]
            transaction.on_commit(
                lambda: levels_changed.send(sender=RiskStatusChange, initiative_ids=changed),
                robust=True,
            )
        if connection.vendor == "postgresql":
            _write_postgresql(readiness_changes, history, new_states)
        else:
            for value, ids in readiness_changes.items():
                for chunk in _chunks(ids):
                    ConcernAssessment.objects.filter(pk__in=chunk).update(readiness=value)
            RiskStatusChange.objects.bulk_create(history, batch_size=500)
            RiskState.objects.bulk_create(
                new_states,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["initiative"],
                update_fields=["level", "reasons", "computed_at", "dirty", "recheck_at"],
            )
    return len(history)


# Initiatives per chunk of the sweep: the facts of one chunk in memory at a time.
SWEEP_CHUNK_SIZE = 2000


def sweep(
    now: datetime | None = None, chunk_size: int = SWEEP_CHUNK_SIZE, full: bool = False
) -> int:
    """Recompute the initiatives that need it, a chunk at a time in primary-key order.

    Needing it: never computed, dirty (a fact changed), or due for a re-check (time alone
    changes the result at `recheck_at`, e.g. a due date passed). Any other initiative would
    come out as stored, so with nothing changed a sweep reads a few index pages and stops.
    `full` recomputes every initiative: the daily safety net for writes that bypass the
    signals (a bulk import, a fix in the database shell).

    Each chunk gathers, computes and writes on its own (its writes in their own
    transaction), so the worker holds one chunk's facts instead of the portfolio's, a long
    sweep keeps no lock on the chunks it has finished, and an initiative created during the
    sweep is taken by a later chunk or by the next sweep. Returns how many changed level."""
    now = now or timezone.now()
    changed, after = 0, 0
    while True:
        ids = _sweep_chunk(after, now, chunk_size, full)
        if not ids:
            return changed
        changed += recompute(ids, now)
        after = ids[-1]


def _sweep_chunk(after: int, now: datetime, size: int, full: bool) -> list[int]:
    """The next `size` initiatives after `after` (primary-key order) that the sweep takes.

    Incremental: the risk states that are dirty or due (two small index scans, whatever the
    portfolio's size) and, merged in key order, the initiatives without a state (an anti-join
    of two primary-key indexes, read without touching the tables)."""
    if full:
        initiatives = Initiative.objects.filter(pk__gt=after).order_by("pk")
        return list(initiatives.values_list("pk", flat=True)[:size])
    due = RiskState.objects.filter(
        Q(dirty=True) | Q(recheck_at__lte=now), initiative_id__gt=after
    ).values_list("initiative_id", flat=True)
    never_computed = (
        Initiative.objects.filter(pk__gt=after)
        .filter(~Exists(RiskState.objects.filter(initiative_id=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    return list(
        due.order_by().union(never_computed.order_by(), all=True).order_by("initiative_id")[:size]
    )


def _write_postgresql(
    readiness_changes: dict[int, list[int]],
    history: list[RiskStatusChange],
    new_states: list[RiskState],
) -> None:
    """The same writes as the ORM path, as three multi-row statements: on a full sweep of
    ten thousand initiatives the ORM's per-row SQL compilation would dominate the run."""
    from psycopg2.extras import Json, execute_values

    assessments = ConcernAssessment._meta.db_table
    changes = RiskStatusChange._meta.db_table
    states = RiskState._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2 cursor, for execute_values
        # In primary-key order, so the update walks the table's pages once.
        rows = sorted((pk, value) for value, ids in readiness_changes.items() for pk in ids)
        if rows:
            execute_values(
                raw,
                f"UPDATE {assessments} AS a SET readiness = v.r "
                f"FROM (VALUES %s) AS v(id, r) WHERE a.id = v.id",
                rows,
                template="(%s::bigint, %s::smallint)",
                page_size=5000,
            )
        if history:
            execute_values(
                raw,
                f"INSERT INTO {changes} (initiative_id, at, from_level, to_level, reasons) "
                f"VALUES %s",
                [
                    (h.initiative_id, now, h.from_level, h.to_level, Json(h.reasons))
                    for h in history
                ],
                page_size=2000,
            )
        if new_states:
            execute_values(
                raw,
                # Marked dirty again since the recompute read the state (`marks` moved on):
                # the facts may predate that change, so the state stays dirty.
                f"INSERT INTO {states} "
                f"(initiative_id, level, reasons, computed_at, dirty, recheck_at, marks) "
                f"VALUES %s ON CONFLICT (initiative_id) DO UPDATE SET level = EXCLUDED.level, "
                f"reasons = EXCLUDED.reasons, computed_at = EXCLUDED.computed_at, "
                f"dirty = {states}.marks <> EXCLUDED.marks, recheck_at = EXCLUDED.recheck_at",
                [
                    (
                        s.initiative_id,
                        s.level,
                        Json(s.reasons),
                        s.computed_at,
                        s.dirty,
                        s.recheck_at,
                        s.marks,
                    )
                    for s in new_states
                ],
                page_size=2000,
            )


def _chunks(ids: list[int], size: int = 5000):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def mark_dirty(initiative_id: int) -> None:
    """Note that the initiative's risk inputs changed; the recomputation picks it up.

    `marks` counts the notes, so a recompute that read the state before this one does not
    clear it (see `_write_postgresql`); a state created here starts at 1 for the same reason."""
    updated = RiskState.objects.filter(initiative_id=initiative_id).update(
        dirty=True, marks=F("marks") + 1
    )
    if not updated:
        RiskState.objects.bulk_create(
            [RiskState(initiative_id=initiative_id, dirty=True, marks=1)], ignore_conflicts=True
        )
