"""The build hand-off in the browser: an IT lead connects the Augsburg plant to Jira (a real
HTTP server on loopback standing in for it), marks an initiative ready for build, and the
sponsor's initiative page links the created issue. Screenshots: test-artifacts/handoff-*.png."""

import base64

import pytest

from governance.handoff.models import HandoffTarget
from tests import factories
from tests.e2e.conftest import ARTIFACTS
from tests.receivers import Receiver, run_outbox

pytestmark = pytest.mark.django_db(transaction=True)
JIRA_CREATED = {"id": "10042", "key": "PLANTAI-7", "self": "https://jira/rest/api/2/issue/10042"}


def shot(window, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    window.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def jira():
    server = Receiver(default=(201, JIRA_CREATED)).start()
    yield server
    server.stop()


def test_ready_for_build_creates_the_jira_issue_linked_on_the_page(browser_as, live_server, jira):
    users = factories.role_users()
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    factories.satisfied_assessments(initiative)
    factories.acknowledge_roles(initiative)
    lead = browser_as(users["it_lead"])
    lead.click("text=Hand-off")
    lead.wait_for_url("**/governance/handoff/")
    lead.select_option("#id_site", label="Augsburg Plant")
    lead.select_option("#id_system", "jira")
    lead.fill("#id_base_url", jira.url)
    lead.fill("#id_project_key", "PLANTAI")
    lead.fill("#id_issue_type", "Story")
    lead.fill("#id_username", "it-bot@example.com")
    lead.fill("#id_token", "jira-api-token")
    lead.check("#id_enabled")
    lead.click("#target-form button[type=submit]")
    lead.wait_for_selector("#targets >> text=PLANTAI")
    assert "jira-api-token" not in lead.content()
    assert HandoffTarget.objects.get().enabled
    shot(lead, "handoff-settings")

    lead.goto(f"{live_server.url}{initiative.get_absolute_url()}#ready-for-build")
    lead.click("text=Mark ready for build")
    lead.wait_for_load_state("networkidle")
    assert run_outbox("governance.handoff") == 1
    (request,) = jira.requests
    assert request.path == "/rest/api/2/issue"
    token = base64.b64decode(request.headers["Authorization"].removeprefix("Basic "))
    assert token == b"it-bot@example.com:jira-api-token"
    assert request.json()["fields"]["project"] == {"key": "PLANTAI"}

    sponsor = browser_as(users["sponsor"])
    sponsor.goto(f"{live_server.url}{initiative.get_absolute_url()}#build-ticket")
    link = sponsor.locator("#ticket-link")
    assert link.text_content() == "PLANTAI-7"
    assert link.get_attribute("href") == f"{jira.url}/browse/PLANTAI-7"
    shot(sponsor, "handoff-initiative")
