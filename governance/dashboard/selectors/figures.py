"""The figures of the executive readiness dashboard: funnel, time in IT partnership,
partnership health, what blocks — the reads the page, the CSV export and the REST API share.

Every figure is computed over one filtered set of initiatives (`filters.dashboard_initiatives`)
with a constant number of aggregate queries, so the page costs the same whether the portfolio
holds ten initiatives or a thousand. `drilldowns` returns the rows behind each number with the
same criteria the figure counted, so a list always matches its number.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from governance.decisions.models import Decision, DecisionKind
from governance.sessions.models import SessionStatus, WorkingSession
from initiatives.models import EARLY_PHASES, Initiative, Phase, RiskLevel, Status
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    DesignInput,
    DesignInputStatus,
    Severity,
)

from .filters import (
    AI_ACT_CHOICES,
    NOT_SCREENED,
    DashboardFilters,
    dashboard_initiatives,
    within,
)
from .portfolio import DEFAULT_SORT, PortfolioRow, clean_sort, portfolio_page


@dataclass
class Funnel:
    """How many initiatives sit in each phase, each status and each risk status (the risk of
    drafts is not counted: IT has not seen them yet)."""

    total: int
    by_phase: dict[str, int]
    by_status: dict[str, int]
    by_risk: dict[str, int]
    by_ai_act: dict[str, int] = field(default_factory=dict)  # EU AI Act class; "none" unscreened


def initiative_counts(initiatives: QuerySet[Initiative]) -> list[dict[str, Any]]:
    """How many initiatives share each phase, status, risk and phase of IT's first involvement:
    one scan that both the funnel and the involvement figure read."""
    return list(
        initiatives.order_by()
        .values("phase", "status", "risk_level", "phase_at_it_involvement", "ai_act_class")
        .annotate(n=Count("id"))
    )


def funnel(initiatives: QuerySet[Initiative], counts: list[dict[str, Any]] | None = None) -> Funnel:
    """Counts by phase, status, risk and EU AI Act class, in workflow order, zeros included.
    One query (none when the `initiative_counts` are given)."""
    by_phase = {p: 0 for p in Phase.values}
    by_ai_act = {value: 0 for value, _ in AI_ACT_CHOICES}
    by_status = {s: 0 for s in Status.values}
    by_risk = {r: 0 for r in RiskLevel.values}
    for row in initiative_counts(initiatives) if counts is None else counts:
        by_phase[row["phase"]] = by_phase.get(row["phase"], 0) + row["n"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["status"] != Status.DRAFT:
            by_risk[row["risk_level"]] = by_risk.get(row["risk_level"], 0) + row["n"]
        ai_act = row["ai_act_class"] or NOT_SCREENED
        by_ai_act[ai_act] = by_ai_act.get(ai_act, 0) + row["n"]
    return Funnel(
        total=sum(by_phase.values()),
        by_phase=by_phase,
        by_status=by_status,
        by_risk=by_risk,
        by_ai_act=by_ai_act,
    )


@dataclass
class MonthFigure:
    month: str  # "YYYY-MM", the month the initiatives reached ready for build (local time)
    count: int
    median_days: float | None


@dataclass
class PartnershipTime:
    """Days from submission to IT until ready for build: median overall and by month."""

    count: int
    median_days: float | None
    by_month: list[MonthFigure] = field(default_factory=list)


def recent_months(count: int, today: date | None = None) -> list[str]:
    """The last `count` months as "YYYY-MM", oldest first, ending with today's month."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def partnership_time(
    initiatives: QuerySet[Initiative], months: int = 12, today: date | None = None
) -> PartnershipTime:
    """Median days submitted → ready for build, over every initiative that got there, and per
    month it got there for the last `months` months (months without one have no median).

    One query; medians are rounded to one decimal.
    """
    # The database subtracts (a duration: Django types datetime minus datetime) and finds the
    # month in the current time zone (TruncMonth's default), so Python only collects numbers.
    pairs = (
        initiatives.filter(submitted_at__isnull=False, ready_for_build_at__isnull=False)
        .order_by()
        .annotate(
            took=F("ready_for_build_at") - F("submitted_at"),
            month=TruncMonth("ready_for_build_at"),
        )
        .values_list("took", "month")
    )
    all_days: list[float] = []
    per_month: defaultdict[str, list[float]] = defaultdict(list)  # a month without any: []
    for took, month in pairs:
        days = took.total_seconds() / 86400
        all_days.append(days)
        per_month[month.strftime("%Y-%m")].append(days)

    def median(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if values else None

    return PartnershipTime(
        count=len(all_days),
        median_days=median(all_days),
        by_month=[
            MonthFigure(month=m, count=len(per_month[m]), median_days=median(per_month[m]))
            for m in recent_months(months, today)
        ],
    )


@dataclass
class PartnershipHealth:
    """The seed's anti-patterns in numbers.

    - involved: initiatives IT has seen; early: IT first saw them in the idea or design phase
      (before vendor selection or a fixed design); late: presented finished.
    - escalations: Decision rows of kind "escalation"; incorporated: design inputs incorporated.
    - vendor_before_it: initiatives with a vendor selected before IT scored it.
    - route_taken: concerns raised for the next working session instead of an escalation;
      escalated_after_offer: escalations recorded after that route was offered and declined.
    - sessions: held, and planned ones whose time has passed (not held, not cancelled);
      held_share = held / (held + planned_past).
    """

    involved: int
    early: int
    late: int
    early_share: float | None
    escalations: int
    incorporated: int
    sessions_held: int
    sessions_planned_past: int
    sessions_cancelled: int
    sessions_share: float | None
    vendor_before_it: int = 0
    route_taken: int = 0
    escalated_after_offer: int = 0


def vendor_selected_before_it(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The initiatives with a vendor selected before IT scored it (each counted once). Only a
    vendor selection carries the flag: the constraint vendor_before_it_assessment_has_a_reason."""
    flagged = Decision.objects.filter(before_it_assessment=True).values("initiative_id")
    return initiatives.filter(pk__in=flagged)


def partnership_route_taken(initiatives: QuerySet[Initiative]) -> QuerySet[DesignInput]:
    """Concerns raised as design inputs for the next working session instead of escalating."""
    return within(DesignInput.objects.filter(instead_of_escalation=True), initiatives)


def partnership_health(
    initiatives: QuerySet[Initiative],
    now: datetime | None = None,
    counts: list[dict[str, Any]] | None = None,
) -> PartnershipHealth:
    """Early involvement, escalation versus incorporation, sessions held versus planned.

    Seven aggregate queries (six when the `initiative_counts` are given).
    """
    now = now or timezone.now()
    rows = initiative_counts(initiatives) if counts is None else counts
    involvement = {
        "involved": sum(r["n"] for r in rows if r["phase_at_it_involvement"]),
        "early": sum(r["n"] for r in rows if r["phase_at_it_involvement"] in EARLY_PHASES),
    }
    escalation_counts = within(
        Decision.objects.filter(kind=DecisionKind.ESCALATION), initiatives
    ).aggregate(all=Count("id"), after_offer=Count("id", filter=Q(partnership_offered=True)))
    escalations = escalation_counts["all"]
    incorporated = within(
        DesignInput.objects.filter(status=DesignInputStatus.INCORPORATED), initiatives
    ).count()
    sessions = within(WorkingSession.objects.all(), initiatives).aggregate(
        held=Count("id", filter=Q(status=SessionStatus.HELD)),
        planned_past=Count("id", filter=Q(status=SessionStatus.PLANNED, starts_at__lt=now)),
        cancelled=Count("id", filter=Q(status=SessionStatus.CANCELLED)),
    )
    involved, early = involvement["involved"], involvement["early"]
    due = sessions["held"] + sessions["planned_past"]
    return PartnershipHealth(
        involved=involved,
        early=early,
        late=involved - early,
        early_share=round(early / involved, 3) if involved else None,
        escalations=escalations,
        incorporated=incorporated,
        sessions_held=sessions["held"],
        sessions_planned_past=sessions["planned_past"],
        sessions_cancelled=sessions["cancelled"],
        sessions_share=round(sessions["held"] / due, 3) if due else None,
        vendor_before_it=vendor_selected_before_it(initiatives).count(),
        route_taken=partnership_route_taken(initiatives).count(),
        escalated_after_offer=escalation_counts["after_offer"],
    )


def open_high_inputs(initiatives: QuerySet[Initiative]) -> QuerySet[DesignInput]:
    """Open high-severity design inputs of the initiatives, oldest first."""
    return (
        within(
            DesignInput.objects.filter(
                status__in=OPEN_DESIGN_INPUT_STATUSES, severity=Severity.HIGH
            ),
            initiatives,
        )
        .select_related("initiative", "owner")
        .order_by("created_at", "pk")
    )


@dataclass
class Blockers:
    total: int
    items: list[DesignInput]


def blockers(initiatives: QuerySet[Initiative], limit: int = 10) -> Blockers:
    """The oldest open high-severity design inputs across the portfolio, with their owner.
    Two queries: the count and the first `limit`."""
    qs = open_high_inputs(initiatives)
    return Blockers(total=qs.count(), items=list(qs[:limit]))


def escalations(initiatives: QuerySet[Initiative], after_offer: bool = False) -> QuerySet[Decision]:
    """Escalations to executives (decisions of kind "escalation"; the rationale is the reason),
    newest first; with `after_offer` only those recorded after the partnership route was
    offered and declined."""
    qs = Decision.objects.filter(kind=DecisionKind.ESCALATION)
    if after_offer:
        qs = qs.filter(partnership_offered=True)
    return (
        within(qs, initiatives)
        .select_related("initiative", "decided_by")
        .order_by("-decided_at", "-pk")
    )


@dataclass
class Dashboard:
    filters: DashboardFilters
    sort: str
    rows: list[PortfolioRow]  # the current page of the portfolio
    page: Page
    funnel: Funnel
    time: PartnershipTime
    health: PartnershipHealth
    blockers: Blockers
    recent_escalations: list[Decision]


def all_figures(
    user, filters: DashboardFilters, sort: str = DEFAULT_SORT, page: Any = 1
) -> Dashboard:
    """Every figure of the dashboard for the user and filters, with one page of the portfolio."""
    initiatives = dashboard_initiatives(user, filters)
    portfolio, rows = portfolio_page(initiatives, sort, page)
    counts = initiative_counts(initiatives)
    return Dashboard(
        filters=filters,
        sort=clean_sort(sort),
        rows=rows,
        page=portfolio,
        funnel=funnel(initiatives, counts),
        time=partnership_time(initiatives),
        health=partnership_health(initiatives, counts=counts),
        blockers=blockers(initiatives),
        recent_escalations=list(escalations(initiatives)[:5]),
    )
