"""The lists behind the figures: through visibility, with the figure's own criteria at every
edge (readiness bands, months, "planned in the past"), and — as a property over random
portfolios and filters — as many rows behind every link of the page as the figure shows."""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.urls import resolve
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from governance.dashboard.charts import build_charts, list_url
from governance.dashboard.selectors.drilldowns import (
    DesignInputCriteria,
    InitiativeCriteria,
    drilldown_design_inputs,
    drilldown_escalations,
    drilldown_initiatives,
    drilldown_sessions,
)
from governance.dashboard.selectors.figures import (
    all_figures,
    funnel,
    partnership_health,
    partnership_time,
)
from governance.dashboard.selectors.filters import AREAS, DashboardFilters, dashboard_initiatives
from governance.dashboard.selectors.portfolio import (
    READINESS_BANDS,
    portfolio_rows,
    readiness_band,
)
from governance.decisions.models import Decision
from governance.sessions.models import SessionStatus
from initiatives.models import Initiative, Phase, RiskLevel, Status
from reviews.models import ConcernAssessment, DesignInput, DesignInputStatus, Severity
from tests import factories
from tests.conftest import rolled_back
from tests.governance.dashboard import dashboard_fixture
from tests.governance.dashboard.conftest import bars, vendor_selection
from tests.governance.dashboard.dashboard_fixture import NOW

ALL = DashboardFilters()


@pytest.mark.django_db
class TestFigures:
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


# --- Edges: readiness bands, months, "planned in the past" -------------------------------------

EDGES = [0, 24, 25, 49, 50, 74, 75, 100]


@pytest.mark.django_db
def test_each_readiness_band_lists_exactly_the_cells_of_its_colour(users):
    """The band drill-down (`?area=…&band=…`) against the heat map's colouring, at each edge."""
    by_value = {}
    for value in EDGES:
        initiative = Initiative.objects.create(title=f"R{value}", sponsor=users["sponsor"])
        ConcernAssessment.objects.create(
            initiative=initiative, area="security", readiness=value, status="in_progress"
        )
        by_value[value] = initiative.pk
    unscored = Initiative.objects.create(title="Assessed, no readiness", sponsor=users["sponsor"])
    ConcernAssessment.objects.create(
        initiative=unscored, area="security", readiness=None, status="in_progress"
    )
    other_area = Initiative.objects.create(title="Vendor only", sponsor=users["sponsor"])
    ConcernAssessment.objects.create(
        initiative=other_area, area="vendor", readiness=100, status="in_progress"
    )
    # Not started: its computed starting value (20) is no reading, so "not assessed".
    not_started = Initiative.objects.create(title="Not started", sponsor=users["sponsor"])
    ConcernAssessment.objects.create(initiative=not_started, area="security", readiness=20)
    executive = users["executive"]
    rows = portfolio_rows(dashboard_initiatives(executive, ALL))
    for band in READINESS_BANDS:
        coloured = {
            r.initiative.pk for r in rows if readiness_band(r.readiness["security"]) == band
        }
        listed = drilldown_initiatives(
            executive, ALL, InitiativeCriteria(area="security", band=band)
        )
        assert set(listed.values_list("pk", flat=True)) == coloured, band
    assert {by_value[v] for v in (75, 100)} == set(
        drilldown_initiatives(
            executive, ALL, InitiativeCriteria(area="security", band="ready")
        ).values_list("pk", flat=True)
    )
    none = drilldown_initiatives(executive, ALL, InitiativeCriteria(area="security", band="none"))
    assert set(none.values_list("pk", flat=True)) == {unscored.pk, other_area.pk, not_started.pk}


BERLIN = ZoneInfo("Europe/Berlin")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.mark.django_db
def test_a_month_starts_and_ends_at_local_midnight(users):
    moments = {
        "2025-11": [local(2025, 11, 30, 23, 59, 59)],
        "2025-12": [local(2025, 12, 1), local(2025, 12, 31, 23, 59, 59)],
        "2026-01": [local(2026, 1, 1), local(2026, 1, 31, 23, 59, 59)],
        "2026-02": [local(2026, 2, 1, 0, 0, 1)],
    }
    for readies in moments.values():
        for ready in readies:
            Initiative.objects.create(
                title=f"Ready {ready}",
                sponsor=users["sponsor"],
                submitted_at=ready - timedelta(days=10),
                ready_for_build_at=ready,
            )
    executive = users["executive"]
    time = partnership_time(
        dashboard_initiatives(executive, ALL), months=4, today=date(2026, 2, 15)
    )
    assert [m.month for m in time.by_month] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    for figure in time.by_month:
        listed = drilldown_initiatives(
            executive, ALL, InitiativeCriteria(ready_month=figure.month)
        ).count()
        assert figure.count == listed == len(moments[figure.month]), figure.month
    reached = drilldown_initiatives(executive, ALL, InitiativeCriteria(reached_ready=True))
    assert reached.count() == time.count == 6


@pytest.mark.django_db
def test_a_planned_session_is_past_only_once_its_start_has_passed(users):
    now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    initiative = Initiative.objects.create(title="S", sponsor=users["sponsor"], status="in_review")
    slots = [
        (now - timedelta(seconds=1), "planned"),
        (now, "planned"),
        (now + timedelta(seconds=1), "planned"),
        (now - timedelta(days=1), "held"),
        (now - timedelta(days=2), "cancelled"),
    ]
    dashboard_fixture._sessions(initiative, users, slots)
    executive = users["executive"]
    health = partnership_health(dashboard_initiatives(executive, ALL), now=now)
    figures = {
        "held": health.sessions_held,
        "planned_past": health.sessions_planned_past,
        "cancelled": health.sessions_cancelled,
    }
    assert figures == {"held": 1, "planned_past": 1, "cancelled": 1}
    for state, count in figures.items():
        assert drilldown_sessions(executive, ALL, state, now=now).count() == count, state
    [past] = drilldown_sessions(executive, ALL, "planned_past", now=now)
    assert past.starts_at == now - timedelta(seconds=1)
    every = drilldown_sessions(executive, ALL, "unknown", now=now)
    assert [s.starts_at for s in every] == sorted((at for at, _ in slots), reverse=True)
    assert health.sessions_share == 0.5


# --- Reading the criteria from a link ---------------------------------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"ready_month": "2026-03"}, InitiativeCriteria(ready_month="2026-03")),
        ({"ready_month": "2026-3"}, InitiativeCriteria()),
        ({"ready_month": "2026/03"}, InitiativeCriteria()),
        ({"ready_month": "20260-3"}, InitiativeCriteria()),
        ({"ready_month": "２０２６-03"}, InitiativeCriteria()),  # digits, but not ASCII
        ({"ready_month": "2026-0x"}, InitiativeCriteria()),
        ({"ready_month": "2026-033"}, InitiativeCriteria()),
        ({"risk": "blocked", "involvement": "late"}, InitiativeCriteria("blocked", "late")),
        ({"risk": "doomed", "involvement": "never"}, InitiativeCriteria()),
        ({"reached_ready": "1"}, InitiativeCriteria(reached_ready=True)),
        ({"reached_ready": "yes"}, InitiativeCriteria()),
        ({"area": "vendor", "band": "ready"}, InitiativeCriteria(area="vendor", band="ready")),
        ({"area": "weather", "band": "great"}, InitiativeCriteria()),
        ({"vendor_before_it": "1"}, InitiativeCriteria(vendor_before_it=True)),
        ({"vendor_before_it": "true"}, InitiativeCriteria()),
        (
            QueryDict("risk=at_risk&band=none&area=ai_act"),
            InitiativeCriteria("at_risk", band="none"),
        ),
    ],
)
def test_initiative_criteria_from_a_link(params, expected):
    assert InitiativeCriteria.from_params(params) == expected


@pytest.mark.parametrize(
    "criteria, words",
    [
        (InitiativeCriteria(), []),
        (InitiativeCriteria(risk="at_risk"), ["risk: At risk"]),
        (InitiativeCriteria(involvement="early"), ["IT involved in idea or design"]),
        (InitiativeCriteria(involvement="late"), ["IT involved after vendor selection or design"]),
        (InitiativeCriteria(involvement="involved"), ["IT involved"]),
        (InitiativeCriteria(ready_month="2026-02"), ["ready for build in 2026-02"]),
        (InitiativeCriteria(reached_ready=True), ["reached ready for build"]),
        (InitiativeCriteria(vendor_before_it=True), ["vendor selected before IT assessment"]),
        (
            InitiativeCriteria(area="vendor", band="none"),
            ["Vendor lock-in & survivability not assessed"],
        ),
        (
            InitiativeCriteria(area="security", band="medium"),
            ["Security & data exposure readiness 25–49"],
        ),
        (InitiativeCriteria(area="security"), []),  # an area alone narrows nothing
    ],
)
def test_initiative_criteria_in_words(criteria, words):
    assert criteria.describe() == words


@pytest.mark.parametrize(
    "params, expected, words",
    [
        ({"state": "blocking"}, DesignInputCriteria(state="blocking"), ["open, high severity"]),
        ({"state": "open"}, DesignInputCriteria(state="open"), ["open"]),
        (
            {"state": "incorporated"},
            DesignInputCriteria(state="incorporated"),
            ["incorporated into the design"],
        ),
        ({"state": "lost", "area": "x", "initiative": "y"}, DesignInputCriteria(), []),
        (
            {"area": "security", "initiative": "7"},
            DesignInputCriteria(area="security", initiative=7),
            ["Security & data exposure"],
        ),
        (
            {"route": "taken", "state": "open"},
            DesignInputCriteria(state="open", route_taken=True),
            ["open", "raised for a working session instead of an escalation"],
        ),
        ({"route": "declined"}, DesignInputCriteria(), []),
    ],
)
def test_design_input_criteria_from_a_link(params, expected, words):
    criteria = DesignInputCriteria.from_params(params)
    assert criteria == expected
    assert criteria.describe() == words


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state, titles",
    [
        ("blocking", ["D: vendor lock-in", "C: model approval", "D: camera data leaves plant"]),
        (
            "open",
            [
                "D: vendor lock-in",
                "C: model approval",
                "C: peak load",
                "D: camera data leaves plant",
            ],
        ),
        ("risk_accepted", ["D: latency accepted"]),
        ("withdrawn", ["B: exit clause"]),
    ],
)
def test_design_input_lists_by_state_oldest_first(portfolio, users, state, titles):
    listed = drilldown_design_inputs(users["executive"], ALL, DesignInputCriteria(state=state))
    assert [d.title for d in listed] == titles


@pytest.mark.django_db
def test_involvement_lists_match_the_figures(portfolio, users):
    executive = users["executive"]
    health = partnership_health(dashboard_initiatives(executive, ALL), now=NOW)
    for involvement, expected in [
        ("early", health.early),
        ("late", health.late),
        ("involved", health.involved),
    ]:
        listed = drilldown_initiatives(executive, ALL, InitiativeCriteria(involvement=involvement))
        assert listed.count() == expected, involvement
    late = drilldown_initiatives(executive, ALL, InitiativeCriteria(involvement="late"))
    assert [i.pk for i in late] == [portfolio.b.pk]


@pytest.mark.django_db
def test_risk_lists_leave_drafts_out_like_the_funnel(portfolio, users):
    executive = users["executive"]
    Initiative.objects.filter(pk=portfolio.e.pk).update(risk_level="blocked")  # a stale value
    counts = funnel(dashboard_initiatives(executive, ALL)).by_risk
    for risk, count in counts.items():
        listed = drilldown_initiatives(executive, ALL, InitiativeCriteria(risk=risk))
        assert listed.count() == count, risk
    assert counts["blocked"] == 1


# --- Property: every figure of the page has as many rows behind its link ----------------------

PHASES, STATUSES, RISKS = Phase.values, Status.values, RiskLevel.values
AREA_VALUES = [a.value for a in AREAS]

an_initiative = st.fixed_dictionaries(
    {
        "site": st.integers(0, 1),
        "unit": st.integers(0, 1),
        "phase": st.sampled_from(PHASES),
        "status": st.sampled_from(STATUSES),
        "risk": st.sampled_from(RISKS),
        "involved": st.sampled_from(["", *PHASES]),
        "ready_days_ago": st.none() | st.integers(0, 400),
        "readiness": st.lists(
            st.none() | st.sampled_from(EDGES) | st.integers(0, 100),
            min_size=len(AREA_VALUES),
            max_size=len(AREA_VALUES),
        ),
        "inputs": st.lists(
            st.tuples(
                st.sampled_from(DesignInputStatus.values),
                st.sampled_from(Severity.values),
                st.sampled_from(AREA_VALUES),
            ),
            max_size=3,
        ),
        # One session per slot (the database's `one_session_per_slot`): distinct hours.
        "sessions": st.lists(
            st.tuples(st.sampled_from(SessionStatus.values), st.integers(-240, 240)),
            max_size=3,
            # One occurrence per slot, as the series' unique (series, scheduled_for) demands.
            unique_by=lambda session: session[1],
        ),
        "escalations": st.integers(0, 2),
        # Escalations after the partnership route was offered, concerns raised instead.
        "escalations_after_offer": st.integers(0, 2),
        "route_taken": st.integers(0, 2),
        # Vendor selections: True = before IT scored the vendor.
        "vendor_selections": st.lists(st.booleans(), max_size=2),
    }
)
some_filters = st.fixed_dictionaries(
    {
        "site": st.none() | st.integers(0, 1),
        "business_unit": st.none() | st.integers(0, 1),
        "phase": st.sampled_from(["", *PHASES]),
        "status": st.sampled_from(["", *STATUSES]),
    }
)


def _build(users, sites, units, spec) -> None:
    now = timezone.now()
    ready = None if spec["ready_days_ago"] is None else now - timedelta(days=spec["ready_days_ago"])
    initiative = Initiative.objects.create(
        title="Generated",
        sponsor=users["sponsor"],
        site=sites[spec["site"]],
        business_unit=units[spec["unit"]],
        phase=spec["phase"],
        status=spec["status"],
        risk_level=spec["risk"],
        phase_at_it_involvement=spec["involved"],
        submitted_at=None if ready is None else ready - timedelta(days=30),
        ready_for_build_at=ready,
    )
    for area, value in zip(AREA_VALUES, spec["readiness"], strict=True):
        if value is not None or area == "governance":  # governance: assessed, no readiness
            # Started (in progress), or not: a not-started one is "not assessed" whatever its
            # stored readiness, in the heat map and in the lists alike.
            ConcernAssessment.objects.create(
                initiative=initiative,
                area=area,
                readiness=value,
                status="not_started" if area == "explainability" else "in_progress",
            )
    for status, severity, area in spec["inputs"]:
        DesignInput.objects.create(
            initiative=initiative,
            area=area,
            title="x",
            severity=severity,
            status=status,
            raised_by=users["reviewer"],
            accepted_by=users["executive"] if status == DesignInputStatus.RISK_ACCEPTED else None,
        )
    if spec["sessions"]:
        slots = [(now + timedelta(hours=h), status) for status, h in spec["sessions"]]
        dashboard_fixture._sessions(initiative, users, slots)
    for _ in range(spec["escalations"]):
        Decision.objects.create(
            initiative=initiative, kind="escalation", summary="x", decided_by=users["executive"]
        )
    for _ in range(spec["escalations_after_offer"]):
        Decision.objects.create(
            initiative=initiative,
            kind="escalation",
            summary="x",
            decided_by=users["sponsor"],
            partnership_offered=True,
            discussed_in_session="no",
        )
    for _ in range(spec["route_taken"]):
        DesignInput.objects.create(
            initiative=initiative,
            area="security",
            title="concern",
            raised_by=users["sponsor"],
            instead_of_escalation=True,
        )
    for before in spec["vendor_selections"]:
        vendor_selection(initiative, users["sponsor"], before_it=before)


def listed_behind(user, href: str) -> int:
    """How many rows the list behind a link holds, read the way its view reads the link."""
    url = urlsplit(href)
    params = QueryDict(url.query)
    filters = DashboardFilters.from_params(params)
    name = resolve(url.path).url_name
    if name == "initiatives":
        criteria = InitiativeCriteria.from_params(params)
        return drilldown_initiatives(user, filters, criteria).count()
    if name == "design-inputs":
        criteria = DesignInputCriteria.from_params(params)
        return drilldown_design_inputs(user, filters, criteria).count()
    if name == "escalations":
        after_offer = params.get("route") == "declined"
        return drilldown_escalations(user, filters, after_offer=after_offer).count()
    assert name == "sessions", href
    return drilldown_sessions(user, filters, params["state"]).count()


@pytest.mark.django_db
@given(portfolio=st.lists(an_initiative, max_size=5), chosen=some_filters)
def test_every_figure_has_as_many_rows_behind_its_link(users, portfolio, chosen):
    sites = [factories.SiteFactory(name=f"Site {n}") for n in range(2)]
    units = [factories.BusinessUnitFactory(name=f"Unit {n}") for n in range(2)]
    executive = users["executive"]
    with rolled_back():
        for spec in portfolio:
            _build(users, sites, units, spec)
        filters = DashboardFilters(
            site=None if chosen["site"] is None else sites[chosen["site"]].pk,
            business_unit=None
            if chosen["business_unit"] is None
            else units[chosen["business_unit"]].pk,
            phase=chosen["phase"],
            status=chosen["status"],
        )
        data = all_figures(executive, filters)
        page = "".join(build_charts(data).values())
        checked = 0
        charts = (
            "phase",
            "status",
            "risk",
            "early",
            "vendor_before_it",
            "escalations",
            "partnership_route",
            "sessions",
        )
        for chart in charts:
            for key, (value, href) in bars(page, f"chart-{chart}").items():
                if href:
                    assert listed_behind(executive, href) == int(value), (chart, key, href)
                else:  # a bar the filters exclude
                    assert value == "0" and getattr(filters, chart) not in ("", key), (chart, key)
                checked += 1
        assert checked == len(PHASES) + len(STATUSES) + len(RISKS) + 2 + 1 + 2 + 2 + 3
        for month in data.time.by_month:
            _, href = bars(page, "chart-trend")[month.month]
            assert listed_behind(executive, href) == month.count, month.month
        # The heat map's colours against the band lists, over the whole filtered portfolio.
        rows = portfolio_rows(dashboard_initiatives(executive, filters))
        for area in AREA_VALUES:
            for band in READINESS_BANDS:
                coloured = sum(1 for r in rows if readiness_band(r.readiness[area]) == band)
                href = list_url("initiatives", filters, area=area, band=band)
                assert listed_behind(executive, href) == coloured, (area, band)
        blockers_href = list_url("design-inputs", filters, state="blocking")
        assert listed_behind(executive, blockers_href) == data.blockers.total


# --- The lists of issue 15's figures, and the edges of the month lists -------------------------


@pytest.mark.django_db
def test_ready_without_a_submission_date_is_in_no_month_and_not_counted_as_reached(users):
    """The partnership time needs both dates; an initiative marked ready without a submission
    (an import) is left out of the month's list as it is left out of the figure."""
    counted = Initiative.objects.create(
        title="Counted",
        sponsor=users["sponsor"],
        submitted_at=local(2026, 2, 1),
        ready_for_build_at=local(2026, 2, 10),
    )
    Initiative.objects.create(
        title="Never submitted", sponsor=users["sponsor"], ready_for_build_at=local(2026, 2, 11)
    )
    executive = users["executive"]
    time = partnership_time(
        dashboard_initiatives(executive, ALL), months=1, today=date(2026, 2, 15)
    )
    assert [(m.month, m.count) for m in time.by_month] == [("2026-02", 1)]
    for criteria in (
        InitiativeCriteria(ready_month="2026-02"),
        InitiativeCriteria(reached_ready=True),
    ):
        assert list(drilldown_initiatives(executive, ALL, criteria)) == [counted], criteria


@pytest.mark.django_db
def test_the_month_list_follows_the_active_time_zone_like_the_figure(users):
    # Just past midnight on 1 February in Tokyo is still 31 January in Berlin.
    tokyo = ZoneInfo("Asia/Tokyo")
    ready = datetime(2026, 2, 1, 0, 30, tzinfo=tokyo)
    made = Initiative.objects.create(
        title="Tokyo",
        sponsor=users["sponsor"],
        submitted_at=ready - timedelta(days=3),
        ready_for_build_at=ready,
    )
    executive = users["executive"]
    with timezone.override(tokyo):
        time = partnership_time(
            dashboard_initiatives(executive, ALL), months=2, today=date(2026, 2, 15)
        )
        assert [(m.month, m.count) for m in time.by_month] == [("2026-01", 0), ("2026-02", 1)]
        february = drilldown_initiatives(executive, ALL, InitiativeCriteria(ready_month="2026-02"))
        january = drilldown_initiatives(executive, ALL, InitiativeCriteria(ready_month="2026-01"))
        assert (list(february), list(january)) == ([made], [])


@pytest.mark.django_db
def test_vendor_before_it_lists_each_initiative_once(portfolio, users):
    for before, initiative in [(True, portfolio.b), (True, portfolio.b), (False, portfolio.a)]:
        vendor_selection(initiative, users["sponsor"], before_it=before)
    listed = drilldown_initiatives(
        users["executive"], ALL, InitiativeCriteria(vendor_before_it=True)
    )
    assert list(listed) == [portfolio.b]


@pytest.mark.django_db
def test_route_taken_and_escalations_after_the_offer(portfolio, users):
    executive = users["executive"]
    for initiative in (portfolio.d, portfolio.c):
        DesignInput.objects.create(
            initiative=initiative,
            area="security",
            title=f"{initiative.title[0]}: raised instead",
            raised_by=users["sponsor"],
            instead_of_escalation=True,
        )
    offered = Decision.objects.create(
        initiative=portfolio.d,
        kind="escalation",
        summary="after the offer",
        decided_by=users["sponsor"],
        partnership_offered=True,
        discussed_in_session="no",
    )
    route = drilldown_design_inputs(executive, ALL, DesignInputCriteria(route_taken=True))
    assert [d.title for d in route] == ["D: raised instead", "C: raised instead"]
    at_s2_security = drilldown_design_inputs(
        executive,
        DashboardFilters(site=portfolio.s2.pk),
        DesignInputCriteria(route_taken=True, area="security", initiative=portfolio.c.pk),
    )
    assert [d.title for d in at_s2_security] == ["C: raised instead"]
    assert list(drilldown_escalations(executive, ALL, after_offer=True)) == [offered]
    assert drilldown_escalations(executive, ALL).count() == 3


@pytest.mark.django_db
def test_an_area_or_a_band_alone_does_not_narrow_the_list(portfolio, users):
    executive = users["executive"]
    for criteria in (InitiativeCriteria(area="security"), InitiativeCriteria(band="low")):
        assert drilldown_initiatives(executive, ALL, criteria).count() == 5, criteria
