"""`/api/design-inputs/`: the lifecycle actions per role, filters, rights loaded once per page."""

import pytest

from reviews.models import DesignInput
from tests import factories
from tests.conftest import api

pytestmark = pytest.mark.django_db


def test_design_input_lifecycle_over_the_api(users, reviewed):
    reviewer = api(users["reviewer"])
    created = reviewer.post(
        "/api/design-inputs/",
        {
            "initiative": reviewed.pk,
            "area": "security",
            "title": "Data residency",
            "severity": "high",
            "owner": "sponsor",
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert created.data["allowed_actions"] == ["propose", "withdraw"]
    bad = reviewer.post(
        "/api/design-inputs/",
        {"initiative": reviewed.pk, "area": "weather", "title": "", "severity": "huge"},
        format="json",
    )
    assert bad.status_code == 400 and {"area", "title", "severity"} <= set(bad.data["errors"])
    assert (
        api(users["sponsor"])
        .post(
            "/api/design-inputs/",
            {"initiative": reviewed.pk, "area": "security", "title": "x"},
            format="json",
        )
        .status_code
        == 403
    )

    sponsor = api(users["sponsor"])
    assert sponsor.post(f"/api/design-inputs/{pk}/withdraw/", {"text": "no"}).status_code == 403
    no_text = sponsor.post(f"/api/design-inputs/{pk}/incorporate/", {"text": ""})
    assert no_text.status_code == 400
    done = sponsor.post(f"/api/design-inputs/{pk}/incorporate/", {"text": "EU only", "version": 1})
    assert done.status_code == 200 and done.data["status"] == "incorporated"
    again = sponsor.post(f"/api/design-inputs/{pk}/propose/", {"text": "x"})
    assert again.status_code == 409
    stale = reviewer.post(f"/api/design-inputs/{pk}/confirm/", {"version": 1})
    assert stale.status_code == 412
    confirmed = reviewer.post(f"/api/design-inputs/{pk}/confirm/", {"version": 2})
    assert confirmed.data["confirmed_by"] == "reviewer"
    assert reviewer.post(f"/api/design-inputs/{pk}/confirm/").status_code == 409
    reopened = reviewer.post(f"/api/design-inputs/{pk}/reopen/", {"text": "Regressed"})
    assert reopened.data["status"] == "raised"
    accept = api(users["it_lead"]).post(
        f"/api/design-inputs/{pk}/accept-risk/",
        {"text": "Steering decision", "accepted_by": "executive"},
    )
    assert accept.status_code == 200 and accept.data["accepted_by"] == "executive"
    version = reviewer.get(f"/api/design-inputs/{pk}/")["ETag"]
    edit = reviewer.patch(
        f"/api/design-inputs/{pk}/", {"severity": "low"}, format="json", HTTP_IF_MATCH=version
    )
    assert edit.status_code == 200 and edit.data["severity"] == "low"
    assert DesignInput.objects.get().version == edit.data["version"]


def test_filter_design_inputs(users, reviewed):
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], severity="high")
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], severity="low")
    rows = api(users["reviewer"]).get("/api/design-inputs/?severity=high&status=raised")
    assert rows.data["count"] == 1


@pytest.mark.django_db
def test_design_input_list_checks_rights_in_one_query_whatever_the_page_size(client, users):
    """Each row lists the caller's allowed actions; rights load once per page, not per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def listing() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/design-inputs/")
        assert response.status_code == 200
        assert all("allowed_actions" in row for row in response.data["results"])
        return len(ctx)

    client.force_login(users["reviewer"])
    for _ in range(2):
        initiative = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    small = listing()
    for _ in range(6):
        initiative = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    assert listing() == small
