"""Computed risk status of initiatives and readiness per concern.

`compute_risk` is a pure function of hand-made facts (easy to test, no database). The
`recompute_*` functions gather those facts for many initiatives with a handful of aggregate
queries and write only what changed, so the sweep over the whole portfolio stays fast.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from initiatives.models import Initiative, RiskLevel, Status
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentStatus,
    ConcernArea,
    ConcernAssessment,
    DesignInput,
    Severity,
)

from .models import Cadence, RiskState, RiskStatusChange, SessionStatus, WorkingSeries

logger = logging.getLogger(__name__)

# An assessment not updated for this many days, and not yet satisfied, is stale.
STALE_ASSESSMENT_DAYS = 21
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 31}
# Only initiatives IT is working on carry a risk; drafts and withdrawn ones are on track.
ACTIVE_STATUSES = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.READY_FOR_BUILD})

_BASE_READINESS = {
    AssessmentStatus.SATISFIED: 100,
    AssessmentStatus.IN_PROGRESS: 60,
    AssessmentStatus.NEEDS_INFO: 40,
    AssessmentStatus.NOT_STARTED: 20,
}
_SEVERITY_PENALTY = {Severity.HIGH: 35, Severity.MEDIUM: 15, Severity.LOW: 5}
_LEVEL_ORDER = {RiskLevel.ON_TRACK: 0, RiskLevel.AT_RISK: 1, RiskLevel.BLOCKED: 2}


@dataclass(frozen=True)
class AssessmentFacts:
    area: str
    status: str
    score: int | None
    updated_at: datetime


@dataclass(frozen=True)
class OpenInputFacts:
    area: str
    severity: str
    title: str
    due_date: date | None = None


@dataclass
class InitiativeFacts:
    """Everything the risk status depends on, for one initiative."""

    status: str
    assessments: list[AssessmentFacts] = field(default_factory=list)
    open_inputs: list[OpenInputFacts] = field(default_factory=list)
    has_decision_owner: bool = True
    has_accountable_person: bool = True
    missing_support: list[str] = field(default_factory=list)
    cadence: str | None = None  # None: no active standing working session
    series_started: date | None = None
    last_session_held: datetime | None = None


@dataclass
class RiskResult:
    level: str
    reasons: list[str]
    readiness: dict[str, int]


def _area_label(area: str) -> str:
    try:
        return ConcernArea(area).label
    except ValueError:
        return area


def compute_risk(facts: InitiativeFacts, now: datetime) -> RiskResult:
    """The risk level, the reasons for it (sentences for people) and readiness per concern."""
    readiness = {}
    open_by_area: dict[str, list[OpenInputFacts]] = defaultdict(list)
    for item in facts.open_inputs:
        open_by_area[item.area].append(item)
    for a in facts.assessments:
        value = _BASE_READINESS.get(a.status, 20)
        if a.status != AssessmentStatus.SATISFIED and a.score:
            value -= (a.score - 1) * 5
        value -= sum(_SEVERITY_PENALTY.get(i.severity, 0) for i in open_by_area[a.area])
        readiness[a.area] = max(0, min(100, value))

    if facts.status not in ACTIVE_STATUSES:
        return RiskResult(RiskLevel.ON_TRACK, [], readiness)

    level = RiskLevel.ON_TRACK
    reasons: list[str] = []

    def flag(to: str, reason: str) -> None:
        nonlocal level
        reasons.append(reason)
        if _LEVEL_ORDER[to] > _LEVEL_ORDER[level]:
            level = to

    today = now.date()
    high = [i for i in facts.open_inputs if i.severity == Severity.HIGH]
    for item in sorted(high, key=lambda i: i.title):
        overdue = item.due_date is not None and item.due_date < today
        if overdue:
            flag(
                RiskLevel.BLOCKED,
                f"High-severity design input overdue since {item.due_date:%d %b %Y}: "
                f"{item.title} ({_area_label(item.area)})",
            )
        else:
            flag(
                RiskLevel.AT_RISK,
                f"High-severity design input open: {item.title} ({_area_label(item.area)})",
            )
    if len(high) >= 3:
        flag(RiskLevel.BLOCKED, f"{len(high)} high-severity design inputs open at once")
    overdue_other = [
        i
        for i in facts.open_inputs
        if i.severity != Severity.HIGH and i.due_date is not None and i.due_date < today
    ]
    if overdue_other:
        flag(RiskLevel.AT_RISK, f"{len(overdue_other)} design input(s) past their due date")

    for a in sorted(facts.assessments, key=lambda a: a.area):
        label = _area_label(a.area)
        if a.score == 5 and a.status != AssessmentStatus.SATISFIED:
            flag(RiskLevel.BLOCKED, f"{label} assessed as highest risk (5 of 5)")
        if a.status == AssessmentStatus.NEEDS_INFO:
            flag(RiskLevel.AT_RISK, f"{label}: IT needs more information")
        elif (
            a.status != AssessmentStatus.SATISFIED
            and (now - a.updated_at).days >= STALE_ASSESSMENT_DAYS
        ):
            flag(
                RiskLevel.AT_RISK,
                f"{label}: no assessment update for {(now - a.updated_at).days} days",
            )

    if facts.cadence and facts.series_started:
        window = timedelta(days=2 * CADENCE_DAYS.get(facts.cadence, 14))
        started = datetime.combine(facts.series_started, datetime.min.time(), tzinfo=now.tzinfo)
        if now - started >= window and (
            facts.last_session_held is None or now - facts.last_session_held > window
        ):
            flag(RiskLevel.AT_RISK, "No working session held in the last 2 cadences")
    elif facts.status == Status.IN_REVIEW:
        flag(RiskLevel.AT_RISK, "No standing IT working session set up")

    if not facts.has_decision_owner:
        flag(RiskLevel.AT_RISK, "Decision owner missing")
    if not facts.has_accountable_person:
        flag(RiskLevel.AT_RISK, "Nobody named accountable when the AI is wrong")
    if facts.missing_support:
        flag(RiskLevel.AT_RISK, "Support model unanswered: " + ", ".join(facts.missing_support))
    return RiskResult(level, reasons, readiness)


# --- Gathering facts and storing results --------------------------------------------------

_SUPPORT_FIELDS = (
    ("maintained_by", "who maintains it"),
    ("monitored_by", "who monitors it"),
    ("update_process", "how updates are made"),
)


def _gather(initiative_ids: Iterable[int] | None) -> tuple[dict, dict, dict]:
    """Facts for the given initiatives (all if None) in five queries.

    Returns (facts by initiative id, current level by id, assessment (id, readiness) by
    (initiative id, area)).
    """
    initiatives = Initiative.objects.order_by()
    assessments = ConcernAssessment.objects.order_by()
    inputs = DesignInput.objects.order_by().filter(status__in=OPEN_DESIGN_INPUT_STATUSES)
    series = WorkingSeries.objects.order_by().filter(active=True)
    if initiative_ids is not None:
        ids = list(initiative_ids)
        initiatives = initiatives.filter(pk__in=ids)
        assessments = assessments.filter(initiative_id__in=ids)
        inputs = inputs.filter(initiative_id__in=ids)
        series = series.filter(initiative_id__in=ids)

    facts: dict[int, InitiativeFacts] = {}
    levels: dict[int, str] = {}
    for row in initiatives.values(
        "pk",
        "status",
        "risk_level",
        "decision_owner_id",
        "accountable_person_id",
        *(f for f, _ in _SUPPORT_FIELDS),
    ):
        facts[row["pk"]] = InitiativeFacts(
            status=row["status"],
            has_decision_owner=row["decision_owner_id"] is not None,
            has_accountable_person=row["accountable_person_id"] is not None,
            missing_support=[label for f, label in _SUPPORT_FIELDS if not row[f].strip()],
        )
        levels[row["pk"]] = row["risk_level"]

    current_readiness: dict[tuple[int, str], tuple[int, int | None]] = {}
    for pk, initiative_id, area, status, score, updated_at, readiness in assessments.values_list(
        "pk", "initiative_id", "area", "status", "score", "updated_at", "readiness"
    ):
        f = facts.get(initiative_id)
        if f is not None:
            f.assessments.append(AssessmentFacts(area, status, score, updated_at))
            current_readiness[(initiative_id, area)] = (pk, readiness)

    for initiative_id, area, severity, title, due in inputs.values_list(
        "initiative_id", "area", "severity", "title", "due_date"
    ):
        f = facts.get(initiative_id)
        if f is not None:
            f.open_inputs.append(OpenInputFacts(area, severity, title, due))

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


def recompute(initiative_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute and store the risk status of the given initiatives (all if None).

    Writes `Initiative.risk_level`, each `ConcernAssessment.readiness` and the `RiskState`
    reasons only where they changed, and one `RiskStatusChange` per level change. Readiness
    is written with `update()` so `ConcernAssessment.updated_at` (staleness) is untouched.
    Returns how many initiatives changed level.
    """
    now = now or timezone.now()
    facts, levels, current_readiness = _gather(initiative_ids)
    states = {
        s["initiative_id"]: s
        for s in RiskState.objects.filter(
            **({} if initiative_ids is None else {"initiative_id__in": list(facts)})
        ).values("initiative_id", "level", "reasons", "dirty")
    }

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
        ):
            new_states.append(
                RiskState(
                    initiative_id=pk,
                    level=result.level,
                    reasons=result.reasons,
                    computed_at=now,
                    dirty=False,
                )
            )

    with transaction.atomic():
        for level, ids in level_changes.items():
            for chunk in _chunks(ids):
                Initiative.objects.filter(pk__in=chunk).update(risk_level=level)
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
                update_fields=["level", "reasons", "computed_at", "dirty"],
            )
    return len(history)


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
                f"INSERT INTO {states} (initiative_id, level, reasons, computed_at, dirty) "
                f"VALUES %s ON CONFLICT (initiative_id) DO UPDATE SET level = EXCLUDED.level, "
                f"reasons = EXCLUDED.reasons, computed_at = EXCLUDED.computed_at, "
                f"dirty = EXCLUDED.dirty",
                [
                    (s.initiative_id, s.level, Json(s.reasons), s.computed_at, s.dirty)
                    for s in new_states
                ],
                page_size=2000,
            )


def _chunks(ids: list[int], size: int = 5000):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def mark_dirty(initiative_id: int) -> None:
    """Note that the initiative's risk inputs changed; the debounced task picks it up."""
    updated = RiskState.objects.filter(initiative_id=initiative_id).update(dirty=True)
    if not updated:
        RiskState.objects.bulk_create(
            [RiskState(initiative_id=initiative_id, dirty=True)], ignore_conflicts=True
        )


def current_state(initiative: Initiative) -> RiskState | None:
    """The stored risk state (level and reasons) of one initiative, if computed yet."""
    return RiskState.objects.filter(initiative=initiative).first()
