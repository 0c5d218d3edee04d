"""The channels API: IT leads only, the secret returned once, field errors, the log."""

import pytest

from governance.channels.models import ChannelDelivery, OutboundChannel
from initiatives.services import submit_initiative
from tests import factories
from tests.receivers import run_hand_offs, run_outbox

pytestmark = pytest.mark.django_db
ROLES = ["sponsor", "reviewer", "executive", "norole"]


def body(url, **extra):
    return {
        "name": "Plant IT hook",
        "target": "webhook",
        "url": url,
        "site": factories.SiteFactory(name="Augsburg Plant").pk,
        "event_kinds": ["submitted"],
        **extra,
    }


@pytest.mark.parametrize("actor", ROLES)
def test_other_roles_get_403_everywhere(api_as, actor, receiver):
    client = api_as(actor)
    assert client.get("/api/channels/").status_code == 403
    assert client.get("/api/channel-deliveries/").status_code == 403
    assert client.post("/api/channels/", body(receiver.url), format="json").status_code == 403
    assert not OutboundChannel.objects.exists()


def test_anonymous_is_refused(api_as):
    assert api_as("anonymous").get("/api/channels/").status_code in (401, 403)


@pytest.mark.parametrize("actor", ["it_lead", "admin"])
def test_the_signing_secret_is_returned_once(api_as, actor, receiver):
    client = api_as(actor)
    created = client.post("/api/channels/", body(f"{receiver.url}/secret-path"), format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["signing_secret"].startswith("whsec_")
    assert "url" not in data and data["url_hint"] == f"{receiver.url}/…"
    again = client.get(f"/api/channels/{data['id']}/").json()
    assert "signing_secret" not in again and "url" not in again
    listed = client.get("/api/channels/").content.decode()
    assert data["signing_secret"] not in listed and "secret-path" not in listed


def test_bad_input_is_400_with_field_messages(api_as):
    client = api_as("it_lead")
    wrong_host = client.post(
        "/api/channels/", body("https://example.com/x", target="slack"), format="json"
    )
    assert wrong_host.status_code == 400
    assert "url" in str(wrong_host.json())
    no_kind = client.post(
        "/api/channels/", body("https://example.com/x", event_kinds=["nope"]), format="json"
    )
    assert no_kind.status_code == 400 and "event_kinds" in str(no_kind.json())
    both = client.post(
        "/api/channels/",
        body(
            "https://example.com/x",
            initiative=factories.draft_initiative(sponsor=factories.UserFactory()).pk,
        ),
        format="json",
    )
    assert both.status_code == 400 and "site" in str(both.json())
    assert not OutboundChannel.objects.exists()


def test_disable_enable_delete_and_the_log(api_as, users, receiver):
    client = api_as("it_lead")
    created = client.post("/api/channels/", body(receiver.url), format="json").json()
    pk = created["id"]
    submit_initiative(
        initiative=factories.complete_initiative(sponsor=users["sponsor"]), user=users["sponsor"]
    )
    run_hand_offs()
    run_outbox("governance.channels")
    log = client.get(f"/api/channel-deliveries/?channel={pk}").json()
    (row,) = log["results"]
    assert (row["status"], row["status_code"], row["attempts"]) == ("sent", 200, 1)
    assert row["event_kind"] == "submitted"
    assert client.post(f"/api/channels/{pk}/disable/").json()["active"] is False
    again = client.post(f"/api/channels/{pk}/disable/")
    assert again.status_code == 400
    assert client.post(f"/api/channels/{pk}/enable/").json()["active"] is True
    assert client.delete(f"/api/channels/{pk}/").status_code == 204
    assert not OutboundChannel.objects.exists() and not ChannelDelivery.objects.exists()
