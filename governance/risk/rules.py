"""The risk rules: from an initiative's facts to on track / at risk / blocked, the reasons in
words, and a readiness score 0–100 per concern area.

`compute_risk` is a pure function of the facts (no database), so every threshold below can be
tested at its edges; `services.recompute` gathers the facts and stores what changed.

Some reasons depend on the clock alone (a due date passes, an assessment grows stale, two
cadences go by without a session held), so the result also says when it is next worth computing
again with the same facts (`RiskResult.recheck_at`): the sweep skips every initiative whose
facts did not change and whose moment has not come.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.utils import formats, translation
from django.utils.translation import gettext, gettext_noop

from governance.sessions.models import Cadence
from initiatives.models import ACTIVE_STATUSES, AcknowledgementStatus, NamedRole, RiskLevel, Status
from reviews.models import (
    AssessmentStatus,
    ConcernArea,
    Severity,
)

# An assessment not updated for this many days, and not yet satisfied, is stale.
STALE_ASSESSMENT_DAYS = 21


CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 31}


_BASE_READINESS = {
    AssessmentStatus.SATISFIED: 100,
    AssessmentStatus.IN_PROGRESS: 60,
    AssessmentStatus.NEEDS_INFO: 40,
    AssessmentStatus.NOT_STARTED: 20,
}


_SEVERITY_PENALTY = {Severity.HIGH: 35, Severity.MEDIUM: 15, Severity.LOW: 5}


# Explainability readiness loses this much per intake question of the area left unanswered
# (how an output is explained, what the operator sees, override logged, model documentation,
# drift), until IT is satisfied with the area.
UNANSWERED_EXPLAINABILITY_PENALTY = 5


_LEVEL_ORDER = {RiskLevel.ON_TRACK: 0, RiskLevel.AT_RISK: 1, RiskLevel.BLOCKED: 2}


@dataclass(frozen=True)
class AssessmentFacts:
    area: str
    status: str
    score: int | None
    updated_at: datetime
    not_applicable: bool = False  # ruled out by an IT lead: neither a risk nor "not assessed"


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
    # {role: acknowledgement status} of the named roles (`initiatives.NamedRole`).
    acknowledgements: dict[str, str] = field(default_factory=dict)
    missing_support: list[str] = field(default_factory=list)
    # Explainability and operator trust, from the intake.
    safety_critical: bool = False
    operator_facing: bool = False  # somebody acts on its output day to day
    override_logged: str = ""  # "yes", "no" or "" (not answered)
    unanswered_explainability: int = 0
    cadence: str | None = None  # None: no active standing working session
    series_started: date | None = None
    last_session_held: datetime | None = None


@dataclass
class RiskResult:
    level: str
    reasons: list[str]
    readiness: dict[str, int]
    # The earliest moment after `now` at which the same facts give another result (a due date
    # passed, a stale assessment a day older, a session window run out); None: never.
    recheck_at: datetime | None = None


# Comparisons of a moment with a threshold are strict ("more than two cadences ago"): the
# result changes one tick of the clock after the threshold.
_TICK = timedelta(microseconds=1)


def _day_starts(day: date, now: datetime) -> datetime:
    """Midnight at the start of `day` in the time zone of `now` (where `now.date()` turns)."""
    return datetime.combine(day, time.min, tzinfo=now.tzinfo)


# English labels by value, looked up once per process: switching the language for every label
# of every initiative was most of a full sweep's CPU time.
_ENGLISH_LABELS: dict[str, str] = {}


def _area_label(area: str) -> str:
    # Reasons are stored in English (see `REASONS`): the label too, whatever language is active.
    label = _ENGLISH_LABELS.get(area)
    if label is None:
        try:
            with translation.override("en"):
                label = str(ConcernArea(area).label)
        except ValueError:
            label = area
        _ENGLISH_LABELS[area] = label
    return label


def _role_label(role: NamedRole) -> str:
    key = f"role:{role}"
    label = _ENGLISH_LABELS.get(key)
    if label is None:
        with translation.override("en"):
            label = _ENGLISH_LABELS[key] = str(role.label)
    return label


# The reasons, stored in English as written here (a recompute runs in a worker or in anybody's
# request); pages show them in the reader's language through `reason_in_language`.
REASONS = {
    "input_overdue": gettext_noop(
        "High-severity design input overdue since %(date)s: %(title)s (%(area)s)"
    ),
    "input_open": gettext_noop("High-severity design input open: %(title)s (%(area)s)"),
    "inputs_at_once": gettext_noop("%(count)s high-severity design inputs open at once"),
    "inputs_past_due": gettext_noop("%(count)s design input(s) past their due date"),
    "not_assessed": gettext_noop("Not assessed yet: %(areas)s"),
    "highest_risk": gettext_noop("%(area)s assessed as highest risk (5 of 5)"),
    "needs_info": gettext_noop("%(area)s: IT needs more information"),
    "stale": gettext_noop("%(area)s: no assessment update for %(days)s days"),
    "no_session_held": gettext_noop("No working session held in the last 2 cadences"),
    "no_series": gettext_noop("No standing IT working session set up"),
    "no_owner": gettext_noop("Decision owner missing"),
    "no_accountable": gettext_noop("Nobody named accountable when the AI is wrong"),
    "role_pending": gettext_noop("%(role)s has not confirmed the role yet"),
    "role_declined": gettext_noop("%(role)s declined the role: name someone else"),
    "support_missing": gettext_noop("Support model unanswered: %(missing)s"),
    "overrides_safety": gettext_noop("Safety-critical, and overrides of the AI are not logged"),
    "overrides_operators": gettext_noop(
        "Operators act on its output, and their overrides are not logged"
    ),
}

# What each placeholder may match when a stored reason is read back.
_PARAM_PATTERNS = {"count": r"\d+", "days": r"\d+", "area": r"[^()]+?"}


def _reason(key: str, **params) -> str:
    return REASONS[key] % params


@lru_cache(maxsize=1)
def _reason_patterns() -> list[tuple[re.Pattern, str]]:
    patterns = []
    for template in REASONS.values():
        regex = re.escape(template)
        for name in re.findall(r"%\((\w+)\)s", template):
            escaped = re.escape(f"%({name})s")
            regex = regex.replace(escaped, f"(?P<{name}>{_PARAM_PATTERNS.get(name, '.+?')})")
        patterns.append((re.compile(f"^{regex}$"), template))
    return patterns


def reason_in_language(text: str) -> str:
    """A stored reason in the active language: its template translated, the concern areas and
    roles in it too. A reason written by an older version (no template matches) stays as is.

    An area or a role is stored as its English label, which is its entry in the catalogue; a
    word that has none (an area without a label) stays as stored."""
    for pattern, template in _reason_patterns():
        found = pattern.match(text)
        if found is None:
            continue

        params = dict(found.groupdict())
        for name in ("area", "role"):
            if name in params:
                params[name] = gettext(params[name])
        for name in ("areas", "missing"):
            if name in params:
                params[name] = ", ".join(gettext(v) for v in params[name].split(", "))
        if "date" in params:
            try:
                day = datetime.strptime(params["date"], "%d %b %Y").date()
            except ValueError:
                pass
            else:
                params["date"] = formats.date_format(day, "d M Y")
        return gettext(template) % params
    return text


def compute_risk(facts: InitiativeFacts, now: datetime) -> RiskResult:
    """The risk level, the reasons for it (sentences for people) and readiness per concern."""
    readiness = {}
    open_by_area: dict[str, list[OpenInputFacts]] = defaultdict(list)
    for item in facts.open_inputs:
        open_by_area[item.area].append(item)
    for a in facts.assessments:
        if a.not_applicable:
            readiness[a.area] = 100
            continue
        value = _BASE_READINESS.get(a.status, 20)
        if a.status != AssessmentStatus.SATISFIED and a.score:
            value -= (a.score - 1) * 5
        value -= sum(_SEVERITY_PENALTY.get(i.severity, 0) for i in open_by_area[a.area])
        if a.area == ConcernArea.EXPLAINABILITY and a.status != AssessmentStatus.SATISFIED:
            value -= UNANSWERED_EXPLAINABILITY_PENALTY * facts.unanswered_explainability
        readiness[a.area] = max(0, min(100, value))

    # Only initiatives IT is working on carry a risk; drafts and withdrawn ones are on track.
    if facts.status not in ACTIVE_STATUSES:
        return RiskResult(RiskLevel.ON_TRACK, [], readiness)

    level = RiskLevel.ON_TRACK
    reasons: list[str] = []
    # Future moments at which a rule below turns with no change of facts.
    turns: list[datetime] = []

    def flag(to: str, reason: str) -> None:
        nonlocal level
        reasons.append(reason)
        if _LEVEL_ORDER[to] > _LEVEL_ORDER[level]:
            level = to

    today = now.date()
    high = [i for i in facts.open_inputs if i.severity == Severity.HIGH]
    for item in sorted(high, key=lambda i: i.title):
        overdue = item.due_date is not None and item.due_date < today
        if item.due_date is not None and not overdue:
            turns.append(_day_starts(item.due_date + timedelta(days=1), now))
        if overdue:
            flag(
                RiskLevel.BLOCKED,
                _reason(
                    "input_overdue",
                    date=f"{item.due_date:%d %b %Y}",
                    title=item.title,
                    area=_area_label(item.area),
                ),
            )
        else:
            flag(
                RiskLevel.AT_RISK,
                _reason("input_open", title=item.title, area=_area_label(item.area)),
            )
    if len(high) >= 3:
        flag(RiskLevel.BLOCKED, _reason("inputs_at_once", count=len(high)))
    overdue_other = [
        i
        for i in facts.open_inputs
        if i.severity != Severity.HIGH and i.due_date is not None and i.due_date < today
    ]
    if overdue_other:
        flag(RiskLevel.AT_RISK, _reason("inputs_past_due", count=len(overdue_other)))
    turns.extend(
        _day_starts(i.due_date + timedelta(days=1), now)
        for i in facts.open_inputs
        if i.severity != Severity.HIGH and i.due_date is not None and i.due_date >= today
    )

    # Not assessed is a reason, never "on track" (the ready-for-build rule's first condition).
    not_started = sorted(
        _area_label(a.area)
        for a in facts.assessments
        if a.status == AssessmentStatus.NOT_STARTED and not a.not_applicable
    )
    if not_started:
        flag(RiskLevel.AT_RISK, _reason("not_assessed", areas=", ".join(not_started)))
    for a in sorted(facts.assessments, key=lambda a: a.area):
        if a.not_applicable:
            continue
        label = _area_label(a.area)
        if a.score == 5 and a.status != AssessmentStatus.SATISFIED:
            flag(RiskLevel.BLOCKED, _reason("highest_risk", area=label))
        if a.status == AssessmentStatus.NEEDS_INFO:
            flag(RiskLevel.AT_RISK, _reason("needs_info", area=label))
        elif a.status != AssessmentStatus.SATISFIED:
            days = (now - a.updated_at).days
            if days >= STALE_ASSESSMENT_DAYS:
                flag(RiskLevel.AT_RISK, _reason("stale", area=label, days=days))
            # Stale from its 21st day on, and the reason counts the days: one more each day.
            turns.append(a.updated_at + timedelta(days=max(days + 1, STALE_ASSESSMENT_DAYS)))

    if facts.cadence and facts.series_started:
        window = timedelta(days=2 * CADENCE_DAYS.get(facts.cadence, 14))
        started = _day_starts(facts.series_started, now)
        # Both halves only ever turn true as time passes: the reason appears once the later
        # of them has, and goes only when a session is held (a change of facts).
        started_long_ago = now - started >= window
        none_held_lately = facts.last_session_held is None or now - facts.last_session_held > window
        if started_long_ago and none_held_lately:
            flag(RiskLevel.AT_RISK, _reason("no_session_held"))
        else:
            turn = started + window
            if not none_held_lately:
                turn = max(turn, facts.last_session_held + window + _TICK)
            turns.append(turn)
    elif facts.status == Status.IN_REVIEW:
        flag(RiskLevel.AT_RISK, _reason("no_series"))

    if not facts.has_decision_owner:
        flag(RiskLevel.AT_RISK, _reason("no_owner"))
    if not facts.has_accountable_person:
        flag(RiskLevel.AT_RISK, _reason("no_accountable"))
    for role in NamedRole:
        status = facts.acknowledgements.get(role)
        role_label = _role_label(role)
        if status == AcknowledgementStatus.PENDING:
            flag(RiskLevel.AT_RISK, _reason("role_pending", role=role_label))
        elif status == AcknowledgementStatus.DECLINED:
            flag(RiskLevel.AT_RISK, _reason("role_declined", role=role_label))
    if facts.missing_support:
        flag(
            RiskLevel.AT_RISK,
            _reason("support_missing", missing=", ".join(facts.missing_support)),
        )
    # An override nobody logs teaches nobody where the AI is wrong; on a safety-critical line
    # "not answered" counts as "not logged".
    if facts.safety_critical and facts.override_logged != "yes":
        flag(RiskLevel.AT_RISK, _reason("overrides_safety"))
    elif facts.operator_facing and facts.override_logged == "no":
        flag(RiskLevel.AT_RISK, _reason("overrides_operators"))
    return RiskResult(level, reasons, readiness, min(turns, default=None))
