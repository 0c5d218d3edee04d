"""The dashboard API's query parameters: bad values are a 400 naming them, never a 500."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params, field",
    [
        ({"site": "99999999999999999999"}, "site"),  # SQLite cannot compare it: was a 500
        ({"business_unit": "²"}, "business_unit"),  # "²".isdigit(), int("²") fails: was a 500
        ({"phase": "someday"}, "phase"),
        ({"status": "lost"}, "status"),
    ],
)
def test_bad_filters_are_400_with_field_messages(users, params, field):
    client = APIClient()
    client.force_authenticate(users["executive"])
    response = client.get("/api/dashboard/", params)
    assert response.status_code == 400
    assert set(response.data["errors"]) == {field}


def test_valid_filters_and_unknown_sort_answer_the_figures(users):
    client = APIClient()
    client.force_authenticate(users["executive"])
    response = client.get("/api/dashboard/", {"site": 12, "phase": "idea", "sort": "nonsense"})
    assert response.status_code == 200
    assert response.data["filters"] == {"site": "12", "phase": "idea"}
    assert response.data["funnel"]["total"] == 0
