"""The dashboard's figures from the cache (`governance/dashboard/cache.py`): a second view
reads them without scanning the portfolio, a committed change is seen on the next view, every
filter set and visibility scope has entries of its own, and `DASHBOARD_CACHE_SECONDS=0`
computes them every time. Tests run against Redis (REDIS_URL) like the deployment."""

from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.dashboard import cache as dashboard_cache_module
from governance.dashboard.selectors.figures import all_figures
from governance.dashboard.selectors.filters import DashboardFilters
from governance.risk.services import recompute
from governance.sessions.models import WorkingSession
from initiatives.models import Initiative, VendorCandidate
from reviews.models import DesignInput
from tests.governance.dashboard.conftest import bars, vendor_selection
from tests.governance.dashboard.dashboard_fixture import EXPECTED, at

pytestmark = pytest.mark.django_db

# The queries of the figures a hit spares: the initiatives' counts, the partnership time,
# five of partnership health, the blockers' count and first ten, the five newest escalations.
FIGURE_QUERIES = 10
# The page also keeps its overlaps across sites: the candidates, their integrations (with
# their systems) and vendors.
OVERLAP_QUERIES = 3
# The page's body is kept too: the portfolio's page of rows (the initiatives, their
# assessments and inputs) is not read either.
PAGE_QUERIES = 2


def _version() -> str | None:
    return cache.get(dashboard_cache_module.VERSION_KEY)


def _body(page: str) -> str:
    """The part of the dashboard page that is kept (below the filters)."""
    return page.split('id="kpis"', 1)[1].split("<!-- end of the kept body -->", 1)[0]


def _view(client, url: str, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, len(queries)


def test_a_second_api_read_reads_the_figures_from_the_cache(
    client, portfolio, users, dashboard_cache
):
    client.force_login(users["executive"])
    client.get("/governance/dashboard/")  # sessions, content types: warm
    dashboard_cache_module.invalidate()
    first, cold = _view(client, "/api/dashboard/")
    second, warm = _view(client, "/api/dashboard/")
    assert cold - warm == FIGURE_QUERIES, (cold, warm)
    assert second.json() == first.json()


def test_a_second_view_of_the_page_reads_no_row_and_renders_the_same(
    client, portfolio, users, dashboard_cache
):
    """The page below its filters is kept with the figures: a second view reads neither the
    figures, the overlaps nor the portfolio's rows; the HTML is the same."""
    client.force_login(users["executive"])
    url = "/governance/dashboard/"
    client.get(url)
    dashboard_cache_module.invalidate()
    first, cold = _view(client, url)
    second, warm = _view(client, url)
    assert cold - warm == FIGURE_QUERIES + OVERLAP_QUERIES + PAGE_QUERIES, (cold, warm)
    assert "data" not in second.context  # nothing computed
    page = second.content.decode()
    for chart in ("chart-phase", "chart-status", "chart-risk", "chart-trend"):
        assert bars(page, chart) == bars(first.content.decode(), chart)
    assert 'id="portfolio-count">5<' in page
    assert _body(first.content.decode()) == _body(page)
    # Another sort of the portfolio reads the same figures: only its rows are read, once.
    resorted, queries = _view(client, url, {"sort": "-readiness"})
    assert queries == warm + PAGE_QUERIES
    assert resorted.context["data"].funnel == first.context["data"].funnel
    _, again = _view(client, url, {"sort": "-readiness"})
    assert again == warm


def test_the_page_and_the_api_share_the_entry(client, portfolio, users, dashboard_cache):
    client.force_login(users["executive"])
    client.get("/governance/dashboard/")
    _, after_page = _view(client, "/api/dashboard/")
    dashboard_cache_module.invalidate()
    _, cold = _view(client, "/api/dashboard/")
    assert cold - after_page == FIGURE_QUERIES


def test_an_initiative_reaching_ready_for_build_is_seen_on_the_next_view(
    client, portfolio, users, dashboard_cache, django_capture_on_commit_callbacks
):
    client.force_login(users["executive"])
    before = client.get("/api/dashboard/").json()
    assert before["funnel"]["by_status"]["ready_for_build"] == 3
    assert before["partnership_time"]["count"] == 3
    version = _version()
    d = portfolio.d
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        d.status, d.ready_for_build_at = "ready_for_build", at(3, 19)
        d.save()
        # Not before the commit: a view now would cache the figures without it again.
        assert _version() == version
    assert callbacks and _version() != version
    after = client.get("/api/dashboard/").json()
    assert after["funnel"]["by_status"]["ready_for_build"] == 4
    assert after["funnel"]["by_status"]["in_review"] == 0
    assert after["partnership_time"]["count"] == 4  # D: submitted 1 Mar, ready 19 Mar


@pytest.mark.parametrize(
    "change", ["design input", "decision", "session", "delete", "vendor candidate"]
)
def test_each_input_of_the_figures_invalidates_on_commit(
    portfolio, users, dashboard_cache, django_capture_on_commit_callbacks, change
):
    version = _version()
    with django_capture_on_commit_callbacks(execute=True):
        if change == "design input":
            DesignInput.objects.filter(title="D: vendor lock-in").get().delete()
        elif change == "decision":
            vendor_selection(portfolio.a, users["sponsor"], before_it=True)
        elif change == "session":
            session = WorkingSession.objects.filter(initiative=portfolio.d).first()
            session.status = "cancelled"
            session.save()
        elif change == "vendor candidate":  # the overlaps across sites compare vendors
            VendorCandidate.objects.create(initiative=portfolio.a, name="Acme Vision")
        else:
            Initiative.objects.get(pk=portfolio.e.pk).delete()
    assert _version() != version


def test_a_change_rolled_back_invalidates_nothing(
    portfolio, users, dashboard_cache, django_capture_on_commit_callbacks
):
    from django.db import transaction

    version = _version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Initiative.objects.filter(pk=portfolio.a.pk).get().save()
        transaction.set_rollback(True)
    assert _version() == version


def test_a_risk_level_the_recompute_changes_invalidates(
    portfolio, users, dashboard_cache, django_capture_on_commit_callbacks
):
    recompute([portfolio.d.pk])
    level = Initiative.objects.get(pk=portfolio.d.pk).risk_level
    other = "on_track" if level != "on_track" else "blocked"
    # Written behind the rules' back, as a bulk update does: no model signal.
    Initiative.objects.filter(pk=portfolio.d.pk).update(risk_level=other)
    version = _version()
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute([portfolio.d.pk]) == 1
    assert _version() != version
    version = _version()
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute([portfolio.d.pk]) == 0  # nothing changed: nothing invalidated
    assert _version() == version


def test_a_sponsor_never_gets_the_executives_cached_figures(
    client, portfolio, users, dashboard_cache
):
    """C is confidential to its sponsor's team; the executive's figures count it."""
    executive, outsider = users["executive"], users["other_sponsor"]
    client.force_login(executive)
    assert client.get("/api/dashboard/").json()["funnel"]["total"] == 5
    # Neither the page nor the API serves a sponsor, cached figures or not.
    client.force_login(outsider)
    assert client.get("/governance/dashboard/").status_code == 403
    assert client.get("/api/dashboard/").status_code == 403
    # Reached through the selector, the sponsor gets entries of their own: without C.
    mine = all_figures(outsider, DashboardFilters())
    assert mine.funnel.total == 3  # B and D their own, A; not C, nor E, a draft of another
    assert mine.time.count == 2  # A and B: C's 30 days are not theirs to see
    assert all(row.initiative.pk != portfolio.c.pk for row in mine.rows)
    assert dashboard_cache_module.scope(outsider) == f"user-{outsider.pk}"
    # And every portfolio role shares the executive's entry.
    assert {
        dashboard_cache_module.scope(users[role]) for role in ("executive", "it_lead", "admin")
    } == {"portfolio"}
    assert all_figures(executive, DashboardFilters()).funnel.total == 5


def test_filters_do_not_share_entries(client, portfolio, users, dashboard_cache):
    client.force_login(users["executive"])
    totals = {}
    for _ in range(2):  # the second round from the cache
        for name, params in {
            "all": {},
            "s1": {"site": portfolio.s1.pk},
            "s2": {"site": portfolio.s2.pk},
            "design": {"phase": "design"},
        }.items():
            html = client.get("/governance/dashboard/", params).content.decode()
            page = int(html.split('id="portfolio-count">', 1)[1].split("<", 1)[0])
            api = client.get("/api/dashboard/", params).json()["funnel"]["total"]
            totals.setdefault(name, set()).update({page, api})
    assert totals == {"all": {5}, "s1": {3}, "s2": {2}, "design": {2}}
    assert EXPECTED["by_phase"]["design"] == 2


def test_the_kept_page_is_per_language_and_scope(client, portfolio, users, dashboard_cache):
    """The body kept for one language is not shown in another; a sponsor's view (a scope of
    their own) never gets the portfolio's body, nor the portfolio the sponsor's."""
    client.force_login(users["executive"])
    english = client.get("/governance/dashboard/").content.decode()
    german = client.get("/governance/dashboard/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Initiatives" in _body(english) and "Initiativen" in _body(german)
    again = client.get("/governance/dashboard/").content.decode()
    assert _body(again) == _body(english)
    keys = {
        dashboard_cache_module.key(users[name], DashboardFilters(), "v", "body:en:")
        for name in ("executive", "it_lead", "sponsor", "other_sponsor")
    }
    assert len(keys) == 3  # the portfolio's (executive and IT lead), and each sponsor's


def test_the_time_zone_and_the_day_are_part_of_the_key(users):
    key = dashboard_cache_module.key
    here = key(users["executive"], DashboardFilters(), "v")
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        assert key(users["executive"], DashboardFilters(), "v") != here
    assert timezone.localdate().isoformat() in here
    assert key(users["executive"], DashboardFilters(phase="idea"), "v") != here


def test_zero_seconds_computes_every_view_and_stores_nothing(client, portfolio, users, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    dashboard_cache_module.invalidate()
    client.force_login(users["executive"])
    client.get("/governance/dashboard/")
    _, first = _view(client, "/governance/dashboard/")
    _, second = _view(client, "/governance/dashboard/")
    assert first == second
    entry = dashboard_cache_module.key(users["executive"], DashboardFilters(), _version())
    assert cache.get(entry) is None


def test_an_unreachable_cache_computes_the_figures(client, portfolio, users, settings):
    """With Redis away the cache reads as empty (harmony_portal/cache.py): figures as usual."""
    settings.DASHBOARD_CACHE_SECONDS = 60
    # Django's test signals rebuild the cache handler when CACHES changes.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(users["executive"])
    for _ in range(2):
        data = client.get("/api/dashboard/").json()
        assert data["funnel"]["total"] == 5
        assert data["partnership_time"]["median_days"] == EXPECTED["median_days"]
