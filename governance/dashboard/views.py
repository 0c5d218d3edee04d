"""Pages of the executive readiness dashboard: the figures as SVG charts, the sortable
portfolio table and its CSV export, and a drill-down list behind every number.

Only the roles that see the whole portfolio (IT leads, executives, administrators) open the
dashboard; everyone else gets 403. The drill-down lists still go through visibility.
"""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.spreadsheets import csv_lines
from initiatives import overlaps
from initiatives.models import BusinessUnit, Phase, Site, Status

from . import services
from .cache import cached_figures
from .charts import AREA_SHORT, build_charts, list_url, percent
from .models import ExportStatus, export_storage
from .selectors import drilldowns
from .selectors.export import own_export_or_404, portfolio_export_rows, recent_exports
from .selectors.figures import all_figures
from .selectors.filters import (
    AI_ACT_CHOICES,
    AREAS,
    DashboardFilters,
    dashboard_initiatives,
    may_see_dashboard,
)


def _require_dashboard(user) -> None:
    if not may_see_dashboard(user):
        raise PermissionDenied(
            gettext("The readiness dashboard is for executives, IT leads and admins.")
        )


SORTABLE_COLUMNS = [
    ("reference", _("Initiative")),
    ("site", _("Site")),
    ("business_unit", _("Unit")),
    ("phase", _("Phase")),
    ("status", _("Status")),
    ("risk", _("Risk")),
    *[(a.value, AREA_SHORT[a]) for a in AREAS],
    ("readiness", _("Overall")),
    ("open_high", _("High open")),
]


def dashboard(request):
    """The executive readiness dashboard.

    Below the filters the page is the same for everyone of one scope (the whole portfolio, or
    one user's view of it) with the same filters, sort, page and language, until the data
    changes: it is rendered once and kept with the figures (`cached_figures`, the same
    version token and lifetime). A hit reads no row and renders no chart; the page's own
    part is the filter form and the clock."""
    _require_dashboard(request.user)
    filters = DashboardFilters.from_params(request.GET)
    sort, page = request.GET.get("sort", ""), request.GET.get("page", 1)
    # Everything the body's links carry comes from the query string (the pager repeats it).
    query = urlencode(sorted(request.GET.items()))
    body = cached_figures(
        request.user,
        filters,
        lambda: _dashboard_body(request, filters, sort, page),
        kind=f"body:{get_language()}:{query}",
    )
    return render(
        request,
        "governance/dashboard/dashboard.html",
        {
            "body": body,
            "filters": filters,
            "sites": Site.objects.all(),
            "business_units": BusinessUnit.objects.all(),
            "phases": Phase.choices,
            "statuses": Status.choices,
            "ai_act_classes": AI_ACT_CHOICES,
        },
    )


def _dashboard_body(request, filters: DashboardFilters, sort: str, page) -> str:
    data = all_figures(request.user, filters, sort, page)
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
    return render_to_string(
        "governance/dashboard/_body.html",
        {
            "data": data,
            "charts": build_charts(data),
            "headers": headers,
            "areas": AREAS,
            # Across the whole portfolio the user sees (the filters narrow the figures only).
            # Pairs among the 300 most recently changed active initiatives: 45,000
            # comparisons in Python, kept with the figures (same scope and invalidation).
            "site_overlaps": cached_figures(
                request.user,
                DashboardFilters(),
                lambda: overlaps.cross_site_overlaps(request.user),
                kind="overlaps",
            ),
            "links": {
                "csv": list_url("csv", filters, sort=data.sort),
                "blockers": list_url("design-inputs", filters, state="blocking"),
                "escalations": list_url("escalations", filters),
                "involved": list_url("initiatives", filters, involvement="involved"),
                "reached_ready": list_url("initiatives", filters, reached_ready="1"),
                "ready": list_url("initiatives", filters, status=Status.READY_FOR_BUILD),
                "all": list_url("initiatives", filters),
            },
            "percent": {
                "early": percent(data.health.early_share),
                "sessions": percent(data.health.sessions_share),
            },
        },
        request=request,
    )


def portfolio_csv(request):
    """The portfolio table as CSV, with the dashboard's filters and sort, streamed: rows are
    read in chunks and sent as they are written, so memory does not grow with the portfolio
    and the download starts at once. Above EXPORT_ASYNC_ROWS initiatives it would still hold
    a web worker for many seconds: the page offers to build it in the background instead."""
    _require_dashboard(request.user)
    filters = DashboardFilters.from_params(request.GET)
    initiatives = dashboard_initiatives(request.user, filters)
    sort = request.GET.get("sort", "")
    count = initiatives.order_by().count()
    if services.exports_in_background(count):
        return render(
            request,
            "governance/dashboard/export_start.html",
            {
                "count": count,
                "params": {**filters.as_params(), "sort": sort},
                "described": _describe_filters(filters),
                "exports": recent_exports(request.user),
                "back": list_url("dashboard", filters),
            },
        )
    rows = portfolio_export_rows(initiatives, sort)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="portfolio-readiness-{stamp}.csv"'
    return response


@require_POST
def start_export(request):
    """Record a background export of the portfolio with the posted filters and sort."""
    _require_dashboard(request.user)
    export = services.start_portfolio_export(
        user=request.user,
        filters=DashboardFilters.from_params(request.POST),
        sort=request.POST.get("sort", ""),
    )
    return redirect("dashboard:export", pk=export.pk)


def export_detail(request, pk):
    """How far a background export got (the page polls the API), and its download when ready.
    Only its owner sees it: 404 for everyone else."""
    export = own_export_or_404(request.user, pk)
    filters = DashboardFilters.from_params(export.filters)
    return render(
        request,
        "governance/dashboard/export.html",
        {
            "export": export,
            "finished": export.status in (ExportStatus.DONE, ExportStatus.FAILED),
            "described": _describe_filters(filters),
            "status_url": reverse("portfolio-export-detail", args=[export.pk]),
            "back": list_url("dashboard", filters),
        },
    )


def export_download(request, pk):
    """The finished CSV, as an attachment, to its owner only (404 for others and until ready)."""
    export = own_export_or_404(request.user, pk)
    if export.status != ExportStatus.DONE:
        raise Http404("This export is not ready.")
    response = FileResponse(
        export_storage().open(export.file.name, "rb"),
        as_attachment=True,
        filename=export.filename,
        content_type="text/csv; charset=utf-8",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _list_page(request, template_kind: str, queryset, title: str, described: list[str]):
    # Counted in full: the heading shows the count, the figure the dashboard linked from.
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    filters = DashboardFilters.from_params(request.GET)
    return render(
        request,
        "governance/dashboard/list.html",
        {
            "kind": template_kind,
            "page": page,
            "title": title,
            "described": _describe_filters(filters) + described,
            "back": list_url("dashboard", filters),
        },
    )


def _describe_filters(filters: DashboardFilters) -> list[str]:
    parts = []
    if filters.site is not None:
        site = Site.objects.filter(pk=filters.site).first()
        parts.append(gettext("site: %(site)s") % {"site": site or "?"})
    if filters.business_unit is not None:
        unit = BusinessUnit.objects.filter(pk=filters.business_unit).first()
        parts.append(gettext("business unit: %(unit)s") % {"unit": unit or "?"})
    if filters.phase:
        parts.append(gettext("phase: %(phase)s") % {"phase": Phase(filters.phase).label})
    if filters.status:
        parts.append(gettext("status: %(status)s") % {"status": Status(filters.status).label})
    if filters.ai_act:
        parts.append(
            gettext("EU AI Act: %(class)s") % {"class": dict(AI_ACT_CHOICES)[filters.ai_act]}
        )
    return parts


def initiatives_list(request):
    """The initiatives behind a funnel bar, risk bar, involvement segment or trend month."""
    _require_dashboard(request.user)
    filters = DashboardFilters.from_params(request.GET)
    criteria = drilldowns.InitiativeCriteria.from_params(request.GET)
    qs = drilldowns.drilldown_initiatives(request.user, filters, criteria)
    return _list_page(request, "initiatives", qs, gettext("Initiatives"), criteria.describe())


def design_inputs_list(request):
    """The design inputs behind a heat-map cell, the blockers or the incorporated count."""
    _require_dashboard(request.user)
    filters = DashboardFilters.from_params(request.GET)
    criteria = drilldowns.DesignInputCriteria.from_params(request.GET)
    described = criteria.describe()
    if criteria.initiative is not None:
        described.insert(
            0, gettext("initiative %(reference)s") % {"reference": f"AI-{criteria.initiative:04d}"}
        )
    qs = drilldowns.drilldown_design_inputs(request.user, filters, criteria)
    return _list_page(request, "design_inputs", qs, gettext("Design inputs"), described)


def escalations_list(request):
    """The escalations to executives."""
    _require_dashboard(request.user)
    filters = DashboardFilters.from_params(request.GET)
    after_offer = request.GET.get("route") == "declined"
    qs = drilldowns.drilldown_escalations(request.user, filters, after_offer=after_offer)
    described = [gettext("after the partnership route was offered")] if after_offer else []
    return _list_page(request, "escalations", qs, gettext("Escalations to executives"), described)


def sessions_list(request):
    """The working sessions behind held / planned / cancelled."""
    _require_dashboard(request.user)
    state = request.GET.get("state", "")
    if state not in drilldowns.SESSION_STATES:
        raise Http404("No such list.")
    filters = DashboardFilters.from_params(request.GET)
    qs = drilldowns.drilldown_sessions(request.user, filters, state)
    return _list_page(
        request,
        "sessions",
        qs,
        gettext("Working sessions"),
        [str(drilldowns.SESSION_STATES[state])],
    )
