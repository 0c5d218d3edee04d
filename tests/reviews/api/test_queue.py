"""`/api/review-queue/`: the caller's queue, its tab counts and its filters."""

import pytest

from tests import factories
from tests.conftest import api

pytestmark = pytest.mark.django_db


def test_queue_api_counts(users, reviewed):
    factories.submitted_initiative(sponsor=users["other_sponsor"])
    lead = api(users["it_lead"]).get("/api/review-queue/?tab=new")
    assert lead.data["counts"]["all"] == 2 and lead.data["count"] == lead.data["counts"]["new"]
    mine = api(users["reviewer"]).get("/api/review-queue/")
    assert [r["id"] for r in mine.data["results"]] == [reviewed.pk]
    assert api(users["sponsor"]).get("/api/review-queue/").data["count"] == 0


@pytest.mark.parametrize(
    "query, field",
    [
        ("site=99999999999999999999", "site"),  # SQLite cannot compare it: was a 500
        ("site=%C2%B2", "site"),  # "²".isdigit() but int("²") fails: was a 500
        ("tab=later", "tab"),
        ("concern=weather", "concern"),
        ("status=draft", "status"),
    ],
)
def test_queue_api_refuses_bad_filters_with_field_messages(users, reviewed, query, field):
    response = api(users["it_lead"]).get(f"/api/review-queue/?{query}")
    assert response.status_code == 400
    assert set(response.data["errors"]) == {field}
