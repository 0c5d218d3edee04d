"""The decision and change forms on the initiative page: who may do what."""

import pytest

from audit.models import AuditEvent
from governance.decisions.models import ChangeRequest, Decision, DecisionKind
from reviews.models import AssessmentStatus, ConcernAssessment


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


# --- Named people are partners: risk acceptances in the decision log -----------------------


@pytest.mark.parametrize(
    "who, status", [("owner", 200), ("accountable", 200), ("outsider", 404), ("anonymous", 302)]
)
def test_named_partners_open_the_decision_form_for_risk_only(client, partnered, who, status):
    initiative = partnered["initiative"]
    if who != "anonymous":
        client.force_login(partnered[who])
    url = f"/governance/initiatives/{initiative.pk}/decisions/new/"
    page = client.get(url)
    assert page.status_code == status
    if status == 200:
        kinds = page.context["form"].fields["kind"].choices
        assert [value for value, _ in kinds] == ["risk_acceptance"]


@pytest.mark.parametrize("who", ["owner", "accountable"])
def test_a_named_partner_records_a_risk_acceptance(client, partnered, who):
    from governance.decisions.models import Decision

    initiative, person = partnered["initiative"], partnered[who]
    client.force_login(person)
    url = f"/governance/initiatives/{initiative.pk}/decisions/new/"
    approval = client.post(url, {"kind": "approval", "summary": "Go", "conditions": "none"})
    assert approval.status_code == 200 and not Decision.objects.exists()  # not a choice
    response = client.post(
        url,
        {
            "kind": "risk_acceptance",
            "summary": "False rejects up to 1 %",
            "rationale": "Re-inspected manually.",
            "accountable": person.username,
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.kind, decision.decided_by, decision.accountable) == (
        "risk_acceptance",
        person,
        person,
    )


@pytest.mark.django_db
class TestEscalationPage:
    @pytest.mark.parametrize(
        ("who", "status", "route_form"),
        [
            ("sponsor", 200, True),
            ("it_lead", 200, True),
            ("executive", 200, False),  # may escalate, but the route is the initiative's people's
            ("norole", 403, False),
        ],
    )
    def test_who_opens_it(self, client, users, initiative, who, status, route_form):
        client.force_login(users[who])
        response = client.get(f"/governance/initiatives/{initiative.pk}/escalate/")
        assert response.status_code == status
        if status == 200:
            body = response.content.decode()
            assert "Escalate anyway" in body
            assert ('name="route"' in body) == route_form

    def test_hidden_and_anonymous(self, client, users, confidential):
        url = f"/governance/initiatives/{confidential.pk}/escalate/"
        assert client.get(url).status_code == 302  # to the login page
        client.force_login(users["other_sponsor"])
        assert client.get(url).status_code == 404

    def test_a_route_refused_to_an_executive_saves_nothing(self, client, users, initiative):
        client.force_login(users["executive"])
        client.post(
            f"/governance/initiatives/{initiative.pk}/escalate/",
            {"route": "1", "area": "security", "title": "Hosting"},
        )
        assert not initiative.design_inputs.exists()

    def test_escalation_kind_is_not_in_the_plain_decision_form(self, client, users, initiative):
        client.force_login(users["sponsor"])
        response = client.post(
            f"/governance/initiatives/{initiative.pk}/decisions/new/",
            {"kind": "escalation", "summary": "x", "rationale": "y"},
        )
        assert response.status_code == 200
        assert "kind" in response.context["form"].errors
        assert not Decision.objects.exists()
