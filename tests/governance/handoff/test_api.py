"""The hand-off API: targets for IT leads (token write-only), tickets of visible initiatives."""

import pytest

from governance.handoff.models import BuildTicket, HandoffTarget
from tests import factories
from tests.receivers import run_outbox

from .conftest import JIRA_CREATED, augsburg, jira_target, make_ready

pytestmark = pytest.mark.django_db


def target_body(url, **extra):
    return {
        "site": augsburg().pk,
        "system": "jira",
        "base_url": url,
        "project_key": "PLANTAI",
        "issue_type": "Task",
        "username": "it-bot@example.com",
        "token": "secret-token",
        "enabled": True,
        **extra,
    }


@pytest.mark.parametrize("actor", ["sponsor", "reviewer", "executive", "norole"])
def test_targets_are_for_it_leads(api_as, actor, receiver):
    client = api_as(actor)
    assert client.get("/api/handoff-targets/").status_code == 403
    response = client.post("/api/handoff-targets/", target_body(receiver.url), format="json")
    assert response.status_code == 403
    assert not HandoffTarget.objects.exists()


def test_it_lead_sets_a_target_and_the_token_is_never_returned(api_as, receiver):
    client = api_as("it_lead")
    created = client.post("/api/handoff-targets/", target_body(receiver.url), format="json")
    assert created.status_code == 201, created.json()
    assert "token" not in created.json()
    listed = client.get("/api/handoff-targets/").content.decode()
    assert "secret-token" not in listed
    missing = client.post(
        "/api/handoff-targets/", target_body(receiver.url, project_key=""), format="json"
    )
    assert missing.status_code == 400 and "project_key" in str(missing.json())
    pk = created.json()["id"]
    assert client.delete(f"/api/handoff-targets/{pk}/").status_code == 204


def test_tickets_follow_visibility_and_retry_is_for_it_leads(users, api_as, receiver, settings):
    settings.INTEGRATION_MAX_ATTEMPTS = 1
    receiver.default = (500, "down")
    jira_target(users["it_lead"], receiver.url)
    secret = factories.in_review_initiative(sponsor=users["other_sponsor"], confidential=True)
    make_ready(secret, users["it_lead"])
    run_outbox("governance.handoff")
    ticket = BuildTicket.objects.get()
    assert ticket.status == "failed"
    assert api_as("sponsor").get("/api/build-tickets/").json()["count"] == 0
    assert api_as("sponsor").get(f"/api/build-tickets/{ticket.pk}/").status_code == 404
    assert api_as("anonymous").get("/api/build-tickets/").status_code in (401, 403)
    seen = api_as("other_sponsor").get("/api/build-tickets/").json()["results"]
    assert [(t["status"], t["status_code"]) for t in seen] == [("failed", 500)]
    assert api_as("other_sponsor").post(f"/api/build-tickets/{ticket.pk}/retry/").status_code == 403
    receiver.default = (201, JIRA_CREATED)
    retried = api_as("it_lead").post(f"/api/build-tickets/{ticket.pk}/retry/")
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    run_outbox("governance.handoff")
    done = api_as("it_lead").get(f"/api/build-tickets/{ticket.pk}/").json()
    assert done["url"].endswith("/browse/PLANTAI-7")
    again = api_as("it_lead").post(f"/api/build-tickets/{ticket.pk}/retry/")
    assert again.status_code == 400
