"""The portfolio CSV: every filtered initiative with its readiness per area, read in chunks.

The dashboard's table sorts a page of 25 by correlated subqueries (`portfolio_queryset`); the
export reads tens of thousands of rows, where that costs nine subqueries per row and a model
instance (and a translated label lookup per choice field) per initiative. Here one streaming
query reads the initiatives' plain columns in the export's order, and per chunk of them one
grouped query per child table (assessments by initiative and area, open design inputs by
initiative) fills in the rest: a fixed number of queries per chunk, and memory that of one
chunk whatever the size of the portfolio. The rows are the ones `csv_rows(portfolio_rows(…))`
gives for the same initiatives and sort (a test holds them equal).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, F, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.query_params import parse_id
from initiatives.models import EARLY_PHASES, Initiative, Phase, RiskLevel, Status
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentStatus,
    ConcernAssessment,
    DesignInput,
    Severity,
)

from ..models import PortfolioExport
from .filters import AREAS, initiative_ids, may_see_dashboard
from .portfolio import (
    CSV_HEADER,
    EXPORT_CHUNK_SIZE,
    SORT_KEYS,
    clean_sort,
    sort_order,
    sponsor_name,
)

# The initiative's own columns the CSV needs, read as plain values (no model instances).
_COLUMNS = (
    "pk",
    "title",
    "site__name",
    "business_unit__name",
    "sponsor__first_name",
    "sponsor__last_name",
    "sponsor__username",
    "phase",
    "status",
    "risk_level",
    "confidential",
    "submitted_at",
    "ready_for_build_at",
    "phase_at_it_involvement",
)

_STARTED = ~Q(assessments__status=AssessmentStatus.NOT_STARTED)


def _sort_aggregate(key: str):
    """The aggregate behind a sort key that is not a column of the initiative (None for those
    that are): a LEFT JOIN grouped by initiative, the same value the page's subquery gives."""
    if key == "readiness":
        return Avg("assessments__readiness", filter=_STARTED)
    if key == "open_high":
        # No open high-severity input: 0 here, NULL in the page's subquery; both sort first
        # ascending and last descending, before/after every count of one or more.
        return Count(
            "design_inputs",
            filter=Q(
                design_inputs__status__in=OPEN_DESIGN_INPUT_STATUSES,
                design_inputs__severity=Severity.HIGH,
            ),
        )
    if key in {area.value for area in AREAS}:
        return Max("assessments__readiness", filter=_STARTED & Q(assessments__area=key))
    return None


def export_queryset(initiatives: QuerySet[Initiative], sort: str) -> QuerySet:
    """The initiatives' plain columns in the export's order (the table's sort, then key).

    Sorting by a readiness or a count joins that one child table, grouped by initiative; the
    filters then apply as a subquery of ids, so a join they bring cannot multiply the rows
    the aggregate counts."""
    sort = clean_sort(sort)
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    expression, missing = SORT_KEYS[key]
    aggregate = _sort_aggregate(key)
    if aggregate is None:
        qs = initiatives.values(*_COLUMNS)
        if key == "sponsor":
            qs = qs.annotate(sponsor_name=sponsor_name())
    else:
        base = Initiative.objects.all()
        if initiatives.query.has_filters():
            base = base.filter(pk__in=initiative_ids(initiatives))
        qs = base.values(*_COLUMNS).annotate(sort_value=aggregate)
        expression = F("sort_value")
    return qs.order_by(sort_order(expression, missing, descending), "pk")


def _readiness_by_initiative(ids: list[int]) -> tuple[dict, dict]:
    """{initiative: {area: readiness}} of the started assessments and {initiative: {areas ruled
    out}}, for one chunk of initiatives in one grouped query."""
    readiness: dict[int, dict[str, int | None]] = {}
    ruled_out: dict[int, set[str]] = {}
    rows = (
        ConcernAssessment.objects.filter(initiative_id__in=ids)
        .order_by()
        .values("initiative_id", "area")
        .annotate(
            value=Max("readiness", filter=~Q(status=AssessmentStatus.NOT_STARTED)),
            ruled_out=Count("id", filter=~Q(not_applicable_reason="")),
        )
        .values_list("initiative_id", "area", "value", "ruled_out")
    )
    for initiative_id, area, value, out in rows:
        if value is not None:
            readiness.setdefault(initiative_id, {})[area] = value
        if out:
            ruled_out.setdefault(initiative_id, set()).add(area)
    return readiness, ruled_out


def _open_inputs_by_initiative(ids: list[int]) -> dict[int, tuple[int, int]]:
    """{initiative: (open design inputs, open high-severity ones)} for one chunk, one query."""
    rows = (
        DesignInput.objects.filter(initiative_id__in=ids, status__in=OPEN_DESIGN_INPUT_STATUSES)
        .order_by()
        .values("initiative_id")
        .annotate(total=Count("id"), high=Count("id", filter=Q(severity=Severity.HIGH)))
        .values_list("initiative_id", "total", "high")
    )
    return {initiative_id: (total, high) for initiative_id, total, high in rows}


def _labels(choices) -> dict[str, str]:
    # Translated once per export, not once per row and field (that was most of the old
    # export's time: a gettext lookup behind every get_FOO_display()).
    return {value: str(label) for value, label in choices}


def _chunk_rows(chunk: list[dict[str, Any]], labels: dict[str, dict[str, str]]) -> list[list]:
    """The CSV rows of one chunk of initiatives: two grouped queries, then plain Python."""
    ids = [row["pk"] for row in chunk]
    readiness, ruled_out = _readiness_by_initiative(ids)
    open_inputs = _open_inputs_by_initiative(ids)
    tz = timezone.get_current_timezone()

    def when(value: datetime | None) -> str:
        return timezone.localtime(value, tz).isoformat(timespec="minutes") if value else ""

    lines = []
    for row in chunk:
        pk = row["pk"]
        values = readiness.get(pk, {})
        out = ruled_out.get(pk, ())
        assessed = list(values.values())
        total, high = open_inputs.get(pk, (0, 0))
        full_name = f"{row['sponsor__first_name']} {row['sponsor__last_name']}".strip()
        involved = row["phase_at_it_involvement"]
        lines.append(
            [
                Initiative.reference_of(pk),
                row["title"],
                row["site__name"] or "",
                row["business_unit__name"] or "",
                full_name or row["sponsor__username"],
                labels["phase"].get(row["phase"], row["phase"]),
                labels["status"].get(row["status"], row["status"]),
                labels["risk"].get(row["risk_level"], row["risk_level"]),
                "yes" if row["confidential"] else "no",
                when(row["submitted_at"]),
                when(row["ready_for_build_at"]),
                "" if not involved else ("yes" if involved in EARLY_PHASES else "no"),
                *[
                    "not applicable"
                    if area.value in out
                    else ("" if (v := values.get(area.value)) is None else v)
                    for area in AREAS
                ],
                round(sum(assessed) / len(assessed)) if assessed else "",
                total,
                high,
            ]
        )
    return lines


def portfolio_export_chunks(
    initiatives: QuerySet[Initiative],
    sort: str = "",
    chunk_size: int = EXPORT_CHUNK_SIZE,
) -> Iterator[list[list]]:
    """The CSV rows of the portfolio (no header), a list per chunk of `chunk_size` initiatives.

    One query streams the initiatives (a server-side cursor on PostgreSQL) and two more per
    chunk read its assessments and open design inputs: 1 + 2 × chunks queries in all. A
    background export counts its progress by these chunks."""
    labels = {
        "phase": _labels(Phase.choices),
        "status": _labels(Status.choices),
        "risk": _labels(RiskLevel.choices),
    }
    chunk: list[dict[str, Any]] = []
    for row in export_queryset(initiatives, sort).iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield _chunk_rows(chunk, labels)
            chunk = []
    if chunk:
        yield _chunk_rows(chunk, labels)


def portfolio_export_rows(
    initiatives: QuerySet[Initiative],
    sort: str = "",
    chunk_size: int = EXPORT_CHUNK_SIZE,
) -> Iterator[list]:
    """The portfolio CSV as rows, header first, as they are read (a streaming response's body
    through `core.spreadsheets.csv_lines`). Empty readiness cells mean "not assessed", "not
    applicable" an area an IT lead ruled out."""
    yield CSV_HEADER
    for chunk in portfolio_export_chunks(initiatives, sort, chunk_size):
        yield from chunk


# --- Background exports ---------------------------------------------------------------------


def own_export_or_404(user, pk) -> PortfolioExport:
    """The user's own export `pk`; 404 for anyone else's (another's looks like none), and for
    a user who no longer sees the dashboard."""
    export, number = None, parse_id(pk)
    if number is not None and user.is_authenticated and may_see_dashboard(user):
        export = PortfolioExport.objects.filter(pk=number, owner=user).first()
    if export is None:
        raise Http404("No such export.")
    return export


def recent_exports(user, limit: int = 5) -> list[PortfolioExport]:
    """The user's latest exports (still kept), newest first."""
    return list(PortfolioExport.objects.filter(owner=user)[:limit])
