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
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page
from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
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

from ..cache import cached_figures
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


# Medians are taken over whole microseconds: an integer fits a double exactly (up to 142
# years), so the median of an even count, (a + b) / 2, is exact in PostgreSQL's interpolation
# and in Python alike, and both give the same days to the last bit.
MICROSECONDS_PER_DAY = 86_400_000_000


class Median(Aggregate):
    """The median of a numeric expression: PostgreSQL's `percentile_cont(0.5)`, which averages
    the two middle values of an even count like `statistics.median`. PostgreSQL only (Django
    and `django.contrib.postgres` have no percentile aggregate); NULL over no rows."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class Microseconds(Func):
    """A duration (an interval on PostgreSQL) in whole microseconds, as a double precision."""

    template = "ROUND(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::double precision"
    output_field = FloatField()


def _reached_ready(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return initiatives.filter(
        submitted_at__isnull=False, ready_for_build_at__isnull=False
    ).order_by()


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The first moment of the month "YYYY-MM" and of the next, in the current time zone: the
    range a `TruncMonth` in that zone maps to the month, as a filter an index can serve."""
    zone = timezone.get_current_timezone()
    year, number = int(month[:4]), int(month[5:])
    after = (year, number + 1) if number < 12 else (year + 1, 1)
    return datetime(year, number, 1, tzinfo=zone), datetime(*after, 1, tzinfo=zone)


# (count, median in microseconds or None) overall, then per month in the order asked.
MedianCounts = tuple[tuple[int, float | None], list[tuple[int, float | None]]]


def medians_in_sql(initiatives: QuerySet[Initiative], months: list[str]) -> MedianCounts:
    """Count and median time submitted → ready for build, overall and per month: one
    aggregate query on PostgreSQL, each month a `FILTER` over the same scan."""
    took = Microseconds(F("ready_for_build_at") - F("submitted_at"))
    figures: dict[str, Any] = {"n": Count("pk"), "median": Median(took)}
    for index, month in enumerate(months):
        start, end = month_bounds(month)
        in_month = Q(ready_for_build_at__gte=start, ready_for_build_at__lt=end)
        figures[f"n_{index}"] = Count("pk", filter=in_month)
        figures[f"median_{index}"] = Median(took, filter=in_month)
    row = _reached_ready(initiatives).aggregate(**figures)
    return (row["n"], row["median"]), [
        (row[f"n_{index}"], row[f"median_{index}"]) for index in range(len(months))
    ]


def medians_in_python(initiatives: QuerySet[Initiative], months: list[str]) -> MedianCounts:
    """The same figures on databases without `percentile_cont` (SQLite, `make run`'s default):
    one query fetches every pair's duration and month, Python takes the medians."""
    # The database subtracts (a duration: Django types datetime minus datetime) and finds the
    # month in the current time zone (TruncMonth's default), so Python only collects numbers.
    pairs = (
        _reached_ready(initiatives)
        .annotate(
            took=F("ready_for_build_at") - F("submitted_at"),
            month=TruncMonth("ready_for_build_at"),
        )
        .values_list("took", "month")
    )
    every: list[int] = []
    per_month: defaultdict[str, list[int]] = defaultdict(list)  # a month without any: []
    for took, month in pairs:
        microseconds = took // timedelta(microseconds=1)
        every.append(microseconds)
        per_month[month.strftime("%Y-%m")].append(microseconds)

    def counted(values: list[int]) -> tuple[int, float | None]:
        return len(values), (float(statistics.median(values)) if values else None)

    return counted(every), [counted(per_month[month]) for month in months]


def partnership_time(
    initiatives: QuerySet[Initiative], months: int = 12, today: date | None = None
) -> PartnershipTime:
    """Median days submitted → ready for build, over every initiative that got there, and per
    month it got there for the last `months` months (months without one have no median).

    One query; medians are rounded to one decimal. PostgreSQL takes the medians itself, so
    no row per initiative crosses to Python whatever the size of the portfolio.
    """
    shown = recent_months(months, today)
    vendor = connections[initiatives.db].vendor
    medians = medians_in_sql if vendor == "postgresql" else medians_in_python
    (count, median), by_month = medians(initiatives, shown)

    def days(microseconds: float | None) -> float | None:
        return None if microseconds is None else round(microseconds / MICROSECONDS_PER_DAY, 1)

    return PartnershipTime(
        count=count,
        median_days=days(median),
        by_month=[
            MonthFigure(month=month, count=n, median_days=days(value))
            for month, (n, value) in zip(shown, by_month, strict=True)
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
class Figures:
    """Every figure of the dashboard over one filtered set of initiatives: what the cache
    keeps (`governance.dashboard.cache`), since it depends on neither the sort nor the page."""

    funnel: Funnel
    time: PartnershipTime
    health: PartnershipHealth
    blockers: Blockers
    recent_escalations: list[Decision]


def figures(initiatives: QuerySet[Initiative]) -> Figures:
    """Every figure over the initiatives; the initiatives' counts are read once for the
    funnel and the involvement figure."""
    counts = initiative_counts(initiatives)
    return Figures(
        funnel=funnel(initiatives, counts),
        time=partnership_time(initiatives),
        health=partnership_health(initiatives, counts=counts),
        blockers=blockers(initiatives),
        recent_escalations=list(escalations(initiatives)[:5]),
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
    """Every figure of the dashboard for the user and filters, with one page of the portfolio.

    The figures come from the cache when a view with the same scope and filters computed them
    since the last change; the page of the portfolio is read each time (it depends on sort
    and page), its paginator counting nothing: the funnel's total is the number of rows."""
    initiatives = dashboard_initiatives(user, filters)
    summary = cached_figures(user, filters, lambda: figures(initiatives))
    portfolio, rows = portfolio_page(initiatives, sort, page, count=summary.funnel.total)
    return Dashboard(
        filters=filters,
        sort=clean_sort(sort),
        rows=rows,
        page=portfolio,
        funnel=summary.funnel,
        time=summary.time,
        health=summary.health,
        blockers=summary.blockers,
        recent_escalations=summary.recent_escalations,
    )
