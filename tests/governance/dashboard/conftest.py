"""The hand-computed portfolio of dashboard_fixture.py, a plain portfolio of a given size, and
readers of the charts' SVG (each bar's value and link, each heat-map cell)."""

import html
import re

import pytest

from governance.decisions.models import Decision
from initiatives.models import Initiative
from reviews.models import ConcernAssessment
from tests.governance.dashboard import dashboard_fixture


@pytest.fixture
def portfolio(users):
    return dashboard_fixture.build(users)


def _portfolio(users, count: int) -> list[Initiative]:
    made = []
    for n in range(count):
        initiative = Initiative.objects.create(
            title=f"Initiative {n:03d}", sponsor=users["sponsor"], status="in_review"
        )
        # Every third one is not assessed on security: "n/a" must sort as the lowest.
        if n % 3:
            ConcernAssessment.objects.create(
                initiative=initiative, area="security", readiness=n, status="in_progress"
            )
        made.append(initiative)
    return made


def vendor_selection(initiative, user, *, before_it: bool) -> Decision:
    """A vendor chosen for the initiative, before IT's assessment (with the reason it could
    not wait) or after it."""
    return Decision.objects.create(
        initiative=initiative,
        kind="vendor_selection",
        summary="vendor",
        decided_by=user,
        before_it_assessment=before_it,
        unscored_rationale="could not wait" if before_it else "",
    )


def svg(content: str, chart_id: str) -> str:
    match = re.search(rf'<svg id="{chart_id}".*?</svg>', content, re.S)
    assert match, f"no chart {chart_id}"
    return match.group(0)


def bars(content: str, chart_id: str) -> dict[str, tuple[str, str]]:
    """{data-key: (data-value, href)} of the bars of one chart; "" for a bar without a link."""
    found = re.findall(
        r'<(?:a href="([^"]*)"|g) class="bar" data-key="([^"]*)" data-value="([^"]*)"',
        svg(content, chart_id),
    )
    return {key: (value, html.unescape(href)) for href, key, value in found}


def cells(content: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    """{(initiative id, area): (band, value, href)} of the heat map (an HTML table)."""
    table = re.search(r'<table id="chart-heatmap".*?</table>', content, re.S)
    assert table, "no heat map"
    found = re.findall(
        r'<a href="([^"]*)" class="cell band-(\w+)" data-row="(\d+)" data-area="(\w+)" '
        r'data-value="(\d*)"[^>]*><span class="cell-value">([^<]*)</span>',
        table.group(0),
    )
    return {
        (row, area): (band, text, html.unescape(href)) for href, band, row, area, _, text in found
    }
