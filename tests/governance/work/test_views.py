"""The *My work* page, its navigation count, the initiative page's panel and the sponsor's
*Next step* column: one selector, same content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    return factories.design_input(
        initiative=initiative, raised_by=users["reviewer"], severity="high", title="Encrypt"
    )


def test_page_nav_count_next_step_and_initiative_panel_agree(client, users, finding):
    client.force_login(users["sponsor"])
    html = client.get(reverse("work:mine")).content.decode()
    assert "Answer the design input: Encrypt</a>" in html
    assert 'id="my-work-count">1<' in html
    mine = client.get(reverse("initiatives:mine")).content.decode()
    assert 'class="fw-medium next-step"' in mine and "With IT" not in mine
    page = client.get(finding.initiative.get_absolute_url()).content.decode()
    panel = page.index('id="yours-to-do"')
    assert panel < page.index('id="assessments"')  # first, above the answers
    assert "Encrypt" in page[panel : panel + 2000]
    client.force_login(users["other_sponsor"])
    html = client.get(reverse("work:mine")).content.decode()
    assert "Encrypt" not in html and 'id="my-work-empty"' in html
    page = client.get(finding.initiative.get_absolute_url()).content.decode()
    assert 'id="yours-to-do"' not in page


def test_api_gives_the_same_items(users, finding, api_as):
    data = api_as("sponsor").get("/api/my-work/").json()
    assert [(i["kind"], i["title"], i["severity"]) for i in data["results"]] == [
        ("answer_input", "Encrypt", "high")
    ]
    assert data["count"] == 1 and data["next"] is None
    assert api_as("other_sponsor").get("/api/my-work/").json()["results"] == []
    assert api_as("anonymous").get("/api/my-work/").status_code in (401, 403)


def test_home_pages_show_the_summary(client, users, finding):
    client.force_login(users["reviewer"])
    finding.initiative.refresh_from_db()
    queue = client.get(reverse("reviews:queue")).content.decode()
    assert 'id="my-work-summary"' in queue and "Complete the assessment" in queue


def test_page_queries_do_not_grow_with_initiatives(client, users, finding):
    client.force_login(users["sponsor"])
    client.get(reverse("work:mine"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("work:mine"))
    for _ in range(3):
        i = factories.in_review_initiative(sponsor=users["sponsor"])
        factories.design_input(initiative=i, raised_by=users["it_lead"])
    with CaptureQueriesContext(connection) as large:
        html = client.get(reverse("work:mine")).content.decode()
    assert html.count('class="list-group-item') >= 4
    assert len(large) == len(small)


def test_api_items_are_what_the_serializer_would_give(users, finding):
    """The API builds its items without the serializer's field machinery (speed); they must
    stay exactly what `WorkItemSerializer` gives, dates and time zone included."""
    import datetime

    from governance.work.api import WorkItemSerializer, represent
    from governance.work.selectors import work_of

    factories.design_input(
        initiative=finding.initiative,
        raised_by=users["reviewer"],
        due_date=datetime.date(2026, 1, 2),
    )
    factories.working_series(
        initiative=finding.initiative, user=users["sponsor"], participants=[users["reviewer"]]
    )
    items = [i for u in ("sponsor", "reviewer") for i in work_of(users[u])]
    assert {"answer_input", "assess", "attend_session"} <= {i.kind for i in items}
    assert any(i.due is not None for i in items) and any(i.due is None for i in items)
    for item in items:
        assert represent(item) == WorkItemSerializer(item).data


def test_the_list_is_paged_page_and_api_alike(client, users, finding, api_as, monkeypatch):
    """A reviewer with hundreds of items pages through them; each page is the next slice of
    the one list, and the navigation's count is all of them."""
    from governance.work import views
    from governance.work.selectors import work_of

    for severity in ("low", "medium", "high"):
        factories.design_input(
            initiative=finding.initiative, raised_by=users["it_lead"], severity=severity
        )
    items = work_of(users["sponsor"])
    assert len(items) == 4
    api = api_as("sponsor")
    first = api.get("/api/my-work/", {"page_size": 3}).json()
    second = api.get(first["next"]).json()
    assert first["count"] == 4 and second["next"] is None
    titles = [i["title"] for i in first["results"] + second["results"]]
    assert titles == [i.title for i in items]
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(users["sponsor"])
    html = client.get(reverse("work:mine"), {"page": 2}).content.decode()
    assert items[3].title in html and items[0].title not in html.split('id="my-work"')[1]
    assert "Page 2 of 2 · 4 in all" in html and 'id="my-work-count">4<' in html
