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
        assert set(response.json()["reopened_areas"]) == {
            "performance",
            "governance",
            "vendor",
            "explainability",
        }
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


@pytest.mark.django_db
class TestAntiPatterns:
    def test_a_vendor_it_has_not_scored_needs_a_reason_then_is_flagged(
        self, client, users, initiative
    ):
        vendor = initiative.vendors.create(name="Landing AI")
        client.force_login(users["sponsor"])
        payload = {
            "initiative": initiative.pk,
            "kind": "vendor_selection",
            "summary": "Landing AI selected",
            "rationale": "Best demo",
            "vendor": vendor.pk,
        }
        refused = client.post("/api/decisions/", payload, content_type="application/json")
        assert refused.status_code == 400
        assert "IT has not scored Landing AI" in refused.json()["errors"]["unscored_rationale"][0]
        assert not Decision.objects.exists()

        payload["unscored_rationale"] = "Budget must be committed this month"
        response = client.post("/api/decisions/", payload, content_type="application/json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["before_it_assessment"] is True
        assert body["unscored_rationale"] == "Budget must be committed this month"
        listed = client.get(f"/api/decisions/?initiative={initiative.pk}").json()["results"]
        assert listed[0]["before_it_assessment"] is True

    def test_an_escalation_comes_after_the_partnership_route_was_offered(
        self, client, users, initiative
    ):
        client.force_login(users["sponsor"])
        payload = {
            "initiative": initiative.pk,
            "kind": "escalation",
            "summary": "Stuck on hosting",
            "rationale": "Three sessions without agreement",
        }
        refused = client.post("/api/decisions/", payload, content_type="application/json")
        assert refused.status_code == 400
        assert "partnership_declined" in refused.json()["errors"]
        payload["partnership_declined"] = True
        refused = client.post("/api/decisions/", payload, content_type="application/json")
        assert "discussed_in_session" in refused.json()["errors"]
        payload["discussed_in_session"] = "perhaps"
        refused = client.post("/api/decisions/", payload, content_type="application/json")
        assert refused.status_code == 400
        assert "discussed_in_session" in refused.json()["errors"]
        assert not Decision.objects.exists()

        payload["discussed_in_session"] = "no"
        response = client.post("/api/decisions/", payload, content_type="application/json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["partnership_offered"], body["discussed_in_session"]) == (True, "no")
        assert "partnership_declined" not in body

    def test_the_partnership_route_puts_the_concern_on_the_next_session(
        self, client, users, initiative
    ):
        series = factories.working_series(initiative=initiative, user=users["it_lead"])
        client.force_login(users["sponsor"])
        response = client.post(
            "/api/decisions/partnership-route/",
            {"initiative": initiative.pk, "area": "explainability", "title": "Confidence shown?"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        item = initiative.design_inputs.get(pk=body["design_input"])
        assert item.instead_of_escalation and item.raised_by == users["sponsor"]
        assert body["session"] == series.sessions.filter(status="planned").first().pk
        assert AuditEvent.objects.get(action="design_input.raised").source == "api"

        bad = client.post(
            "/api/decisions/partnership-route/",
            {"initiative": initiative.pk, "area": "ethics", "title": ""},
            content_type="application/json",
        )
        assert bad.status_code == 400
        assert {"area", "title"} <= set(bad.json()["errors"])

    @pytest.mark.parametrize(
        ("who", "status"),
        [("sponsor", 201), ("it_lead", 201), ("executive", 403), ("other_sponsor", 400)],
    )
    def test_who_takes_the_partnership_route(
        self, client, users, initiative, confidential, who, status
    ):
        # other_sponsor cannot see the confidential initiative: it reads as not found (400 on
        # the field, as every write naming an initiative the caller may not see).
        target = confidential if who == "other_sponsor" else initiative
        client.force_login(users[who])
        response = client.post(
            "/api/decisions/partnership-route/",
            {"initiative": target.pk, "area": "security", "title": "Hosting"},
            content_type="application/json",
        )
        assert response.status_code == status
        assert target.design_inputs.exists() == (status == 201)

    def test_anonymous_is_refused(self, client, initiative):
        response = client.post(
            "/api/decisions/partnership-route/",
            {"initiative": initiative.pk, "area": "security", "title": "Hosting"},
            content_type="application/json",
        )
        assert response.status_code in (401, 403)
        assert not initiative.design_inputs.exists()
