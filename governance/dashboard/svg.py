"""Server-rendered SVG charts for the executive dashboard: no JavaScript, no CDN, testable.

Every bar, segment and cell is an <a> to the list behind it, carries a <title> tooltip, a
visible number and `data-key` / `data-value` attributes so tests and scripts can read it.

Accessibility: a chart is a named group (`role="group"`, not `img`, whose children would be
hidden from assistive technology while its links stay focusable), and below it the same
figures and drill-down links as a plain list in a <details>, for keyboards and screen readers.
The heat map is an HTML table (`heat_table`): readable on a phone, where it scrolls sideways
with the initiative's name kept in view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
BRAND = "#0f5f73"
GREY = "#e4e7ec"
INK = "#1d2939"
MUTED = "#475467"

# Readiness bands (see selectors.portfolio.readiness_band): fill, text colour.
BAND_COLOURS = {
    "none": ("#eaecf0", "#475467"),
    "na": ("#f2f4f7", "#344054"),  # ruled out by an IT lead: not applicable
    "low": ("#b42318", "#ffffff"),
    "medium": ("#b54708", "#ffffff"),
    "good": ("#fdd37a", "#1d2939"),
    "ready": ("#067647", "#ffffff"),
}


@dataclass
class Bar:
    """One bar (or segment, or column): what it shows and where it leads."""

    key: str
    label: str
    value: float | int | None
    href: str
    title: str = ""
    colour: str = BRAND
    display: str | None = None  # the visible number; defaults to the value

    @property
    def shown(self) -> str:
        if self.display is not None:
            return self.display
        if self.value is None:
            return "–"
        return f"{self.value:g}" if isinstance(self.value, float) else str(self.value)


def _svg(
    chart_id: str,
    width: int,
    height: int,
    label: str,
    body: list[str],
    bars: Sequence[Bar] = (),
) -> SafeString:
    return mark_safe(
        f'<svg id="{escape(chart_id)}" class="hp-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'role="group" aria-label="{escape(label)}" font-family="{FONT}">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>{_link_list(chart_id, label, bars)}"
    )


def _link_list(chart_id: str, label: str, bars: Sequence[Bar]) -> str:
    """The chart's figures and drill-down links as a list (WCAG 1.1.1, 2.1.1)."""
    items = []
    for bar in bars:
        text = escape(bar.title or f"{bar.label}: {bar.shown}")
        items.append(
            f'<li><a href="{escape(bar.href)}">{text}</a></li>' if bar.href else f"<li>{text}</li>"
        )
    if not items:
        return ""
    return (
        f'<details class="chart-links" id="{escape(chart_id)}-list"><summary>'
        f"{escape(label)}: figures and links as a list</summary><ul>{''.join(items)}</ul></details>"
    )


def _link(bar: Bar, inner: str, css: str) -> str:
    """The bar as a link to its list; a bar without one (nothing can be behind it) is a group."""
    attributes = (
        f'class="{css}" data-key="{escape(bar.key)}" '
        f'data-value="{escape("" if bar.value is None else bar.value)}"'
    )
    title = f"<title>{escape(bar.title or f'{bar.label}: {bar.shown}')}</title>"
    if not bar.href:
        return f"<g {attributes}>{title}{inner}</g>"
    return f'<a href="{escape(bar.href)}" {attributes}>{title}{inner}</a>'


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def horizontal_bars(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    label: str,
    width: int = 460,
    label_width: int = 150,
    bar_height: int = 24,
    gap: int = 8,
    max_value: float | None = None,
) -> SafeString:
    """Labelled horizontal bars with the count at the end of each bar."""
    top = 4
    track = width - label_width - 48
    scale_max = max_value or max([b.value or 0 for b in bars] + [1])
    body = []
    for index, bar in enumerate(bars):
        y = top + index * (bar_height + gap)
        length = 0 if not bar.value else max(3, track * bar.value / scale_max)
        mid = y + bar_height / 2 + 4.5
        inner = (
            f'<text x="{label_width - 8}" y="{mid}" text-anchor="end" font-size="13" '
            f'fill="{INK}" class="bar-label">{escape(_truncate(bar.label, 22))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{track}" height="{bar_height}" rx="4" '
            f'fill="#f2f4f7"/>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" rx="4" '
            f'fill="{bar.colour}" class="bar-fill"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{mid}" font-size="13" '
            f'font-weight="600" fill="{INK}" class="bar-value">{escape(bar.shown)}</text>'
        )
        body.append(_link(bar, inner, "bar"))
    height = top + len(bars) * (bar_height + gap)
    return _svg(chart_id, width, height, label, body, bars)


def columns(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    label: str,
    width: int = 760,
    height: int = 240,
    unit: str = "",
) -> SafeString:
    """Vertical columns (a monthly trend) with the value above each column; empty months show
    a dash on the axis."""
    left, right, top, bottom = 8, 8, 22, 34
    plot_h = height - top - bottom
    slot = (width - left - right) / max(len(bars), 1)
    col_w = min(34, slot * 0.62)
    scale_max = max([b.value or 0 for b in bars] + [1])
    base = top + plot_h
    body = [f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#d0d5dd"/>']
    points = []
    for index, bar in enumerate(bars):
        cx = left + slot * index + slot / 2
        bar_h = 0 if not bar.value else max(2, plot_h * bar.value / scale_max)
        y = base - bar_h
        value_text = f"{bar.shown}{unit}" if bar.value is not None else "–"
        inner = (
            f'<rect x="{cx - slot / 2:.1f}" y="{top - 20}" width="{slot:.1f}" '
            f'height="{plot_h + 20}" fill="transparent"/>'
            f'<rect x="{cx - col_w / 2:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{bar_h:.1f}" '
            f'rx="3" fill="{bar.colour}" class="bar-fill"/>'
            f'<text x="{cx:.1f}" y="{y - 5:.1f}" text-anchor="middle" font-size="12" '
            f'font-weight="600" fill="{INK if bar.value is not None else MUTED}" '
            f'class="bar-value">{escape(value_text)}</text>'
            f'<text x="{cx:.1f}" y="{base + 16}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}" class="bar-label">{escape(bar.label)}</text>'
        )
        body.append(_link(bar, inner, "bar"))
        if bar.value is not None:
            points.append(f"{cx:.1f},{y:.1f}")
    if len(points) > 1:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{INK}" '
            f'stroke-width="1.5" stroke-dasharray="4 3" opacity="0.45" pointer-events="none"/>'
        )
    return _svg(chart_id, width, height, label, body, bars)


def share_bar(
    segments: Sequence[Bar], *, chart_id: str, label: str, width: int = 460, headline: str = ""
) -> SafeString:
    """A stacked bar: segments side by side, each with its count and percentage."""
    total = sum(s.value or 0 for s in segments)
    top = 38 if headline else 4
    body = []
    if headline:
        body.append(
            f'<text x="0" y="26" font-size="24" font-weight="700" fill="{INK}" '
            f'class="headline">{escape(headline)}</text>'
        )
    x = 0.0
    for segment in segments:
        seg_w = 0 if not total else width * (segment.value or 0) / total
        share = f"{round(100 * (segment.value or 0) / total)}%" if total else "–"
        inner = (
            f'<rect x="{x:.1f}" y="{top}" width="{seg_w:.1f}" height="30" fill="{segment.colour}" '
            f'class="bar-fill"/>'
        )
        if seg_w >= 40:
            inner += (
                f'<text x="{x + 8:.1f}" y="{top + 20}" font-size="13" font-weight="600" '
                f'fill="#fff" class="bar-value">{escape(segment.shown)} · {share}</text>'
            )
        body.append(_link(segment, inner, "bar"))
        x += seg_w
    if not total:
        body.append(
            f'<rect x="0" y="{top}" width="{width}" height="30" fill="{GREY}"/>'
            f'<text x="8" y="{top + 20}" font-size="13" fill="{MUTED}">No data yet</text>'
        )
    # The legend repeats every number so it stays readable when a segment is narrow.
    lx = 0
    for segment in segments:
        text = f"{segment.label}: {segment.shown}"
        body.append(
            f'<rect x="{lx}" y="{top + 42}" width="12" height="12" rx="2" fill="{segment.colour}"/>'
            f'<a href="{escape(segment.href)}"><text x="{lx + 17}" y="{top + 53}" font-size="12" '
            f'fill="{INK}" class="legend">{escape(text)}</text></a>'
        )
        lx += 30 + 7 * len(text)
    return _svg(chart_id, width, top + 62, label, body, segments)


@dataclass
class HeatRow:
    key: str
    label: str
    href: str
    cells: list[tuple[str, int | None, str, str]]  # (area, readiness, band, href)
    badge: tuple[str, str, str] | None = None  # (text, fill, text colour)


def heat_table(
    rows: Sequence[HeatRow],
    columns: Sequence[tuple[str, str]],  # (area value, short label)
    *,
    chart_id: str,
    label: str,
) -> SafeString:
    """The heat map as an HTML table: initiatives × concern areas, each cell a link coloured
    by readiness with the number in it. A concern IT has not assessed yet is a neutral grey,
    hatched cell saying "not assessed" — told apart from a poor readiness by its words and
    pattern, not by colour alone. The first column stays in view while the table scrolls
    sideways on a narrow screen."""
    head = "".join(f'<th scope="col">{escape(short)}</th>' for _, short in columns)
    body = []
    for row in rows:
        cells = []
        for c, (area, value, band, href) in enumerate(row.cells):
            fill, ink = BAND_COLOURS[band]
            if band == "na":
                shown = tip_value = "not applicable"
            elif value is None:
                shown = tip_value = "not assessed"
            else:
                shown, tip_value = str(value), f"readiness {value}/100"
            tip = f"{row.label} — {columns[c][1]}: {tip_value}"
            cells.append(
                f'<td><a href="{escape(href)}" class="cell band-{band}" '
                f'data-row="{escape(row.key)}" data-area="{escape(area)}" '
                f'data-value="{"" if value is None else value}" title="{escape(tip)}" '
                f'style="background:{fill};color:{ink}">'
                f'<span class="cell-value">{shown}</span>'
                f'<span class="visually-hidden"> — {escape(tip)}</span></a></td>'
            )
        badge = ""
        if row.badge:
            text, fill, ink = row.badge
            badge = (
                f'<span class="badge rounded-pill risk" style="background:{fill};color:{ink}">'
                f"{escape(text)}</span>"
            )
        body.append(
            f'<tr data-row="{escape(row.key)}"><th scope="row"><a href="{escape(row.href)}" '
            f'class="row-label">{escape(row.label)}</a></th>{"".join(cells)}<td>{badge}</td></tr>'
        )
    return mark_safe(
        f'<table id="{escape(chart_id)}" class="heat-table">'
        f'<caption class="visually-hidden">{escape(label)}</caption>'
        f'<thead><tr><th scope="col">Initiative</th>{head}<th scope="col">Risk</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
