"""The executive readiness dashboard: each figure against a hand-computed portfolio
(tests/governance/dashboard_fixture.py), the charts, drill-downs, CSV, permissions and the
query count."""

import csv
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.dashboard.selectors.drilldowns import (
    DesignInputCriteria,
    InitiativeCriteria,
    drilldown_design_inputs,
    drilldown_escalations,
    drilldown_initiatives,
    drilldown_sessions,
)
from governance.dashboard.selectors.figures import (
    blockers,
    funnel,
    partnership_health,
    partnership_time,
)
from governance.dashboard.selectors.filters import DashboardFilters, dashboard_initiatives
from governance.dashboard.selectors.portfolio import (
    CSV_HEADER,
    DEFAULT_SORT,
    clean_sort,
    portfolio_rows,
)
from governance.dashboard.svg import Bar, horizontal_bars
from governance.decisions.models import Decision
from initiatives.models import Initiative
from tests import factories
from tests.governance.dashboard import dashboard_fixture
from tests.governance.dashboard.dashboard_fixture import EXPECTED, NOW, TODAY, at

ALL = DashboardFilters()


@pytest.fixture
def portfolio(users):
    return dashboard_fixture.build(users)


def initiatives(user, **filters):
    return dashboard_initiatives(user, DashboardFilters(**filters))


def svg(content: str, chart_id: str) -> str:
    match = re.search(rf'<svg id="{chart_id}".*?</svg>', content, re.S)
    assert match, f"no chart {chart_id}"
    return match.group(0)


def bars(content: str, chart_id: str) -> dict[str, tuple[str, str]]:
    """{data-key: (data-value, href)} of the bars of one chart."""
    found = re.findall(
        r'<a href="([^"]*)" class="bar" data-key="([^"]*)" data-value="([^"]*)"',
        svg(content, chart_id),
    )
    return {key: (value, html.unescape(href)) for href, key, value in found}


def cells(content: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    """{(initiative id, area): (band, value, href)} of the heat map."""
    found = re.findall(
        r'<a href="([^"]*)" class="cell band-(\w+)" data-row="(\d+)" data-area="(\w+)" '
        r'data-value="(\d*)"><title>[^<]*</title><rect[^>]*/><text[^>]*>([^<]*)</text>',
        svg(content, "chart-heatmap"),
    )
    return {
        (row, area): (band, text, html.unescape(href)) for href, band, row, area, _, text in found
    }


@pytest.mark.django_db
class TestFigures:
    def test_funnel_counts_each_phase_and_status(self, portfolio, users):
        counts = funnel(initiatives(users["executive"]))
        assert counts.total == 5
        assert counts.by_phase == EXPECTED["by_phase"]
        assert counts.by_status == EXPECTED["by_status"]
        # E is a draft: no risk status yet.
        assert counts.by_risk == {"on_track": 1, "at_risk": 2, "blocked": 1}

    def test_partnership_time_median_overall_and_by_month(self, portfolio, users):
        time = partnership_time(initiatives(users["executive"]), months=3, today=TODAY)
        assert time.count == 3
        assert time.median_days == EXPECTED["median_days"]
        assert {m.month: (m.count, m.median_days) for m in time.by_month} == EXPECTED["by_month"]

    def test_partnership_time_keeps_fractions_of_days(self, users):
        sponsor = users["sponsor"]
        Initiative.objects.create(
            title="x", sponsor=sponsor, submitted_at=at(1, 1), ready_for_build_at=at(1, 2)
        )
        Initiative.objects.create(
            title="y",
            sponsor=sponsor,
            submitted_at=at(1, 1),
            ready_for_build_at=at(1, 3) + timezone.timedelta(hours=12),
        )
        time = partnership_time(Initiative.objects.all(), months=1, today=TODAY)
        assert time.median_days == 1.8  # median of 1 and 2.5 days = 1.75, one decimal

    def test_partnership_health(self, portfolio, users):
        health = partnership_health(initiatives(users["executive"]), now=NOW)
        assert (health.involved, health.early, health.late) == (4, 3, 1)
        assert health.early_share == EXPECTED["early_share"]
        assert health.escalations == EXPECTED["escalations"]
        assert health.incorporated == EXPECTED["incorporated"]
        assert health.sessions_held == EXPECTED["sessions_held"]
        assert health.sessions_planned_past == EXPECTED["sessions_planned_past"]
        assert health.sessions_cancelled == EXPECTED["sessions_cancelled"]
        assert health.sessions_share == EXPECTED["sessions_share"]

    def test_empty_portfolio_has_no_shares_instead_of_dividing_by_zero(self, users):
        health = partnership_health(Initiative.objects.none())
        assert health.early_share is None and health.sessions_share is None
        assert partnership_time(Initiative.objects.none()).median_days is None

    def test_blockers_are_open_high_inputs_oldest_first_with_owner(self, portfolio, users):
        result = blockers(initiatives(users["executive"]), limit=2)
        assert result.total == 3
        assert [d.title for d in result.items] == EXPECTED["blockers"][:2]
        assert result.items[0].owner == users["reviewer"]
        assert result.items[1].owner is None

    def test_heat_map_rows_keep_zero_apart_from_not_assessed(self, portfolio, users):
        rows = {r.initiative.pk: r for r in portfolio_rows(initiatives(users["executive"]))}
        a = rows[portfolio.a.pk]
        assert a.readiness == {
            "security": 80,
            "ownership": 100,
            "architecture": 0,
            "governance": None,
            "vendor": None,
            "performance": 60,
        }
        assert a.assessed == 4
        assert a.overall == 60  # (80 + 100 + 0 + 60) / 4
        assert rows[portfolio.e.pk].overall is None
        assert (rows[portfolio.d.pk].open_total, rows[portfolio.d.pk].open_high) == (2, 2)
        assert (rows[portfolio.c.pk].open_total, rows[portfolio.c.pk].open_high) == (2, 1)

    def test_filters_narrow_every_figure(self, portfolio, users):
        qs = initiatives(users["executive"], site=portfolio.s1.pk)
        assert funnel(qs).total == 3  # A, B, E
        health = partnership_health(qs, now=NOW)
        assert (health.involved, health.early, health.escalations) == (2, 1, 1)
        assert health.incorporated == 2
        assert partnership_time(qs).median_days == 25.0  # A 40, B 10
        qs = initiatives(users["executive"], business_unit=portfolio.maintenance.pk, phase="design")
        assert [i.pk for i in qs] == [portfolio.d.pk]
        assert blockers(qs).total == 2

    def test_sorting(self, portfolio, users):
        qs = initiatives(users["executive"])
        order = [r.initiative.pk for r in portfolio_rows(qs, "-security")]
        assert order[:2] == [portfolio.a.pk, portfolio.d.pk]
        order = [r.initiative.pk for r in portfolio_rows(qs, "risk")]
        assert order[-1] == portfolio.d.pk  # blocked last
        assert clean_sort("nonsense; drop table") == DEFAULT_SORT

    def test_drilldowns_go_through_visibility(self, portfolio, users):
        # C is confidential: a user without a portfolio role never gets its rows.
        norole = users["norole"]
        blocking = DesignInputCriteria(state="blocking")
        listed = drilldown_design_inputs(norole, ALL, blocking)
        assert {d.initiative_id for d in listed} == {portfolio.d.pk}
        confidential = DesignInputCriteria(initiative=portfolio.c.pk)
        assert not drilldown_design_inputs(norole, ALL, confidential).exists()
        every = InitiativeCriteria()
        assert portfolio.c not in drilldown_initiatives(norole, ALL, every)
        assert drilldown_initiatives(users["executive"], ALL, every).count() == 5
        assert drilldown_escalations(norole, ALL).count() == 2  # B and D
        assert not drilldown_sessions(norole, ALL, "held").filter(initiative=portfolio.c).exists()

    def test_visibility_applies_to_the_figures(self, portfolio, users):
        # Without a portfolio role the set shrinks to what the user may see: no drafts and no
        # confidential initiatives of others.
        seen = set(initiatives(users["norole"]).values_list("pk", flat=True))
        assert seen == {portfolio.a.pk, portfolio.b.pk, portfolio.d.pk}


@pytest.mark.django_db
class TestDashboardPage:
    def test_charts_show_the_figures(self, client, portfolio, users):
        client.force_login(users["executive"])
        response = client.get("/governance/dashboard/")
        assert response.status_code == 200
        content = response.content.decode()
        assert {k: int(v) for k, (v, _) in bars(content, "chart-phase").items()} == EXPECTED[
            "by_phase"
        ]
        assert {k: int(v) for k, (v, _) in bars(content, "chart-status").items()} == EXPECTED[
            "by_status"
        ]
        assert {k: int(v) for k, (v, _) in bars(content, "chart-risk").items()} == {
            "on_track": 1,
            "at_risk": 2,
            "blocked": 1,
        }
        early = bars(content, "chart-early")
        assert (early["early"][0], early["late"][0]) == ("3", "1")
        assert "75% involved IT early" in svg(content, "chart-early")
        esc = bars(content, "chart-escalations")
        assert (esc["incorporated"][0], esc["escalations"][0]) == ("3", "2")
        sessions = bars(content, "chart-sessions")
        past = sum(1 for moment in (at(3, 18), at(3, 25)) if moment < timezone.now())
        assert sessions["held"][0] == "4"
        assert sessions["planned_past"][0] == str(past)
        assert response.context["data"].funnel.total == 5
        assert response.context["data"].blockers.total == 3
        for title in EXPECTED["blockers"]:
            assert title in content

    def test_heat_map_cells(self, client, portfolio, users):
        client.force_login(users["executive"])
        content = client.get("/governance/dashboard/").content.decode()
        heat = cells(content)
        a = str(portfolio.a.pk)
        assert heat[(a, "security")][:2] == ("ready", "80")
        assert heat[(a, "architecture")][:2] == ("low", "0")
        assert heat[(a, "governance")][:2] == ("none", "n/a")  # assessed, readiness not computed
        assert heat[(a, "vendor")][:2] == ("none", "n/a")  # no assessment row
        assert heat[(a, "performance")][:2] == ("good", "60")
        assert heat[(str(portfolio.d.pk), "security")][:2] == ("low", "20")
        assert len(heat) == 5 * 6

    def test_every_chart_bar_leads_to_a_list_of_that_many(self, client, portfolio, users):
        client.force_login(users["executive"])
        content = client.get("/governance/dashboard/").content.decode()
        checked = 0
        for chart in (
            "chart-phase",
            "chart-status",
            "chart-risk",
            "chart-early",
            "chart-escalations",
            "chart-sessions",
        ):
            for key, (value, href) in bars(content, chart).items():
                page = client.get(href)
                assert page.status_code == 200, href
                assert page.context["page"].paginator.count == int(value), (chart, key, href)
                checked += 1
        assert checked == 6 + 5 + 3 + 2 + 2 + 3
        data = client.get("/governance/dashboard/").context["data"]
        for month in data.time.by_month:
            _, href = bars(content, "chart-trend")[month.month]
            assert client.get(href).context["page"].paginator.count == month.count

    def test_kpi_and_blocker_links_match_their_numbers(self, client, portfolio, users):
        client.force_login(users["executive"])
        response = client.get("/governance/dashboard/")
        links = response.context["links"]
        assert client.get(links["blockers"]).context["page"].paginator.count == 3
        assert client.get(links["involved"]).context["page"].paginator.count == 4
        assert client.get(links["reached_ready"]).context["page"].paginator.count == 3
        assert client.get(links["all"]).context["page"].paginator.count == 5
        listed = [d.title for d in client.get(links["blockers"]).context["page"]]
        assert listed == EXPECTED["blockers"]

    def test_heat_map_cell_leads_to_the_inputs_of_that_initiative_and_area(
        self, client, portfolio, users
    ):
        client.force_login(users["executive"])
        content = client.get("/governance/dashboard/").content.decode()
        _, _, href = cells(content)[(str(portfolio.d.pk), "security")]
        page = client.get(href).context["page"]
        assert [d.title for d in page] == ["D: camera data leaves plant"]

    def test_readiness_band_drilldown(self, client, portfolio, users):
        client.force_login(users["executive"])
        url = "/governance/dashboard/initiatives/"
        low = client.get(url, {"area": "architecture", "band": "low"}).context["page"]
        assert [i.pk for i in low] == [portfolio.a.pk]
        none = client.get(url, {"area": "governance", "band": "none"}).context["page"]
        assert none.paginator.count == 5

    def test_filters_apply_to_the_page_and_its_links(self, client, portfolio, users):
        client.force_login(users["executive"])
        content = client.get("/governance/dashboard/", {"site": portfolio.s2.pk}).content.decode()
        phase = bars(content, "chart-phase")
        assert phase["design"][0] == "1" and phase["pilot"][0] == "1"
        assert f"site={portfolio.s2.pk}" in phase["design"][1]
        assert client.get(phase["design"][1]).context["page"].paginator.count == 1

    def test_sort_links_and_order(self, client, portfolio, users):
        client.force_login(users["executive"])
        response = client.get("/governance/dashboard/", {"sort": "-readiness"})
        order = [row.initiative.pk for row in response.context["data"].rows]
        assert order[0] == portfolio.a.pk  # overall 60, D 20, others not assessed
        assert order[1] == portfolio.d.pk
        header = next(h for h in response.context["headers"] if h["label"] == "Overall")
        assert header["active"] and header["descending"] and "sort=readiness" in header["href"]

    def test_escalations_list_shows_the_reason(self, client, portfolio, users):
        client.force_login(users["executive"])
        response = client.get("/governance/dashboard/escalations/")
        assert response.context["page"].paginator.count == 2
        assert "Sponsor and IT disagree on hosting." in response.content.decode()
        dashboard = client.get("/governance/dashboard/")
        assert [e.initiative for e in dashboard.context["data"].recent_escalations] == [
            portfolio.d,
            portfolio.b,
        ]

    def test_unknown_session_state_is_404(self, client, users):
        client.force_login(users["executive"])
        assert client.get("/governance/dashboard/sessions/", {"state": "x"}).status_code == 404

    def test_home_sends_executives_to_the_dashboard(self, client, users):
        client.force_login(users["executive"])
        assert client.get("/").url == "/governance/dashboard/"


@pytest.mark.django_db
class TestPermissions:
    URLS = [
        "/governance/dashboard/",
        "/governance/dashboard/portfolio.csv",
        "/governance/dashboard/initiatives/",
        "/governance/dashboard/design-inputs/",
        "/governance/dashboard/escalations/",
        "/governance/dashboard/sessions/?state=held",
    ]

    @pytest.mark.parametrize("role", ["executive", "it_lead", "admin"])
    def test_portfolio_roles_see_it_with_confidential_work(self, client, portfolio, users, role):
        client.force_login(users[role])
        for url in self.URLS:
            assert client.get(url).status_code == 200, url
        content = client.get("/governance/dashboard/").content.decode()
        assert "C Demand forecasting" in content  # confidential

    @pytest.mark.parametrize("role", ["sponsor", "reviewer", "norole"])
    def test_other_roles_are_refused(self, client, portfolio, users, role):
        client.force_login(users[role])
        for url in self.URLS:
            assert client.get(url).status_code == 403, url

    def test_anonymous_goes_to_login(self, client):
        response = client.get("/governance/dashboard/")
        assert response.status_code == 302 and "/login/" in response.url


@pytest.mark.django_db
class TestCsvExport:
    def test_csv_has_the_table_with_filters(self, client, portfolio, users):
        client.force_login(users["executive"])
        response = client.get(
            "/governance/dashboard/portfolio.csv", {"site": portfolio.s1.pk, "sort": "-title"}
        )
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment; filename=")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == CSV_HEADER
        assert [r[1] for r in rows[1:]] == [
            "E Shop-floor copilot",
            "B Predictive maintenance",
            "A Visual inspection",
        ]
        a = dict(zip(rows[0], rows[3], strict=True))
        assert a["reference"] == portfolio.a.reference
        assert a["readiness_architecture"] == "0"
        assert a["readiness_governance"] == ""  # not assessed
        assert a["readiness_overall"] == "60"
        assert a["it_involved_early"] == "yes"
        assert a["site"] == "Augsburg Plant"


@pytest.mark.django_db
class TestApi:
    def test_figures_endpoint(self, client, portfolio, users):
        client.force_login(users["it_lead"])
        response = client.get("/api/dashboard/")
        assert response.status_code == 200
        data = response.json()
        assert data["funnel"]["by_phase"] == EXPECTED["by_phase"]
        assert data["funnel"]["by_status"] == EXPECTED["by_status"]
        assert data["partnership_time"]["median_days"] == EXPECTED["median_days"]
        health = data["partnership_health"]
        assert (health["involved"], health["early"], health["early_share"]) == (4, 3, 0.75)
        assert (health["escalations"], health["incorporated"]) == (2, 3)
        assert data["blockers"]["total"] == 3
        assert [b["title"] for b in data["blockers"]["items"]] == EXPECTED["blockers"]
        row = next(r for r in data["portfolio"] if r["id"] == portfolio.a.pk)
        assert row["readiness"]["architecture"] == 0
        assert row["readiness"]["governance"] is None
        assert row["overall"] == 60
        assert [e["initiative"] for e in data["recent_escalations"]] == [
            portfolio.d.pk,
            portfolio.b.pk,
        ]

    def test_filters_by_query_params(self, client, portfolio, users):
        client.force_login(users["executive"])
        data = client.get("/api/dashboard/", {"site": portfolio.s2.pk}).json()
        assert data["funnel"]["total"] == 2
        assert data["filters"] == {"site": str(portfolio.s2.pk)}

    def test_token_auth_and_refusals(self, client, users):
        from rest_framework.authtoken.models import Token

        token = Token.objects.create(user=users["executive"])
        ok = client.get("/api/dashboard/", headers={"Authorization": f"Token {token.key}"})
        assert ok.status_code == 200
        assert client.get("/api/dashboard/").status_code in (401, 403)
        client.force_login(users["sponsor"])
        assert client.get("/api/dashboard/").status_code == 403


def _grow(users, count: int) -> None:
    """`count` more initiatives, each with assessments, inputs, a decision and sessions."""
    from reviews.models import ConcernAssessment

    for n in range(count):
        initiative = Initiative.objects.create(
            title=f"Extra {n}",
            sponsor=users["sponsor"],
            site=factories.SiteFactory(name=f"Site {n % 3}"),
            business_unit=factories.BusinessUnitFactory(name=f"Unit {n % 2}"),
            phase="design",
            status="ready_for_build",
            submitted_at=at(1, 1 + n % 20),
            ready_for_build_at=at(2, 1 + n % 20),
            phase_at_it_involvement="idea",
        )
        for area in ("security", "vendor"):
            ConcernAssessment.objects.create(initiative=initiative, area=area, readiness=50 + n)
        dashboard_fixture._input(
            initiative, "security", f"Extra finding {n}", "high", "raised", at(2, 2), users
        )
        Decision.objects.create(
            initiative=initiative, kind="escalation", summary="x", decided_by=users["executive"]
        )
        dashboard_fixture._sessions(initiative, users, [(at(2, 3), "held")])


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_portfolio(client, users):
    client.force_login(users["executive"])
    _grow(users, 4)
    client.get("/governance/dashboard/")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/governance/dashboard/").status_code == 200
    with CaptureQueriesContext(connection) as small_api:
        assert client.get("/api/dashboard/").status_code == 200
    _grow(users, 12)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/governance/dashboard/")
    with CaptureQueriesContext(connection) as large_api:
        assert client.get("/api/dashboard/").status_code == 200
    assert response.context["data"].funnel.total == 16
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large_api) == len(small_api)
    # 17 today: session, user, roles, filter choices, and 12 for the figures.
    assert len(small) <= 20, len(small)


def test_bar_chart_scales_to_the_largest_value_and_escapes_labels():
    chart = horizontal_bars(
        [Bar("a", "<b>A</b>", 10, "/x?a=1&b=2"), Bar("b", "B", 5, "/y")],
        chart_id="t",
        label="Test",
        width=400,
        label_width=100,
    )
    assert "&lt;b&gt;A&lt;/b&gt;" in chart and "<b>" not in chart
    assert 'href="/x?a=1&amp;b=2"' in chart
    widths = re.findall(r'width="([\d.]+)" height="24" rx="4" fill="#0f5f73"', chart)
    assert [float(w) for w in widths] == [252.0, 126.0]  # track 400 - 100 - 48
