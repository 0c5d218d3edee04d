"""`/api/components/`: IT leads name owners, owners record decisions."""

import pytest

from tests.conftest import api

pytestmark = pytest.mark.django_db


def test_components_over_the_api(users, reviewed):
    point = reviewed.integrations.get()
    lead = api(users["it_lead"])
    assert (
        api(users["reviewer"])
        .post("/api/components/", {"integration": point.pk, "owner": "reviewer"})
        .status_code
        == 403
    )
    made = lead.post(
        "/api/components/",
        {"integration": point.pk, "owner": "other_reviewer", "design_notes": "REST"},
    )
    assert made.status_code == 201, made.data
    owner = api(users["other_reviewer"])
    decision = owner.post(f"/api/components/{made.data['id']}/decisions/", {"text": "No DB writes"})
    assert decision.status_code == 201
    assert (
        owner.post(f"/api/components/{made.data['id']}/decisions/", {"text": ""}).status_code == 400
    )
    listed = owner.get(f"/api/components/?integration__initiative={reviewed.pk}")
    assert listed.data["results"][0]["decisions"][0]["text"] == "No DB writes"
