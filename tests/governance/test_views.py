"""Auditor pages and exports, the decision and change forms, and their API: who may see and
do what, and what they get."""

import csv
import io
import json

import pytest

from audit.models import AuditEvent
from governance.decisions.models import ChangeRequest, Decision, DecisionKind
from initiatives.services import grant_membership
from reviews.models import AssessmentStatus, ConcernAssessment
from tests import factories


@pytest.fixture
def initiative(users):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"], title="Vision QA")
    factories.satisfied_assessments(initiative)
    return initiative


@pytest.fixture
def confidential(users):
    return factories.submitted_initiative(sponsor=users["sponsor"], confidential=True)


def audit_url(initiative, suffix="audit/"):
    return f"/governance/initiatives/{initiative.pk}/{suffix}"


@pytest.mark.django_db
class TestAuditorPages:
    @pytest.mark.parametrize("who", ["it_lead", "executive", "admin", "sponsor"])
    def test_auditors_and_own_people_read_the_history(self, client, users, initiative, who):
        client.force_login(users[who])
        response = client.get(audit_url(initiative))
        body = response.content.decode()
        assert response.status_code == 200
        assert "initiative.submitted" in body
        assert "draft</span> → <span" in body  # old → new
        assert "Printable report" in body

    def test_an_assigned_reviewer_reads_it_too(self, client, users, initiative):
        grant_membership(initiative, users["reviewer"], can_review=True)
        client.force_login(users["reviewer"])
        assert client.get(audit_url(initiative)).status_code == 200

    @pytest.mark.parametrize("suffix", ["audit/", "audit/print/", "audit.csv", "audit.json"])
    def test_others_who_see_the_initiative_are_forbidden(self, client, users, initiative, suffix):
        client.force_login(users["norole"])
        assert client.get(initiative.get_absolute_url()).status_code == 200
        assert client.get(audit_url(initiative, suffix)).status_code == 403

    @pytest.mark.parametrize("suffix", ["audit/", "audit/print/", "audit.csv", "audit.json"])
    def test_hidden_initiatives_are_not_found(self, client, users, confidential, suffix):
        client.force_login(users["other_sponsor"])
        assert client.get(audit_url(confidential, suffix)).status_code == 404

    def test_csv_has_one_row_per_event(self, client, users, initiative):
        client.force_login(users["it_lead"])
        response = client.get(audit_url(initiative, "audit.csv"))
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        expected = AuditEvent.objects.filter(initiative=initiative)
        assert [int(r["seq"]) for r in rows] == [e.seq for e in expected]
        submitted = next(r for r in rows if r["action"] == "initiative.submitted")
        assert json.loads(submitted["changes"]) == {"status": ["draft", "submitted"]}
        assert submitted["actor"] == "sponsor"

    def test_json_export(self, client, users, initiative):
        client.force_login(users["executive"])
        body = json.loads(client.get(audit_url(initiative, "audit.json")).content)
        assert body["initiative"]["reference"] == initiative.reference
        assert [e["action"] for e in body["events"]] == [
            "initiative.created",
            "initiative.submitted",
        ]
        assert all(len(e["hash"]) == 64 for e in body["events"])

    def test_printable_page(self, client, users, initiative):
        client.force_login(users["it_lead"])
        body = client.get(audit_url(initiative, "audit/print/")).content.decode()
        assert "@media print" in body
        assert "initiative.submitted" in body

    def test_page_queries_do_not_grow_with_events(
        self, client, users, initiative, django_assert_max_num_queries
    ):
        for _ in range(30):
            grant_membership(initiative, users["reviewer"], can_review=True)
            from initiatives.services import revoke_membership

            revoke_membership(initiative, users["reviewer"])
        client.force_login(users["it_lead"])
        with django_assert_max_num_queries(12):
            assert client.get(audit_url(initiative)).status_code == 200


@pytest.mark.django_db
class TestDecisionPages:
    def test_initiative_page_shows_the_log_and_the_buttons(self, client, users, initiative):
        client.force_login(users["it_lead"])
        body = client.get(initiative.get_absolute_url()).content.decode()
        assert 'id="decisions"' in body
        assert "Record decision" in body
        assert "Request a change" in body
        assert "Audit trail" in body

    def test_outsider_sees_the_log_without_buttons(self, client, users, initiative):
        client.force_login(users["norole"])
        body = client.get(initiative.get_absolute_url()).content.decode()
        assert 'id="decisions"' in body
        assert "Record decision" not in body
        assert "Audit trail</a>" not in body
        assert (
            client.get(f"/governance/initiatives/{initiative.pk}/decisions/new/").status_code == 403
        )

    def test_bad_risk_acceptance_keeps_input_and_names_the_field(self, client, users, initiative):
        client.force_login(users["it_lead"])
        url = f"/governance/initiatives/{initiative.pk}/decisions/new/"
        data = {
            "kind": DecisionKind.RISK_ACCEPTANCE,
            "summary": "Accept cloud inference",
            "rationale": "Latency allows it",
            "accountable": "norole",
        }
        response = client.post(url, data)
        body = response.content.decode()
        assert response.status_code == 200
        assert "may not accept risk" in body
        assert "Accept cloud inference" in body
        assert not Decision.objects.exists()
        response = client.post(url, {**data, "accountable": "executive"})
        assert response.status_code == 302
        assert Decision.objects.get().accountable == users["executive"]

    def test_change_request_form_reopens_assessments(self, client, users, initiative):
        client.force_login(users["sponsor"])
        response = client.post(
            f"/governance/initiatives/{initiative.pk}/changes/new/",
            {"kind": "new_data_source", "description": "Add scrap reasons from MES"},
        )
        assert response.status_code == 302
        reopened = ConcernAssessment.objects.filter(
            initiative=initiative, status=AssessmentStatus.NEEDS_INFO
        )
        assert {a.area for a in reopened} == {"security", "governance"}
        assert AuditEvent.objects.get(action="change.requested").source == "browser"

    def test_sponsor_cannot_decide_a_change(self, client, users, initiative):
        client.force_login(users["sponsor"])
        client.post(
            f"/governance/initiatives/{initiative.pk}/changes/new/",
            {"kind": "new_integration", "description": "Write to SAP QM"},
        )
        change = ChangeRequest.objects.get()
        url = f"/governance/initiatives/{initiative.pk}/changes/{change.pk}/decide/"
        assert client.post(url, {"to": "approved"}).status_code == 403
        client.force_login(users["it_lead"])
        assert client.post(url, {"to": "approved"}).status_code == 302
        change.refresh_from_db()
        assert change.status == "approved"

    def test_release_form_for_it_only(self, client, users, initiative):
        url = f"/governance/initiatives/{initiative.pk}/releases/new/"
        client.force_login(users["sponsor"])
        assert client.get(url).status_code == 403
        client.force_login(users["it_lead"])
        response = client.post(url, {"model_name": "", "model_version": "2.1"})
        assert "This field is required" in response.content.decode()
        client.post(url, {"model_name": "Defect CNN", "model_version": "2.1"})
        body = client.get(initiative.get_absolute_url()).content.decode()
        assert "Defect CNN 2.1" in body


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

    def test_audit_events_are_filtered_by_who_may_audit(self, client, users, initiative):
        other = factories.submitted_initiative(sponsor=users["other_sponsor"])
        client.force_login(users["sponsor"])
        own = client.get("/api/audit-events/").json()
        assert {e["initiative"] for e in own["results"]} == {initiative.pk}
        client.force_login(users["norole"])
        assert client.get("/api/audit-events/").json()["count"] == 0
        client.force_login(users["it_lead"])
        every = client.get("/api/audit-events/", {"initiative": other.pk}).json()
        assert every["count"] == 2

    def test_anonymous_gets_nothing(self, client, initiative):
        assert client.get("/api/audit-events/").status_code in (401, 403)
