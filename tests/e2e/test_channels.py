"""An IT lead sets up a signed webhook in the browser: the signing secret is shown once, the
address never; an initiative submitted at the site reaches a real receiver on loopback and
the delivery log shows it. Screenshots: test-artifacts/channels-*.png."""

import hashlib
import hmac

import pytest

from initiatives.services import submit_initiative
from tests import factories
from tests.e2e.conftest import ARTIFACTS
from tests.receivers import Receiver, run_hand_offs, run_outbox

pytestmark = pytest.mark.django_db(transaction=True)


def shot(window, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    window.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def test_it_lead_adds_a_webhook_and_sees_its_log(browser_as, live_server, receiver):
    users = factories.role_users()
    initiative = factories.complete_initiative(sponsor=users["sponsor"])
    window = browser_as(users["it_lead"])
    window.click("text=Channels")
    window.wait_for_url("**/governance/channels/")
    window.fill("#id_name", "Augsburg integration hook")
    window.select_option("#id_target", "webhook")
    window.fill("#id_url", f"{receiver.url}/hooks/private-token")
    window.select_option("#id_site", label="Augsburg Plant")
    window.check("input[name=event_kinds][value='submitted']")
    window.click("#channel-form button[type=submit]")
    secret = window.input_value("#signing-secret")
    assert secret.startswith("whsec_")
    shot(window, "channels-created")

    # Reloading or opening the channel never shows the secret or the address again.
    window.goto(f"{live_server.url}/governance/channels/")
    assert window.locator("#signing-secret").count() == 0
    assert secret not in window.content()
    window.click("text=Augsburg integration hook")
    assert window.text_content("#url-hint").startswith(f"{receiver.url}/…")
    assert "private-token" not in window.content() and secret not in window.content()

    submit_initiative(initiative=initiative, user=users["sponsor"])
    run_hand_offs()
    assert run_outbox("governance.channels") == 1
    (request,) = receiver.requests
    stamp = request.headers["X-Harmony-Timestamp"]
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + request.body, hashlib.sha256)
    assert request.headers["X-Harmony-Signature"] == f"v1={digest.hexdigest()}"

    window.reload()
    row = window.locator("#delivery-log tr.delivery-row").first
    assert row.get_attribute("data-status") == "sent"
    assert "submitted" in row.text_content() and "200" in row.text_content()
    shot(window, "channels-log")
