"""*My initiatives* a page at a time: a sponsor with more initiatives than a page pages
through them (page and API), in a number of queries that does not grow with them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import views
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(users, monkeypatch):
    """Five initiatives of the sponsor (one co-sponsored, one submitted), pages of two."""
    monkeypatch.setattr(views, "MY_INITIATIVES_PAGE_SIZE", 2)
    own = [factories.draft_initiative(sponsor=users["sponsor"]) for _ in range(3)]
    shared = factories.draft_initiative(
        sponsor=users["other_sponsor"], co_sponsors=[users["sponsor"]]
    )
    submitted = factories.submitted_initiative(sponsor=users["sponsor"])
    factories.draft_initiative(sponsor=users["other_sponsor"], title="Not mine")
    return [*own, shared, submitted]


def _references(html: str) -> list[str]:
    return re.findall(r'fw-medium text-decoration-none" href="/initiatives/\d+/">(AI-\d+)', html)


def test_pages_hold_every_own_initiative_once(client, users, many):
    client.force_login(users["sponsor"])
    pages = [client.get("/initiatives/mine/", {"page": n}) for n in (1, 2, 3)]
    shown = [_references(p.content.decode()) for p in pages]
    assert [len(rows) for rows in shown] == [2, 2, 1]
    assert sorted(r for rows in shown for r in rows) == sorted(i.reference for i in many)
    first = pages[0].content.decode()
    assert "Page 1 of 3 · 5 in all" in first and "page=2" in first
    assert "Not mine" not in "".join(p.content.decode() for p in pages)
    # Past the last page: the last page, not an error.
    assert _references(client.get("/initiatives/mine/", {"page": 9}).content.decode()) == (shown[2])


def test_queries_do_not_grow_with_the_sponsors_initiatives(client, users, many):
    client.force_login(users["sponsor"])
    client.get("/initiatives/mine/")
    with CaptureQueriesContext(connection) as few:
        client.get("/initiatives/mine/")
    for _ in range(4):
        factories.draft_initiative(sponsor=users["sponsor"])
        factories.submitted_initiative(sponsor=users["sponsor"])
    with CaptureQueriesContext(connection) as more:
        html = client.get("/initiatives/mine/").content.decode()
    assert "13 in all" in html
    assert len(more) == len(few)


def test_the_api_pages_my_initiatives(users, many, api_as):
    api = api_as("sponsor")
    first = api.get("/api/initiatives/", {"mine": "true", "page_size": 2}).json()
    assert first["count"] == 5 and first["next"]
    rows = list(first["results"])
    url = first["next"]
    while url:
        page = api.get(url).json()
        rows += page["results"]
        url = page["next"]
    assert sorted(r["id"] for r in rows) == sorted(i.pk for i in many)
    # Without `mine` the sponsor sees more than their own (submitted ones of other teams).
    assert api.get("/api/initiatives/", {"mine": "false"}).json()["count"] >= 5
    assert api_as("other_sponsor").get("/api/initiatives/", {"mine": "true"}).json()["count"] == 2
    bad = api.get("/api/initiatives/", {"mine": "perhaps"})
    assert bad.status_code == 400 and "mine" in bad.json()["errors"]
