"""Figures of the executive readiness dashboard: the reads the page, the CSV export and the
REST API share.

Every figure is computed over one filtered set of initiatives (`dashboard_initiatives`) with a
constant number of aggregate queries, so the page costs the same whether the portfolio holds
ten initiatives or a thousand. `governance.dashboard_drilldown` returns the rows behind each
number with the same criteria the figure counted, so a list always matches its number.

Who sees it: roles that see the whole portfolio (IT leads, executives, administrators). The
selectors still go through `restrict_to_visible`, so a caller can never widen what a user sees.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim, TruncMonth
from django.utils import timezone

from harmony_portal.query_params import parse_id
from initiatives.models import EARLY_PHASES, Initiative, Phase, RiskLevel, Status
from initiatives.permissions import restrict_to_visible
from initiatives.roles import sees_whole_portfolio
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    ConcernArea,
    ConcernAssessment,
    DesignInput,
    DesignInputStatus,
    Severity,
)

from .models import Decision, DecisionKind, SessionStatus, WorkingSession

AREAS: tuple[ConcernArea, ...] = tuple(ConcernArea)


def may_see_dashboard(user) -> bool:
    """IT leads, executives and administrators: the roles that see the whole portfolio."""
    return user.is_authenticated and user.is_active and sees_whole_portfolio(user)


# --- Filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard is narrowed to; empty values mean "all"."""

    site: int | None = None
    business_unit: int | None = None
    phase: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params) -> DashboardFilters:
        """Read the filters from GET parameters, ignoring values that are not valid."""

        def as_id(name: str) -> int | None:
            return parse_id(params.get(name, ""))

        phase = params.get("phase", "")
        status = params.get("status", "")
        return cls(
            site=as_id("site"),
            business_unit=as_id("business_unit"),
            phase=phase if phase in Phase.values else "",
            status=status if status in Status.values else "",
        )

    def as_params(self) -> dict[str, str]:
        """The non-empty filters as GET parameters, for links that keep them."""
        values = {
            "site": self.site,
            "business_unit": self.business_unit,
            "phase": self.phase,
            "status": self.status,
        }
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.as_params())


def dashboard_initiatives(user, filters: DashboardFilters) -> QuerySet[Initiative]:
    """The initiatives every figure is computed over: visible to the user, narrowed by filters."""
    qs = restrict_to_visible(user, Initiative.objects.all())
    if filters.site is not None:
        qs = qs.filter(site_id=filters.site)
    if filters.business_unit is not None:
        qs = qs.filter(business_unit_id=filters.business_unit)
    if filters.phase:
        qs = qs.filter(phase=filters.phase)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


def initiative_ids(initiatives: QuerySet[Initiative]) -> QuerySet:
    """The initiatives as a subquery of ids (one SQL statement, never a Python list)."""
    return initiatives.order_by().values("pk")


def within(queryset: QuerySet, initiatives: QuerySet[Initiative]) -> QuerySet:
    """Rows of `queryset` that belong to the initiatives. The whole, unfiltered portfolio (what
    executives usually look at) needs no restriction, and the database is spared the join."""
    if not initiatives.query.has_filters():
        return queryset
    return queryset.filter(initiative__in=initiative_ids(initiatives))


# --- Portfolio readiness (heat map and table) ---------------------------------------------

PHASE_ORDER = {value: index for index, value in enumerate(Phase.values)}
STATUS_ORDER = {value: index for index, value in enumerate(Status.values)}
RISK_ORDER = {RiskLevel.ON_TRACK: 0, RiskLevel.AT_RISK: 1, RiskLevel.BLOCKED: 2}


@dataclass
class PortfolioRow:
    """One initiative of the portfolio with its readiness per concern area (None: not assessed)."""

    initiative: Initiative
    readiness: dict[str, int | None]
    open_high: int = 0
    open_total: int = 0

    @property
    def cells(self) -> list[tuple[str, int | None]]:
        return [(area.value, self.readiness.get(area.value)) for area in AREAS]

    @property
    def assessed(self) -> int:
        return sum(1 for value in self.readiness.values() if value is not None)

    @property
    def overall(self) -> int | None:
        """Mean readiness of the assessed areas, rounded; None when no area is assessed."""
        values = [v for v in self.readiness.values() if v is not None]
        return round(sum(values) / len(values)) if values else None


def _per_initiative(queryset: QuerySet, value) -> Subquery:
    """A correlated subquery giving one value per initiative row (None when there is none)."""
    return Subquery(
        queryset.filter(initiative=OuterRef("pk"))
        .order_by()
        .values("initiative")
        .annotate(v=value)
        .values("v")[:1]
    )


def _open_inputs() -> QuerySet[DesignInput]:
    return DesignInput.objects.filter(status__in=OPEN_DESIGN_INPUT_STATUSES)


def _rank(field: str, order: dict) -> Case:
    return Case(*[When(**{field: k}, then=Value(v)) for k, v in order.items()], default=Value(99))


# Sort key → (SQL expression, where "not assessed"/missing values go when ascending; None for
# columns that are never empty, so the database can walk an index instead of sorting).
# Missing values count as the smallest (readiness, names) or, for dates, the latest.
SORT_KEYS: dict[str, tuple[Any, str | None]] = {
    "reference": (F("pk"), None),
    "title": (Lower("title"), None),
    "site": (Lower("site__name"), "first"),
    "business_unit": (Lower("business_unit__name"), "first"),
    "sponsor": (Lower("sponsor_name"), None),
    "phase": (_rank("phase", PHASE_ORDER), None),
    "status": (_rank("status", STATUS_ORDER), None),
    "risk": (_rank("risk_level", RISK_ORDER), None),
    "submitted": (F("submitted_at"), "last"),
    "readiness": (F("readiness_overall"), "first"),
    "open_high": (F("open_high"), "first"),
    **{area.value: (F(f"readiness_{area.value}"), "first") for area in AREAS},
}
DEFAULT_SORT = "reference"
PORTFOLIO_PAGE_SIZE = 25


def clean_sort(value: str) -> str:
    """A sort key from SORT_KEYS, optionally prefixed with "-" for descending."""
    return value if value.lstrip("-") in SORT_KEYS else DEFAULT_SORT


def portfolio_queryset(
    initiatives: QuerySet[Initiative], sort: str = DEFAULT_SORT
) -> QuerySet[Initiative]:
    """The initiatives with their readiness per area and open design inputs, sorted in SQL.

    Sorting and paging happen in the database, so a page of the portfolio costs the same with
    ten thousand initiatives as with ten; readiness and counts are correlated subqueries.
    """
    sort = clean_sort(sort)
    assessed = ConcernAssessment.objects.filter(readiness__isnull=False)
    readiness = {
        f"readiness_{area.value}": _per_initiative(
            ConcernAssessment.objects.filter(area=area.value), Max("readiness")
        )
        for area in AREAS
    }
    qs = initiatives.select_related("site", "business_unit", "sponsor").annotate(
        **readiness,
        readiness_overall=_per_initiative(assessed, Avg("readiness")),
        open_total=_per_initiative(_open_inputs(), Count("id")),
        open_high=_per_initiative(_open_inputs().filter(severity=Severity.HIGH), Count("id")),
        sponsor_name=Coalesce(
            NullIf(
                Trim(Concat("sponsor__first_name", Value(" "), "sponsor__last_name")), Value("")
            ),
            "sponsor__username",
        ),
    )
    expression, missing = SORT_KEYS[sort.lstrip("-")]
    descending = sort.startswith("-")
    # Missing values keep their place relative to the others whichever way the column sorts.
    nulls = {}
    if missing is not None:
        missing_first = (missing == "first") != descending
        nulls = {"nulls_first": True} if missing_first else {"nulls_last": True}
    ordered = expression.desc(**nulls) if descending else expression.asc(**nulls)
    return qs.order_by(ordered, "pk")


def portfolio_row(initiative: Initiative) -> PortfolioRow:
    """The row of an initiative annotated by `portfolio_queryset`."""
    return PortfolioRow(
        initiative=initiative,
        readiness={a.value: getattr(initiative, f"readiness_{a.value}") for a in AREAS},
        open_high=initiative.open_high or 0,
        open_total=initiative.open_total or 0,
    )


def portfolio_rows(
    initiatives: QuerySet[Initiative], sort: str = DEFAULT_SORT
) -> list[PortfolioRow]:
    """Every initiative of the portfolio as a row, sorted (the CSV export); one query."""
    return [portfolio_row(i) for i in portfolio_queryset(initiatives, sort)]


def portfolio_page(
    initiatives: QuerySet[Initiative], sort: str = DEFAULT_SORT, page: Any = 1
) -> tuple[Page, list[PortfolioRow]]:
    """One page of the sorted portfolio (heat map and table): a count and one query."""
    paginator = Paginator(portfolio_queryset(initiatives, sort), PORTFOLIO_PAGE_SIZE)
    # Count the plain initiatives: the annotated query would join and compute for nothing.
    paginator.__dict__["count"] = initiatives.order_by().count()
    current = paginator.get_page(page)
    return current, [portfolio_row(i) for i in current.object_list]


def readiness_band(value: int | None) -> str:
    """The colour band of a readiness value: none (not assessed), low, medium, good, ready."""
    if value is None:
        return "none"
    if value < 25:
        return "low"
    if value < 50:
        return "medium"
    if value < 75:
        return "good"
    return "ready"


READINESS_BANDS = {
    "none": (None, None),
    "low": (0, 24),
    "medium": (25, 49),
    "good": (50, 74),
    "ready": (75, 100),
}


# --- Funnel --------------------------------------------------------------------------------


@dataclass
class Funnel:
    """How many initiatives sit in each phase, each status and each risk status (the risk of
    drafts is not counted: IT has not seen them yet)."""

    total: int
    by_phase: dict[str, int]
    by_status: dict[str, int]
    by_risk: dict[str, int]


def initiative_counts(initiatives: QuerySet[Initiative]) -> list[dict[str, Any]]:
    """How many initiatives share each phase, status, risk and phase of IT's first involvement:
    one scan that both the funnel and the involvement figure read."""
    return list(
        initiatives.order_by()
        .values("phase", "status", "risk_level", "phase_at_it_involvement")
        .annotate(n=Count("id"))
    )


def funnel(initiatives: QuerySet[Initiative], counts: list[dict[str, Any]] | None = None) -> Funnel:
    """Counts by phase, status and risk, in workflow order, zeros included. One query (none
    when the `initiative_counts` are given)."""
    by_phase = {p: 0 for p in Phase.values}
    by_status = {s: 0 for s in Status.values}
    by_risk = {r: 0 for r in RiskLevel.values}
    for row in initiative_counts(initiatives) if counts is None else counts:
        by_phase[row["phase"]] = by_phase.get(row["phase"], 0) + row["n"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["status"] != Status.DRAFT:
            by_risk[row["risk_level"]] = by_risk.get(row["risk_level"], 0) + row["n"]
    return Funnel(
        total=sum(by_phase.values()), by_phase=by_phase, by_status=by_status, by_risk=by_risk
    )


# --- Time in IT partnership -----------------------------------------------------------------


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
    # The database subtracts and finds the (local) month, so Python only collects numbers.
    pairs = (
        initiatives.filter(submitted_at__isnull=False, ready_for_build_at__isnull=False)
        .order_by()
        .annotate(
            took=ExpressionWrapper(
                F("ready_for_build_at") - F("submitted_at"), output_field=DurationField()
            ),
            month=TruncMonth(
                "ready_for_build_at",
                output_field=DateField(),
                tzinfo=timezone.get_current_timezone(),
            ),
        )
        .values_list("took", "month")
    )
    all_days: list[float] = []
    per_month: dict[str, list[float]] = {}
    for took, month in pairs:
        days = took.total_seconds() / 86400
        all_days.append(days)
        per_month.setdefault(month.strftime("%Y-%m"), []).append(days)

    def median(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if values else None

    return PartnershipTime(
        count=len(all_days),
        median_days=median(all_days),
        by_month=[
            MonthFigure(
                month=m, count=len(per_month.get(m, [])), median_days=median(per_month.get(m, []))
            )
            for m in recent_months(months, today)
        ],
    )


# --- Partnership health ---------------------------------------------------------------------


@dataclass
class PartnershipHealth:
    """The seed's anti-patterns in numbers.

    - involved: initiatives IT has seen; early: IT first saw them in the idea or design phase
      (before vendor selection or a fixed design); late: presented finished.
    - escalations: Decision rows of kind "escalation"; incorporated: design inputs incorporated.
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


def partnership_health(
    initiatives: QuerySet[Initiative],
    now: datetime | None = None,
    counts: list[dict[str, Any]] | None = None,
) -> PartnershipHealth:
    """Early involvement, escalation versus incorporation, sessions held versus planned.

    Four aggregate queries (three when the `initiative_counts` are given).
    """
    now = now or timezone.now()
    rows = initiative_counts(initiatives) if counts is None else counts
    involvement = {
        "involved": sum(r["n"] for r in rows if r["phase_at_it_involvement"]),
        "early": sum(r["n"] for r in rows if r["phase_at_it_involvement"] in EARLY_PHASES),
    }
    escalations = within(Decision.objects.filter(kind=DecisionKind.ESCALATION), initiatives).count()
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
    )


# --- What blocks ------------------------------------------------------------------------------


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


def escalations(initiatives: QuerySet[Initiative]) -> QuerySet[Decision]:
    """Escalations to executives (decisions of kind "escalation"; the rationale is the reason),
    newest first."""
    return (
        within(Decision.objects.filter(kind=DecisionKind.ESCALATION), initiatives)
        .select_related("initiative", "decided_by")
        .order_by("-decided_at", "-pk")
    )


# --- Everything at once -------------------------------------------------------------------------


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


def dashboard(
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


# --- Export ---------------------------------------------------------------------------------------

CSV_HEADER = [
    "reference",
    "title",
    "site",
    "business_unit",
    "sponsor",
    "phase",
    "status",
    "risk",
    "confidential",
    "submitted_at",
    "ready_for_build_at",
    "it_involved_early",
    *[f"readiness_{area.value}" for area in AREAS],
    "readiness_overall",
    "open_design_inputs",
    "open_high_design_inputs",
]


def csv_rows(rows: list[PortfolioRow]) -> list[list[Any]]:
    """The portfolio table as CSV rows (header first); empty cells mean "not assessed"."""

    def when(value: datetime | None) -> str:
        return timezone.localtime(value).isoformat(timespec="minutes") if value else ""

    out: list[list[Any]] = [CSV_HEADER]
    for row in rows:
        i = row.initiative
        early = i.it_involved_early
        out.append(
            [
                i.reference,
                i.title,
                str(i.site or ""),
                str(i.business_unit or ""),
                i.sponsor.get_full_name() or i.sponsor.username,
                i.get_phase_display(),
                i.get_status_display(),
                i.get_risk_level_display(),
                "yes" if i.confidential else "no",
                when(i.submitted_at),
                when(i.ready_for_build_at),
                "" if early is None else ("yes" if early else "no"),
                *["" if v is None else v for _, v in row.cells],
                "" if row.overall is None else row.overall,
                row.open_total,
                row.open_high,
            ]
        )
    return out
