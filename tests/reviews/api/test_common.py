"""What the review API's resources share (reviews/api/common.py): reading the initiative a
request is about, from the path or the body, never a 500."""

import pytest

from tests.conftest import api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["vendor-comparisons", "ready-for-build"])
@pytest.mark.parametrize("pk", ["abc", "%C2%B2", "99999999999999999999"])
def test_per_initiative_paths_with_a_non_id_are_404(users, reviewed, path, pk):
    response = api(users["it_lead"]).get(f"/api/{path}/{pk}/")
    assert response.status_code == 404 and response.data["code"] == "not_found"


def test_bodies_that_are_not_objects_are_read_as_empty(users, reviewed):
    # `request.data.get` on a JSON list was an AttributeError: a 500.
    reviewer = api(users["reviewer"])
    refused = reviewer.post("/api/vendor-criteria/defaults/", [1], format="json")
    assert refused.status_code == 400 and "initiative" in refused.data["errors"]
    ready = api(users["it_lead"]).put(f"/api/ready-for-build/{reviewed.pk}/", ["x"], format="json")
    assert ready.status_code < 500
