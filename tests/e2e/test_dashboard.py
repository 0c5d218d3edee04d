"""An executive opens the readiness dashboard in a real browser: the SVG charts render with the
hand-computed figures, a bar leads to the list behind it, the table exports as CSV."""

import pytest

from tests import factories
from tests.governance.dashboard import dashboard_fixture
from tests.governance.dashboard.dashboard_fixture import EXPECTED


def bar_value(page, chart: str, key: str) -> str:
    return page.locator(f"#{chart} a[data-key='{key}'] text.bar-value").text_content().strip()


@pytest.mark.django_db(transaction=True)
def test_executive_reads_the_dashboard_and_drills_down(page, live_server, login, screenshot):
    users = factories.role_users()
    portfolio = dashboard_fixture.build(users)
    login(users["executive"])
    # The home page sends executives straight to the dashboard.
    assert page.url.endswith("/governance/dashboard/")
    assert page.locator("svg.hp-chart").count() == 10
    assert page.locator("table#chart-heatmap").count() == 1
    screenshot("dashboard-executive")

    for phase, count in EXPECTED["by_phase"].items():
        assert bar_value(page, "chart-phase", phase) == str(count)
    for status, count in EXPECTED["by_status"].items():
        assert bar_value(page, "chart-status", status) == str(count)
    assert bar_value(page, "chart-risk", "blocked") == "1"
    assert bar_value(page, "chart-escalations", "escalations") == "2"
    assert bar_value(page, "chart-escalations", "incorporated") == "3"
    assert bar_value(page, "chart-sessions", "held") == "4"
    assert "75% involved IT early" in page.locator("#chart-early text.headline").text_content()
    assert page.locator("#chart-trend text.bar-value").count() == 12

    # Heat map: the number in the cell, grey hatched "not assessed" when not assessed, 0 stays 0.
    def cell(initiative, area):
        return page.locator(
            f"#chart-heatmap a.cell[data-row='{initiative.pk}'][data-area='{area}']"
        )

    def shown(initiative, area):
        return cell(initiative, area).locator(".cell-value").inner_text().strip()

    assert shown(portfolio.a, "security") == "80"
    assert shown(portfolio.a, "architecture") == "0"
    assert shown(portfolio.a, "vendor") == "not assessed"
    assert "band-none" in cell(portfolio.a, "vendor").get_attribute("class")
    assert page.locator("[data-kpi='median-days'] .kpi-value").inner_text().strip() == "30.0"
    assert page.locator("[data-kpi='blockers'] .kpi-value").inner_text().strip() == "3"

    # Drill down from the "design" bar of the phase funnel.
    page.locator("#chart-phase a[data-key='design']").click()
    page.wait_for_url("**/dashboard/initiatives/?phase=design")
    assert page.locator("#drilldown-count").inner_text() == "2"
    rows = page.locator("#drilldown tbody tr").all_inner_texts()
    assert any("A Visual inspection" in r for r in rows)
    assert any("D PPE detection" in r for r in rows)
    screenshot("dashboard-drilldown-design")

    # Back, filter to Brno, then follow a heat-map cell to its design inputs.
    page.go_back()
    page.select_option("#f-site", label="Brno Plant")
    page.click("#dashboard-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert bar_value(page, "chart-status", "ready_for_build") == "1"
    screenshot("dashboard-filtered-brno")
    cell(portfolio.d, "security").click()
    page.wait_for_load_state("networkidle")
    assert "D: camera data leaves plant" in page.locator("#drilldown").inner_text()

    # CSV export of the portfolio table.
    page.go_back()
    with page.expect_download() as download_info:
        page.click("#export-csv")
    text = download_info.value.path().read_text()
    assert text.splitlines()[0].startswith("reference,title,site")
    assert "D PPE detection" in text and "A Visual inspection" not in text


@pytest.mark.django_db(transaction=True)
def test_the_cached_dashboard_shows_a_change_made_in_another_window_at_once(
    page, live_server, login, browser_as, dashboard_cache
):
    """The figures are cached (DASHBOARD_CACHE_SECONDS as deployed); a sponsor reopening an
    initiative in their own window changes the executive's next view, not a minute later."""
    from initiatives.services import grant_membership

    users = factories.role_users()
    portfolio = dashboard_fixture.build(users)
    grant_membership(portfolio.d, users["other_sponsor"], can_change=True, record=False)
    login(users["executive"])
    assert bar_value(page, "chart-status", "in_review") == "1"
    page.reload()  # from the cache now
    assert bar_value(page, "chart-status", "in_review") == "1"
    assert bar_value(page, "chart-status", "draft") == "1"

    sponsor = browser_as(users["other_sponsor"])
    sponsor.goto(f"{live_server.url}/initiatives/{portfolio.d.pk}/")
    sponsor.get_by_role("button", name="Reopen for editing").click()
    sponsor.wait_for_load_state("networkidle")

    page.reload()
    assert bar_value(page, "chart-status", "in_review") == "0"
    assert bar_value(page, "chart-status", "draft") == "2"
