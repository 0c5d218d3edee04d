"""`/api/review-assignments/`: IT leads assign reviewers, others are refused."""

import pytest

from initiatives.models import Status
from reviews.models import ReviewAssignment
from tests import factories
from tests.conftest import api

pytestmark = pytest.mark.django_db


def test_lead_assigns_reviewers_others_are_refused(users):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    body = {"initiative": initiative.pk, "reviewer": "reviewer", "concern_area": ""}
    assert api(users["reviewer"]).post("/api/review-assignments/", body).status_code == 403
    response = api(users["it_lead"]).post("/api/review-assignments/", body, format="json")
    assert response.status_code == 201, response.data
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_REVIEW
    bad = api(users["it_lead"]).post(
        "/api/review-assignments/",
        {"initiative": initiative.pk, "reviewer": "sponsor"},
        format="json",
    )
    assert bad.status_code == 400 and "not an IT reviewer" in bad.data["detail"]
    unknown = api(users["it_lead"]).post(
        "/api/review-assignments/",
        {"initiative": initiative.pk, "reviewer": "ghost", "concern_area": "nope"},
        format="json",
    )
    assert unknown.status_code == 400
    assert set(unknown.data["errors"]) == {"reviewer", "concern_area"}
    assignment = ReviewAssignment.objects.get()
    assert (
        api(users["reviewer"]).delete(f"/api/review-assignments/{assignment.pk}/").status_code
        == 403
    )
    assert (
        api(users["it_lead"]).delete(f"/api/review-assignments/{assignment.pk}/").status_code == 204
    )
