"""Pages of the executive readiness dashboard: the figures as SVG charts, the sortable
portfolio table and its CSV export, and a drill-down list behind every number.

Only the roles that see the whole portfolio (IT leads, executives, administrators) open the
dashboard; everyone else gets 403. The drill-down lists still go through visibility.
"""

import csv
from functools import lru_cache
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from initiatives.models import BusinessUnit, Phase, RiskLevel, Site, Status
from reviews.models import ConcernArea

from . import charts
from . import dashboard as figures
from . import dashboard_drilldown as lists

AREA_SHORT = {
    ConcernArea.SECURITY: "Security",
    ConcernArea.OWNERSHIP: "Ownership",
    ConcernArea.ARCHITECTURE: "Architecture",
    ConcernArea.GOVERNANCE: "Governance",
    ConcernArea.VENDOR: "Vendor",
    ConcernArea.PERFORMANCE: "Performance",
}
PHASE_COLOURS = {
    Phase.IDEA: "#7cd4fd",
    Phase.DESIGN: "#36bffa",
    Phase.VENDOR_SELECTION: "#0ba5ec",
    Phase.BUILD: "#0086c9",
    Phase.PILOT: "#026aa2",
    Phase.PRODUCTION: "#065986",
}
STATUS_COLOURS = {
    Status.DRAFT: "#98a2b3",
    Status.SUBMITTED: "#2e90fa",
    Status.IN_REVIEW: "#7a5af8",
    Status.READY_FOR_BUILD: "#12b76a",
    Status.WITHDRAWN: "#475467",
}
RISK_COLOURS = {
    RiskLevel.ON_TRACK: ("#12b76a", "#ffffff"),
    RiskLevel.AT_RISK: ("#f79009", "#ffffff"),
    RiskLevel.BLOCKED: ("#d92d20", "#ffffff"),
}


def _require_dashboard(user) -> None:
    if not figures.may_see_dashboard(user):
        raise PermissionDenied("The readiness dashboard is for executives, IT leads and admins.")


@lru_cache(maxsize=32)
def _path(name: str) -> str:
    # The charts link a few hundred bars and cells to a handful of lists: resolve each once.
    return reverse(f"governance:{name}")


def _url(name: str, filters: figures.DashboardFilters, **extra) -> str:
    params = {**filters.as_params(), **{k: v for k, v in extra.items() if v not in ("", None)}}
    url = _path(name)
    return f"{url}?{urlencode(params)}" if params else url


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{timezone.datetime(int(year), int(number), 1):%b} {year[2:]}"


def _funnel_chart(filters, param, choices, counts, colours, title, *, label: str) -> str:
    """Horizontal bars of one funnel (phase, status or risk), each linked to its list."""
    return charts.horizontal_bars(
        [
            charts.Bar(
                key=value,
                label=name,
                value=counts[value],
                href=_url("dashboard-initiatives", filters, **{param: value}),
                title=title(counts[value], name),
                colour=colours[value],
            )
            for value, name in choices
        ],
        chart_id=f"chart-{param}",
        label=label,
    )


def build_charts(data: figures.Dashboard) -> dict:
    """The dashboard's SVG charts, every bar and cell linked to its drill-down list."""
    f = data.filters
    funnel, time, health = data.funnel, data.time, data.health
    heat_rows = [
        charts.HeatRow(
            key=str(row.initiative.pk),
            label=f"{row.initiative.reference} {row.initiative.title}",
            href=row.initiative.get_absolute_url(),
            cells=[
                (
                    area,
                    value,
                    figures.readiness_band(value),
                    _url("dashboard-design-inputs", f, initiative=row.initiative.pk, area=area),
                )
                for area, value in row.cells
            ],
            badge=(
                row.initiative.get_risk_level_display(),
                *RISK_COLOURS[row.initiative.risk_level],
            )
            if row.initiative.status != Status.DRAFT
            else ("Draft", "#eaecf0", "#475467"),
        )
        for row in data.rows
    ]
    return {
        "heatmap": charts.heatmap(
            heat_rows,
            [(a.value, AREA_SHORT[a]) for a in figures.AREAS],
            chart_id="chart-heatmap",
            label="Readiness per concern area (0–100) for each initiative",
        ),
        "phase": _funnel_chart(
            f,
            "phase",
            Phase.choices,
            funnel.by_phase,
            PHASE_COLOURS,
            lambda n, label: f"{n} initiatives in phase {label}",
            label="Initiatives by phase",
        ),
        "status": _funnel_chart(
            f,
            "status",
            Status.choices,
            funnel.by_status,
            STATUS_COLOURS,
            lambda n, label: f"{n} initiatives {label.lower()}",
            label="Initiatives by status",
        ),
        "risk": _funnel_chart(
            f,
            "risk",
            RiskLevel.choices,
            funnel.by_risk,
            {value: colours[0] for value, colours in RISK_COLOURS.items()},
            lambda n, label: f"{n} initiatives {label.lower()} (drafts excluded)",
            label="Risk status of submitted initiatives",
        ),
        "trend": charts.columns(
            [
                charts.Bar(
                    key=m.month,
                    label=_month_label(m.month),
                    value=m.median_days,
                    href=_url("dashboard-initiatives", f, ready_month=m.month),
                    title=(
                        f"{_month_label(m.month)}: median {m.median_days} days over "
                        f"{m.count} initiative{'s' if m.count != 1 else ''}"
                        if m.count
                        else f"{_month_label(m.month)}: none reached ready for build"
                    ),
                )
                for m in time.by_month
            ],
            chart_id="chart-trend",
            label="Median days from submission to ready for build, by month reached",
            unit=" d",
        ),
        "early": charts.share_bar(
            [
                charts.Bar(
                    key="early",
                    label="Early (idea or design)",
                    value=health.early,
                    href=_url("dashboard-initiatives", f, involvement="early"),
                    title=f"{health.early} initiatives where IT was involved in idea or design",
                    colour="#12b76a",
                ),
                charts.Bar(
                    key="late",
                    label="Late (presented finished)",
                    value=health.late,
                    href=_url("dashboard-initiatives", f, involvement="late"),
                    title=f"{health.late} initiatives presented after vendor selection or design",
                    colour="#d92d20",
                ),
            ],
            chart_id="chart-early",
            label="IT involved early versus presented finished",
            headline=f"{_percent(health.early_share)} involved IT early",
        ),
        "escalations": charts.horizontal_bars(
            [
                charts.Bar(
                    key="incorporated",
                    label="Inputs incorporated",
                    value=health.incorporated,
                    href=_url("dashboard-design-inputs", f, state="incorporated"),
                    title=f"{health.incorporated} design inputs incorporated into designs",
                    colour="#12b76a",
                ),
                charts.Bar(
                    key="escalations",
                    label="Escalations",
                    value=health.escalations,
                    href=_url("dashboard-escalations", f),
                    title=f"{health.escalations} escalations to executives",
                    colour="#d92d20",
                ),
            ],
            chart_id="chart-escalations",
            label="Design inputs incorporated versus escalations to executives",
        ),
        "sessions": charts.horizontal_bars(
            [
                charts.Bar(
                    key="held",
                    label="Held",
                    value=health.sessions_held,
                    href=_url("dashboard-sessions", f, state="held"),
                    title=f"{health.sessions_held} working sessions held",
                    colour="#12b76a",
                ),
                charts.Bar(
                    key="planned_past",
                    label="Planned, not held",
                    value=health.sessions_planned_past,
                    href=_url("dashboard-sessions", f, state="planned_past"),
                    title=(
                        f"{health.sessions_planned_past} sessions planned in the past "
                        "and not recorded as held"
                    ),
                    colour="#f79009",
                ),
                charts.Bar(
                    key="cancelled",
                    label="Cancelled",
                    value=health.sessions_cancelled,
                    href=_url("dashboard-sessions", f, state="cancelled"),
                    title=f"{health.sessions_cancelled} sessions cancelled",
                    colour="#98a2b3",
                ),
            ],
            chart_id="chart-sessions",
            label="Standing working sessions held versus planned",
        ),
    }


SORTABLE_COLUMNS = [
    ("reference", "Initiative"),
    ("site", "Site"),
    ("business_unit", "Unit"),
    ("phase", "Phase"),
    ("status", "Status"),
    ("risk", "Risk"),
    *[(a.value, AREA_SHORT[a]) for a in figures.AREAS],
    ("readiness", "Overall"),
    ("open_high", "High open"),
]


def dashboard(request):
    """The executive readiness dashboard."""
    _require_dashboard(request.user)
    filters = figures.DashboardFilters.from_params(request.GET)
    data = figures.dashboard(
        request.user, filters, request.GET.get("sort", ""), request.GET.get("page", 1)
    )
    params = filters.as_params()
    headers = []
    for key, label in SORTABLE_COLUMNS:
        descending = data.sort == key
        next_sort = f"-{key}" if descending else key
        headers.append(
            {
                "label": label,
                "href": "?" + urlencode({**params, "sort": next_sort}),
                "active": data.sort.lstrip("-") == key,
                "descending": data.sort.startswith("-"),
            }
        )
    return render(
        request,
        "governance/dashboard.html",
        {
            "data": data,
            "charts": build_charts(data),
            "headers": headers,
            "areas": figures.AREAS,
            "sites": Site.objects.all(),
            "business_units": BusinessUnit.objects.all(),
            "phases": Phase.choices,
            "statuses": Status.choices,
            "links": {
                "csv": _url("dashboard-csv", filters, sort=data.sort),
                "blockers": _url("dashboard-design-inputs", filters, state="blocking"),
                "escalations": _url("dashboard-escalations", filters),
                "involved": _url("dashboard-initiatives", filters, involvement="involved"),
                "reached_ready": _url("dashboard-initiatives", filters, reached_ready="1"),
                "ready": _url("dashboard-initiatives", filters, status=Status.READY_FOR_BUILD),
                "all": _url("dashboard-initiatives", filters),
            },
            "percent": {
                "early": _percent(data.health.early_share),
                "sessions": _percent(data.health.sessions_share),
            },
        },
    )


def portfolio_csv(request):
    """The portfolio table as CSV, with the dashboard's filters and sort."""
    _require_dashboard(request.user)
    filters = figures.DashboardFilters.from_params(request.GET)
    initiatives = figures.dashboard_initiatives(request.user, filters)
    rows = figures.portfolio_rows(initiatives, request.GET.get("sort", ""))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="portfolio-readiness-{stamp}.csv"'
    csv.writer(response).writerows(figures.csv_rows(rows))
    return response


def _list_page(request, template_kind: str, queryset, title: str, described: list[str]):
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    filters = figures.DashboardFilters.from_params(request.GET)
    return render(
        request,
        "governance/dashboard_list.html",
        {
            "kind": template_kind,
            "page": page,
            "title": title,
            "described": _describe_filters(filters) + described,
            "back": _url("dashboard", filters),
        },
    )


def _describe_filters(filters: figures.DashboardFilters) -> list[str]:
    parts = []
    if filters.site is not None:
        site = Site.objects.filter(pk=filters.site).first()
        parts.append(f"site: {site or '?'}")
    if filters.business_unit is not None:
        unit = BusinessUnit.objects.filter(pk=filters.business_unit).first()
        parts.append(f"business unit: {unit or '?'}")
    if filters.phase:
        parts.append(f"phase: {Phase(filters.phase).label}")
    if filters.status:
        parts.append(f"status: {Status(filters.status).label}")
    return parts


def initiatives_list(request):
    """The initiatives behind a funnel bar, risk bar, involvement segment or trend month."""
    _require_dashboard(request.user)
    filters = figures.DashboardFilters.from_params(request.GET)
    criteria = lists.InitiativeCriteria.from_params(request.GET)
    qs = lists.drilldown_initiatives(request.user, filters, criteria)
    return _list_page(request, "initiatives", qs, "Initiatives", criteria.describe())


def design_inputs_list(request):
    """The design inputs behind a heat-map cell, the blockers or the incorporated count."""
    _require_dashboard(request.user)
    filters = figures.DashboardFilters.from_params(request.GET)
    criteria = lists.DesignInputCriteria.from_params(request.GET)
    described = criteria.describe()
    if criteria.initiative is not None:
        described.insert(0, f"initiative AI-{criteria.initiative:04d}")
    qs = lists.drilldown_design_inputs(request.user, filters, criteria)
    return _list_page(request, "design_inputs", qs, "Design inputs", described)


def escalations_list(request):
    """The escalations to executives."""
    _require_dashboard(request.user)
    filters = figures.DashboardFilters.from_params(request.GET)
    qs = lists.drilldown_escalations(request.user, filters)
    return _list_page(request, "escalations", qs, "Escalations to executives", [])


def sessions_list(request):
    """The working sessions behind held / planned / cancelled."""
    _require_dashboard(request.user)
    state = request.GET.get("state", "")
    if state not in lists.SESSION_STATES:
        raise Http404("No such list.")
    filters = figures.DashboardFilters.from_params(request.GET)
    qs = lists.drilldown_sessions(request.user, filters, state)
    return _list_page(request, "sessions", qs, "Working sessions", [lists.SESSION_STATES[state]])
