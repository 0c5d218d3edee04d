"""`/api/decisions/` and `/api/change-requests/`."""

import pytest

from audit.models import AuditEvent
from governance.decisions.models import Decision
from tests import factories


@pytest.mark.django_db
class TestApi:
    def test_decision_with_unauthorised_accountable_is_a_field_error(
        self, client, users, initiative
    ):
        client.force_login(users["it_lead"])
        payload = {
            "initiative": initiative.pk,
            "kind": "risk_acceptance",
            "summary": "Accept",
            "rationale": "Because",
            "accountable": "norole",
        }
        response = client.post("/api/decisions/", payload, content_type="application/json")
        assert response.status_code == 400
        assert "may not accept risk" in response.json()["errors"]["accountable"][0]
        payload["accountable"] = "it_lead"
        response = client.post("/api/decisions/", payload, content_type="application/json")
        assert response.status_code == 201
        assert response.json()["decided_by"] == "it_lead"
        assert AuditEvent.objects.get(action="decision.risk_acceptance").source == "api"

    def test_decisions_of_hidden_initiatives_are_neither_listed_nor_writable(
        self, client, users, confidential
    ):
        factories.satisfied_assessments(confidential)
        Decision.objects.create(
            initiative=confidential, kind="architecture", summary="x", decided_by=users["it_lead"]
        )
        client.force_login(users["other_sponsor"])
        assert client.get("/api/decisions/").json()["count"] == 0
        response = client.post(
            "/api/decisions/",
            {"initiative": confidential.pk, "kind": "escalation", "summary": "x", "rationale": "y"},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert "initiative" in response.json()["errors"]

    def test_change_request_via_api_reopens_and_is_decided(self, client, users, initiative):
        client.force_login(users["sponsor"])
        response = client.post(
            "/api/change-requests/",
            {"initiative": initiative.pk, "kind": "new_model_version", "description": "v2"},
            content_type="application/json",
        )
        assert response.status_code == 201
        assert set(response.json()["reopened_areas"]) == {"performance", "governance", "vendor"}
        change_id = response.json()["id"]
        url = f"/api/change-requests/{change_id}/decide/"
        assert client.post(url, {"status": "approved"}).status_code == 403
        client.force_login(users["it_lead"])
        assert client.post(url, {"status": "implemented"}).status_code == 409
        assert client.post(url, {"status": "approved"}).json()["status"] == "approved"


# --- Named people are partners: risk acceptances through the API ----------------------------


@pytest.mark.parametrize("who", ["owner", "accountable"])
def test_a_named_partner_records_risk_acceptance_but_no_approval(partnered, who):
    from tests.conftest import api

    initiative, person = partnered["initiative"], partnered[who]
    client = api(person)
    risk = {
        "initiative": initiative.pk,
        "kind": "risk_acceptance",
        "summary": "False rejects up to 1 %",
        "rationale": "Re-inspected manually.",
        "accountable": person.username,
    }
    assert client.post("/api/decisions/", risk, format="json").status_code == 201
    approval = {**risk, "kind": "approval", "conditions": "none"}
    assert client.post("/api/decisions/", approval, format="json").status_code == 403


def test_an_outsider_records_nothing(partnered):
    from tests.conftest import api

    body = {
        "initiative": partnered["initiative"].pk,
        "kind": "risk_acceptance",
        "summary": "x",
        "rationale": "y",
        "accountable": "outsider",
    }
    response = api(partnered["outsider"]).post("/api/decisions/", body, format="json")
    assert response.status_code == 400 and "initiative" in response.json()["errors"]
