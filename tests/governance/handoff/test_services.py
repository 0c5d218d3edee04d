"""The build hand-off against real HTTP servers on loopback standing in for Jira and
ServiceNow: the REST request each expects, the ticket link kept, retries and failures."""

import base64

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core.errors import FieldRuleError
from governance.decisions.services import record_decision
from governance.handoff import services
from governance.handoff.models import BuildTicket, HandoffTarget, TicketStatus
from initiatives.models import Status
from initiatives.services import transition_initiative
from reviews.services.readiness import mark_ready_for_build
from tests import factories
from tests.conftest import attempt
from tests.receivers import run_outbox

from .conftest import JIRA_CREATED, SNOW_CREATED, jira_target, make_ready, servicenow_target

pytestmark = pytest.mark.django_db
TASKS = "governance.handoff"


@pytest.fixture
def reviewed(users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    factories.design_input(
        initiative=initiative,
        raised_by=users["reviewer"],
        title="Images stay on the plant network",
        severity="medium",
        proposed_solution="Edge inference on the line PC",
    )
    record_decision(
        initiative=initiative,
        user=users["it_lead"],
        kind="architecture",
        summary="Go for a pilot on line 3",
        rationale="Value proven in the trial",
    )
    return initiative


def basic(header: str) -> str:
    return base64.b64decode(header.removeprefix("Basic ")).decode()


def test_jira_issue_created_with_design_inputs_and_decisions(users, reviewed, receiver):
    receiver.default = (201, JIRA_CREATED)
    jira_target(users["it_lead"], receiver.url)
    make_ready(reviewed, users["it_lead"])
    assert run_outbox(TASKS) == 1
    (request,) = receiver.requests
    assert request.path == "/rest/api/2/issue"
    assert basic(request.headers["Authorization"]) == "it-bot@example.com:jira-api-token"
    assert request.headers["Content-Type"] == "application/json"
    fields = request.json()["fields"]
    assert set(fields) == {"project", "summary", "description", "issuetype"}
    assert fields["project"] == {"key": "PLANTAI"}
    assert fields["issuetype"] == {"name": "Story"}
    assert reviewed.reference in fields["summary"]
    assert "Images stay on the plant network" in fields["description"]
    assert "Edge inference on the line PC" in fields["description"]
    assert "Go for a pilot on line 3" in fields["description"]
    ticket = BuildTicket.objects.get(initiative=reviewed)
    assert ticket.status == TicketStatus.CREATED
    assert ticket.external_key == "PLANTAI-7"
    assert ticket.url == f"{receiver.url}/browse/PLANTAI-7"
    assert AuditEvent.objects.filter(action="build_ticket.created").exists()


def test_servicenow_record_created_through_the_table_api(users, reviewed, receiver):
    receiver.default = (201, SNOW_CREATED)
    servicenow_target(users["it_lead"], receiver.url)
    make_ready(reviewed, users["it_lead"])
    run_outbox(TASKS)
    (request,) = receiver.requests
    assert request.path == "/api/now/table/sc_request"
    assert basic(request.headers["Authorization"]) == "harmony.integration:snow-password"
    assert request.headers["Accept"] == "application/json"
    body = request.json()
    assert reviewed.reference in body["short_description"]
    assert "Go for a pilot on line 3" in body["description"]
    assert body["correlation_id"] == reviewed.reference
    ticket = BuildTicket.objects.get()
    assert ticket.external_key == "REQ0010021"
    assert ticket.url == (
        f"{receiver.url}/nav_to.do?uri=sc_request.do?sys_id=9d385017c611228701d22104cc95c371"
    )


def test_off_by_default_and_when_switched_off(users, reviewed, receiver):
    make_ready(reviewed, users["it_lead"])
    assert not BuildTicket.objects.exists()
    other = factories.in_review_initiative(sponsor=users["sponsor"])
    jira_target(users["it_lead"], receiver.url, enabled=False)
    make_ready(other, users["it_lead"])
    assert not BuildTicket.objects.exists() and not receiver.requests


def test_failures_are_retried_then_visible(users, reviewed, receiver, fast_retries):
    receiver.answers = [(503, "maintenance"), (401, '{"errorMessages":["auth"]}')]
    receiver.default = (201, JIRA_CREATED)
    jira_target(users["it_lead"], receiver.url)
    make_ready(reviewed, users["it_lead"])
    assert run_outbox(TASKS) == 3
    first, second, third = receiver.requests
    assert second.at - first.at >= 0.2 and third.at - second.at >= 0.4
    ticket = BuildTicket.objects.get()
    assert (ticket.status, ticket.attempts, ticket.external_key) == ("created", 3, "PLANTAI-7")


def test_gives_up_after_the_last_try_and_an_it_lead_retries(
    users, reviewed, receiver, fast_retries
):
    receiver.default = (400, '{"errors":{"project":"project is required"}}')
    jira_target(users["it_lead"], receiver.url)
    make_ready(reviewed, users["it_lead"])
    run_outbox(TASKS)
    ticket = BuildTicket.objects.get()
    assert (ticket.status, ticket.attempts, ticket.status_code) == ("failed", 3, 400)
    assert "project is required" in ticket.response_excerpt
    assert AuditEvent.objects.filter(action="build_ticket.failed").exists()

    refused = attempt(lambda: services.retry_ticket(ticket=ticket, user=users["reviewer"]), ticket)
    assert refused.outcome == "PermissionDenied"
    receiver.default = (201, JIRA_CREATED)
    services.retry_ticket(ticket=ticket, user=users["it_lead"])
    run_outbox(TASKS)
    ticket.refresh_from_db()
    assert ticket.status == "created" and ticket.url.endswith("/browse/PLANTAI-7")


def test_one_ticket_per_initiative_even_when_ready_again(users, reviewed, receiver):
    receiver.default = (201, JIRA_CREATED)
    jira_target(users["it_lead"], receiver.url)
    make_ready(reviewed, users["it_lead"])
    transition_initiative(initiative=reviewed, user=users["it_lead"], to_status=Status.IN_REVIEW)
    mark_ready_for_build(initiative=reviewed, user=users["it_lead"])
    run_outbox(TASKS)
    assert BuildTicket.objects.count() == 1 and len(receiver.requests) == 1
    assert services.attempt_ticket(BuildTicket.objects.get().pk) == "created"
    assert len(receiver.requests) == 1


def test_an_answer_without_a_ticket_is_a_failure(users, reviewed, receiver, fast_retries):
    receiver.default = (200, "<html>login page</html>")
    jira_target(users["it_lead"], receiver.url)
    make_ready(reviewed, users["it_lead"])
    run_outbox(TASKS)
    ticket = BuildTicket.objects.get()
    assert ticket.status == "failed" and "did not name" in ticket.error


def test_configuration_is_for_it_leads_and_checked(users, receiver):
    with pytest.raises(PermissionDenied):
        jira_target(users["reviewer"], receiver.url)
    with pytest.raises(FieldRuleError) as no_project:
        services.save_target(
            site=factories.SiteFactory(),
            user=users["it_lead"],
            fields={"system": "jira", "base_url": receiver.url, "username": "x@example.com"},
            token="t",
        )
    assert no_project.value.field == "project_key"
    target = jira_target(users["it_lead"], receiver.url)
    stored = " ".join(str(v) for v in HandoffTarget.objects.values().get(pk=target.pk).values())
    assert "jira-api-token" not in stored
    # Saving without a token keeps the stored one.
    services.save_target(
        site=target.site,
        user=users["it_lead"],
        fields={**services._facts(target), "enabled": False},
    )
    target.refresh_from_db()
    assert not target.enabled and target.sealed_token
