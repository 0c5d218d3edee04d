"""The portfolio readiness heat map and table: one row per initiative with its readiness per
concern area, sorted and paged in the database; the same rows feed the CSV export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.utils import timezone

from initiatives.models import Initiative, Phase, RiskLevel, Status
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentStatus,
    ConcernAssessment,
    DesignInput,
    Severity,
)

from .filters import AREAS

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
    # Areas an IT lead ruled out for this initiative (with a reason): shown as such, not as
    # "not assessed".
    not_applicable: frozenset[str] = frozenset()

    @property
    def cells(self) -> list[tuple[str, int | None]]:
        return [(area.value, self.readiness.get(area.value)) for area in AREAS]

    @property
    def not_applicable_areas(self) -> list[str]:
        """The ruled-out areas in the order of the concern areas (for the API)."""
        return [area.value for area in AREAS if area.value in self.not_applicable]

    @property
    def assessed(self) -> int:
        return sum(1 for value in self.readiness.values() if value is not None)

    @property
    def overall(self) -> int | None:
        """Mean readiness of the assessed areas, rounded; None when no area is assessed."""
        values = [v for v in self.readiness.values() if v is not None]
        return round(sum(values) / len(values)) if values else None


def assessed_concerns() -> QuerySet[ConcernAssessment]:
    """The assessments that count as assessed on the dashboard: every one IT has started."""
    return ConcernAssessment.objects.exclude(status=AssessmentStatus.NOT_STARTED)


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


def sponsor_name() -> Coalesce:
    """The sponsor as the table shows and sorts them: full name, else user name."""
    return Coalesce(
        NullIf(Trim(Concat("sponsor__first_name", Value(" "), "sponsor__last_name")), Value("")),
        "sponsor__username",
    )


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
    # A concern IT has not started is not assessed: its computed starting value is no reading
    # of readiness, and must not look like a poor one.
    started = assessed_concerns()
    assessed = started.filter(readiness__isnull=False)
    readiness = {
        f"readiness_{area.value}": _per_initiative(
            started.filter(area=area.value), Max("readiness")
        )
        for area in AREAS
    }
    qs = initiatives.select_related("site", "business_unit", "sponsor").annotate(
        **readiness,
        readiness_overall=_per_initiative(assessed, Avg("readiness")),
        open_total=_per_initiative(_open_inputs(), Count("id")),
        open_high=_per_initiative(_open_inputs().filter(severity=Severity.HIGH), Count("id")),
        sponsor_name=sponsor_name(),
    )
    expression, missing = SORT_KEYS[sort.lstrip("-")]
    return qs.order_by(sort_order(expression, missing, sort.startswith("-")), "pk")


def sort_order(expression, missing: str | None, descending: bool):
    """The order of a column of the table: missing values ("first" or "last" in ascending
    order, from SORT_KEYS) keep their place relative to the others whichever way it sorts."""
    nulls = {}
    if missing is not None:
        missing_first = (missing == "first") != descending
        nulls = {"nulls_first": True} if missing_first else {"nulls_last": True}
    return expression.desc(**nulls) if descending else expression.asc(**nulls)


def portfolio_row(initiative: Initiative) -> PortfolioRow:
    """The row of an initiative annotated by `portfolio_queryset`."""
    return PortfolioRow(
        initiative=initiative,
        readiness={a.value: getattr(initiative, f"readiness_{a.value}") for a in AREAS},
        open_high=initiative.open_high or 0,
        open_total=initiative.open_total or 0,
    )


def _with_not_applicable(rows: list[PortfolioRow]) -> list[PortfolioRow]:
    """Mark the areas ruled out as not applicable on the given rows, in one query."""
    ruled_out: dict[int, set[str]] = {}
    ids = [row.initiative.pk for row in rows]
    for initiative_id, area in (
        ConcernAssessment.objects.filter(initiative_id__in=ids)
        .exclude(not_applicable_reason="")
        .values_list("initiative_id", "area")
    ):
        ruled_out.setdefault(initiative_id, set()).add(area)
    for row in rows:
        row.not_applicable = frozenset(ruled_out.get(row.initiative.pk, ()))
    return rows


def portfolio_rows(
    initiatives: QuerySet[Initiative], sort: str = DEFAULT_SORT
) -> list[PortfolioRow]:
    """Every initiative of the portfolio as a row, sorted; two queries up to a chunk's size."""
    return list(iter_portfolio_rows(initiatives, sort))


EXPORT_CHUNK_SIZE = 1000


def iter_portfolio_rows(
    initiatives: QuerySet[Initiative],
    sort: str = DEFAULT_SORT,
    chunk_size: int = EXPORT_CHUNK_SIZE,
) -> Iterator[PortfolioRow]:
    """Every initiative of the portfolio as a row, sorted, read in chunks, through the table's
    annotated query (the CSV itself reads plainer rows: `export.portfolio_export_rows`, held
    equal to these by a test).

    One query streams the rows (a server-side cursor on PostgreSQL) and one more per chunk
    marks the areas ruled out, so memory stays that of one chunk whatever the portfolio's
    size."""
    chunk: list[PortfolioRow] = []
    for initiative in portfolio_queryset(initiatives, sort).iterator(chunk_size=chunk_size):
        chunk.append(portfolio_row(initiative))
        if len(chunk) == chunk_size:
            yield from _with_not_applicable(chunk)
            chunk = []
    yield from _with_not_applicable(chunk)


def portfolio_page(
    initiatives: QuerySet[Initiative],
    sort: str = DEFAULT_SORT,
    page: Any = 1,
    count: int | None = None,
) -> tuple[Page, list[PortfolioRow]]:
    """One page of the sorted portfolio (heat map and table): two queries, and a count unless
    the caller knows how many initiatives there are (the dashboard's funnel total)."""
    paginator = Paginator(portfolio_queryset(initiatives, sort), PORTFOLIO_PAGE_SIZE)
    # Count the plain initiatives: the annotated query would join and compute for nothing.
    paginator.__dict__["count"] = initiatives.order_by().count() if count is None else count
    current = paginator.get_page(page)
    return current, _with_not_applicable([portfolio_row(i) for i in current.object_list])


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


def csv_rows(rows: Iterable[PortfolioRow]) -> Iterator[list[Any]]:
    """The portfolio table as CSV rows (header first), one at a time as the rows come; empty
    cells mean "not assessed", "not applicable" an area an IT lead ruled out."""

    def when(value: datetime | None) -> str:
        return timezone.localtime(value).isoformat(timespec="minutes") if value else ""

    yield CSV_HEADER
    for row in rows:
        i = row.initiative
        early = i.it_involved_early
        yield (
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
                *[
                    "not applicable" if a in row.not_applicable else ("" if v is None else v)
                    for a, v in row.cells
                ],
                "" if row.overall is None else row.overall,
                row.open_total,
                row.open_high,
            ]
        )
