"""Every list of the API comes a page at a time: each viewset registered on the router and
each list outside it answers `count`, `next`, `previous` and `results`, and `page_size`
is honoured (a portfolio's worth of rows never comes in one answer)."""

import pytest
from django.urls import NoReverseMatch, reverse

from core.api import PageNumberPagination
from harmony_portal.api_urls import router
from tests import factories

pytestmark = pytest.mark.django_db

# Answers that are not lists of rows: figures, a capped picker, the coverage matrix of the
# framework catalogue (its rows are the catalogue's references, not the portfolio's).
NOT_LISTS = {
    "api-dashboard": "the dashboard's figures (its portfolio table is paged inside)",
    "api-coverage": "one row per framework reference of the catalogue",
    "api-people": "the people pickers: at most 20 matches by name",
}
# Lists outside the router, with what must be paged.
OTHER_LISTS = ["api-my-work"]


def _list_urls() -> list[tuple[str, str]]:
    urls = []
    for prefix, viewset, basename in router.registry:
        try:
            urls.append((prefix, reverse(f"{basename}-list")))
        except NoReverseMatch:
            # No list route (detail only): nothing to page.
            assert not hasattr(viewset, "list"), prefix
    return urls + [(name, reverse(name)) for name in OTHER_LISTS]


def test_every_list_view_has_a_pagination_class():
    for prefix, viewset, _ in router.registry:
        if hasattr(viewset, "list"):
            assert issubclass(viewset.pagination_class, PageNumberPagination), prefix
    from governance.work.api import MyWorkView

    assert issubclass(MyWorkView.pagination_class, PageNumberPagination)


def test_every_list_answers_a_page(users, api_as):
    sponsor = users["sponsor"]
    initiative = factories.in_review_initiative(
        sponsor=sponsor, it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    urls = _list_urls()
    assert len(urls) >= 25
    for role in ("it_lead", "sponsor", "admin"):
        api = api_as(role)
        for name, url in urls:
            response = api.get(url, {"page_size": 1})
            if response.status_code in (400, 403):  # a required filter, or not this role's
                continue
            assert response.status_code == 200, (role, name, response.status_code)
            body = response.json()
            assert isinstance(body, dict), (role, name)
            assert {"count", "next", "previous", "results"} <= set(body), (role, name)
            assert len(body["results"]) <= 1, (role, name)
            assert (body["next"] is not None) == (body["count"] > 1), (role, name)
    # Not vacuous: these have more than one row here, and say where the next page is.
    it_lead = api_as("it_lead")
    for url in ("/api/assessments/", "/api/design-inputs/", "/api/my-work/"):
        api = api_as("sponsor") if url == "/api/my-work/" else it_lead
        assert api.get(url, {"page_size": 1}).json()["next"], url


def test_the_lists_left_unpaged_are_not_lists_of_rows(api_as):
    """Everything under /api/ that is a GET without an id is either paged (above) or one of
    the few answers that are not a growing list."""
    from harmony_portal import api_urls

    names = {p.name for p in api_urls.urlpatterns if getattr(p, "name", None)}
    plain = names - {"api-token", "api-me", "api-schema", "api-docs", "api-redoc"}
    assert plain == set(NOT_LISTS) | set(OTHER_LISTS)
    people = api_as("it_lead").get(reverse("api-people")).json()
    assert isinstance(people, list) and len(people) <= 20


class TestCappedCount:
    """Above LIST_COUNT_CAP rows a list stops counting: `count_capped` says so, and `next`
    still walks every row exactly once to the end, where the exact count is known again."""

    def _inputs(self, users, n):
        initiative = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        return {
            factories.design_input(initiative=initiative, raised_by=users["reviewer"]).pk
            for _ in range(n)
        }

    def test_under_the_cap_the_count_is_exact(self, users, api_as, settings):
        settings.LIST_COUNT_CAP = 10
        made = self._inputs(users, 5)
        body = api_as("it_lead").get("/api/design-inputs/", {"page_size": 2}).json()
        assert body["count"] == 5 and body["count_capped"] is False
        assert {r["id"] for r in body["results"]} <= made

    def test_above_the_cap_pages_walk_every_row_once(self, users, api_as, settings):
        settings.LIST_COUNT_CAP = 3
        made = self._inputs(users, 7)
        api = api_as("it_lead")
        url, seen, answers = "/api/design-inputs/?page_size=2", [], []
        while url:
            body = api.get(url).json()
            answers.append(body)
            seen += [r["id"] for r in body["results"]]
            url = body["next"]
        assert sorted(seen) == sorted(made)  # every row, none twice
        assert len(answers) == 4
        # Pages before the end: the count stopped at the cap and says so.
        assert [(a["count"], a["count_capped"]) for a in answers[:3]] == [(3, True)] * 3
        # The last page knows how many there are.
        assert (answers[-1]["count"], answers[-1]["count_capped"]) == (7, False)
        assert answers[-1]["previous"]

    def test_a_page_beyond_the_end_is_404_and_last_counts_exactly(self, users, api_as, settings):
        settings.LIST_COUNT_CAP = 3
        self._inputs(users, 7)
        api = api_as("it_lead")
        assert api.get("/api/design-inputs/", {"page_size": 2, "page": 9}).status_code == 404
        assert api.get("/api/design-inputs/", {"page_size": 2, "page": "x"}).status_code == 404
        last = api.get("/api/design-inputs/", {"page_size": 2, "page": "last"}).json()
        assert (last["count"], last["count_capped"], len(last["results"])) == (7, False, 1)
        assert last["next"] is None

    def test_the_capped_count_reads_no_more_than_the_cap(self, users, api_as, settings):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        settings.LIST_COUNT_CAP = 3
        self._inputs(users, 7)
        with CaptureQueriesContext(connection) as queries:
            api_as("it_lead").get("/api/design-inputs/", {"page_size": 2})
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert counts and all("LIMIT 4" in sql for sql in counts), counts

    def test_the_schema_names_count_capped(self, api_as):
        schema = api_as("it_lead").get("/api/schema/", {"format": "json"}).json()
        paged = schema["components"]["schemas"]["PaginatedDesignInputList"]
        assert "count_capped" in paged["required"]
        assert paged["properties"]["count_capped"]["type"] == "boolean"
