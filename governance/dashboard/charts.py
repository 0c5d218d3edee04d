"""The dashboard's charts, defined as tables: what each bar shows, its colour, its tooltip and
the drill-down list it links to. `build_charts` draws them all with the primitives in `svg`.

A chart is added by adding a row here; nothing else changes. Every bar links to the list
built with the same criteria as the number it shows (`selectors.drilldowns`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.wording import in_sentence
from initiatives.models import Phase, RiskLevel, Status
from reviews.models import ConcernArea

from . import svg
from .selectors.figures import Dashboard
from .selectors.filters import AI_ACT_CHOICES, AREAS, DashboardFilters
from .selectors.portfolio import readiness_band

# Dark enough for white text on them (WCAG AA, 4.5:1).
GREEN, ORANGE, RED, GREY = "#067647", "#b54708", "#b42318", "#475467"

AREA_SHORT = {
    ConcernArea.SECURITY: _("Security"),
    ConcernArea.OWNERSHIP: _("Ownership"),
    ConcernArea.ARCHITECTURE: _("Architecture"),
    ConcernArea.GOVERNANCE: _("Governance"),
    ConcernArea.VENDOR: _("Vendor"),
    ConcernArea.PERFORMANCE: _("Performance"),
    ConcernArea.EXPLAINABILITY: _("Explainability"),
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
    Status.DRAFT: GREY,
    Status.SUBMITTED: "#175cd3",
    Status.IN_REVIEW: "#5925dc",
    Status.READY_FOR_BUILD: GREEN,
    Status.WITHDRAWN: "#344054",
}
AI_ACT_COLOURS = {
    "prohibited": "#7a271a",
    "high_risk": RED,
    "transparency": ORANGE,
    "minimal": GREEN,
    "none": GREY,
}
# Risk badge: fill, text.
RISK_COLOURS = {
    RiskLevel.ON_TRACK: (GREEN, "#ffffff"),
    RiskLevel.AT_RISK: (ORANGE, "#ffffff"),
    RiskLevel.BLOCKED: (RED, "#ffffff"),
}


@lru_cache(maxsize=32)
def _path(name: str) -> str:
    # The charts link a few hundred bars and cells to a handful of lists: resolve each once.
    return reverse(f"dashboard:{name}")


def list_url(name: str, filters: DashboardFilters, **extra) -> str:
    """The address of a dashboard page or list, keeping the filters."""
    params = {**filters.as_params(), **{k: v for k, v in extra.items() if v not in ("", None)}}
    url = _path(name)
    return f"{url}?{urlencode(params)}" if params else url


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{formats.date_format(timezone.datetime(int(year), int(number), 1), 'M')} {year[2:]}"


# --- The funnels: one bar per choice, each linked to the initiatives with that value ----------


@dataclass(frozen=True)
class FunnelChart:
    param: str  # the drill-down parameter, also the chart's id
    choices: list[tuple[str, str]]
    counts: Callable[[Dashboard], dict[str, int]]
    colours: dict[str, str]
    tooltip: str  # with {n} and {label}
    label: str


FUNNEL_CHARTS = (
    FunnelChart(
        param="phase",
        choices=Phase.choices,
        counts=lambda d: d.funnel.by_phase,
        colours=PHASE_COLOURS,
        tooltip=_("{n} initiatives in phase {label}"),
        label=_("Initiatives by phase"),
    ),
    FunnelChart(
        param="status",
        choices=Status.choices,
        counts=lambda d: d.funnel.by_status,
        colours=STATUS_COLOURS,
        tooltip=_("{n} initiatives {lower}"),
        label=_("Initiatives by status"),
    ),
    FunnelChart(
        param="risk",
        choices=RiskLevel.choices,
        counts=lambda d: d.funnel.by_risk,
        colours={value: colours[0] for value, colours in RISK_COLOURS.items()},
        tooltip=_("{n} initiatives {lower} (drafts excluded)"),
        label=_("Risk status of submitted initiatives"),
    ),
    FunnelChart(
        param="ai_act",
        choices=AI_ACT_CHOICES,
        counts=lambda d: d.funnel.by_ai_act,
        colours=AI_ACT_COLOURS,
        tooltip=_("{n} initiatives: EU AI Act {lower}"),
        label=_("EU AI Act classification"),
    ),
)


# --- Partnership charts: a few named bars, each linked to its own list -----------------------


@dataclass(frozen=True)
class BarSpec:
    key: str
    label: str
    value: Callable[[Dashboard], int]
    tooltip: str  # with {n}
    colour: str
    list_name: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BarChart:
    key: str
    draw: str  # "horizontal_bars" or "share_bar"
    label: str
    bars: tuple[BarSpec, ...]
    headline: Callable[[Dashboard], str] | None = None


BAR_CHARTS = (
    BarChart(
        key="early",
        draw="share_bar",
        label=_("IT involved early versus presented finished"),
        headline=lambda d: (
            gettext("%(share)s involved IT early") % {"share": percent(d.health.early_share)}
        ),
        bars=(
            BarSpec(
                "early",
                _("Early (idea or design)"),
                lambda d: d.health.early,
                _("{n} initiatives where IT was involved in idea or design"),
                GREEN,
                "initiatives",
                {"involvement": "early"},
            ),
            BarSpec(
                "late",
                _("Late (presented finished)"),
                lambda d: d.health.late,
                _("{n} initiatives presented after vendor selection or design"),
                RED,
                "initiatives",
                {"involvement": "late"},
            ),
        ),
    ),
    BarChart(
        key="vendor_before_it",
        draw="horizontal_bars",
        label=_("Vendors selected before IT assessed them"),
        bars=(
            BarSpec(
                "selected",
                _("Selected before IT assessment"),
                lambda d: d.health.vendor_before_it,
                _("{n} initiatives selected a vendor IT had not scored"),
                RED,
                "initiatives",
                {"vendor_before_it": "1"},
            ),
        ),
    ),
    BarChart(
        key="escalations",
        draw="horizontal_bars",
        label=_("Design inputs incorporated versus escalations to executives"),
        bars=(
            BarSpec(
                "incorporated",
                _("Inputs incorporated"),
                lambda d: d.health.incorporated,
                _("{n} design inputs incorporated into designs"),
                GREEN,
                "design-inputs",
                {"state": "incorporated"},
            ),
            BarSpec(
                "escalations",
                _("Escalations"),
                lambda d: d.health.escalations,
                _("{n} escalations to executives"),
                RED,
                "escalations",
            ),
        ),
    ),
    BarChart(
        key="partnership_route",
        draw="horizontal_bars",
        label=_("Before an escalation: the partnership route offered, taken or declined"),
        bars=(
            BarSpec(
                "taken",
                _("Route taken"),
                lambda d: d.health.route_taken,
                _("{n} concerns raised for the next working session instead of an escalation"),
                GREEN,
                "design-inputs",
                {"route": "taken"},
            ),
            BarSpec(
                "declined",
                _("Escalated anyway"),
                lambda d: d.health.escalated_after_offer,
                _("{n} escalations recorded after the partnership route was offered"),
                RED,
                "escalations",
                {"route": "declined"},
            ),
        ),
    ),
    BarChart(
        key="sessions",
        draw="horizontal_bars",
        label=_("Standing working sessions held versus planned"),
        bars=(
            BarSpec(
                "held",
                _("Held"),
                lambda d: d.health.sessions_held,
                _("{n} working sessions held"),
                GREEN,
                "sessions",
                {"state": "held"},
            ),
            BarSpec(
                "planned_past",
                _("Planned, not held"),
                lambda d: d.health.sessions_planned_past,
                _("{n} sessions planned in the past and not recorded as held"),
                ORANGE,
                "sessions",
                {"state": "planned_past"},
            ),
            BarSpec(
                "cancelled",
                _("Cancelled"),
                lambda d: d.health.sessions_cancelled,
                _("{n} sessions cancelled"),
                GREY,
                "sessions",
                {"state": "cancelled"},
            ),
        ),
    ),
)


def _funnel(chart: FunnelChart, data: Dashboard) -> str:
    counts = chart.counts(data)
    # With the page filtered to one phase (or status), every other bar of that funnel is 0: it
    # links nowhere, since its link would replace the filter and list that phase's initiatives.
    chosen = getattr(data.filters, chart.param, "")
    return svg.horizontal_bars(
        [
            svg.Bar(
                key=value,
                label=str(name),
                value=counts[value],
                href=""
                if chosen not in ("", value)
                else list_url("initiatives", data.filters, **{chart.param: value}),
                title=chart.tooltip.format(n=counts[value], label=name, lower=in_sentence(name)),
                colour=chart.colours[value],
            )
            for value, name in chart.choices
        ],
        chart_id=f"chart-{chart.param}",
        label=chart.label,
    )


def _bars(chart: BarChart, data: Dashboard) -> str:
    bars = [
        svg.Bar(
            key=spec.key,
            label=str(spec.label),
            value=spec.value(data),
            href=list_url(spec.list_name, data.filters, **spec.params),
            title=spec.tooltip.format(n=spec.value(data)),
            colour=spec.colour,
        )
        for spec in chart.bars
    ]
    extra = {"headline": chart.headline(data)} if chart.headline else {}
    draw = getattr(svg, chart.draw)
    return draw(bars, chart_id=f"chart-{chart.key}", label=chart.label, **extra)


def _heatmap(data: Dashboard) -> str:
    rows = [
        svg.HeatRow(
            key=str(row.initiative.pk),
            label=f"{row.initiative.reference} {row.initiative.title}",
            href=row.initiative.get_absolute_url(),
            cells=[
                (
                    area,
                    value,
                    "na" if area in row.not_applicable else readiness_band(value),
                    list_url(
                        "design-inputs", data.filters, initiative=row.initiative.pk, area=area
                    ),
                )
                for area, value in row.cells
            ],
            badge=(
                row.initiative.get_risk_level_display(),
                *RISK_COLOURS[row.initiative.risk_level],
            )
            if row.initiative.status != Status.DRAFT
            else (gettext("Draft"), "#eaecf0", "#475467"),
        )
        for row in data.rows
    ]
    return svg.heat_table(
        rows,
        [(a.value, str(AREA_SHORT[a])) for a in AREAS],
        chart_id="chart-heatmap",
        label=gettext("Readiness per concern area (0–100) for each initiative"),
    )


def _trend(data: Dashboard) -> str:
    def tooltip(m) -> str:
        if not m.count:
            return gettext("%(month)s: none reached ready for build") % {
                "month": month_label(m.month)
            }
        return ngettext(
            "%(month)s: median %(days)s days over %(count)s initiative",
            "%(month)s: median %(days)s days over %(count)s initiatives",
            m.count,
        ) % {"month": month_label(m.month), "days": m.median_days, "count": m.count}

    return svg.columns(
        [
            svg.Bar(
                key=m.month,
                label=month_label(m.month),
                value=m.median_days,
                href=list_url("initiatives", data.filters, ready_month=m.month),
                title=tooltip(m),
            )
            for m in data.time.by_month
        ],
        chart_id="chart-trend",
        label=gettext("Median days from submission to ready for build, by month reached"),
        unit=" d",
    )


def build_charts(data: Dashboard) -> dict[str, str]:
    """Every SVG chart of the dashboard by key, every bar and cell linked to its list."""
    charts = {"heatmap": _heatmap(data), "trend": _trend(data)}
    charts.update({chart.param: _funnel(chart, data) for chart in FUNNEL_CHARTS})
    charts.update({chart.key: _bars(chart, data) for chart in BAR_CHARTS})
    return charts
