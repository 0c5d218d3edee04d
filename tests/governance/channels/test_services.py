"""Channels end to end against a real HTTP server on loopback: each target's request format,
the HMAC signature, retries with back-off, exactly once, and disabling after failures."""

import hashlib
import hmac
import time

import pytest
from django.core import mail

from audit.models import AuditEvent
from core.errors import FieldRuleError
from governance.channels import services
from governance.channels.models import ChannelDelivery, DeliveryStatus, OutboundChannel
from governance.channels.payloads import REPLAY_WINDOW_SECONDS
from governance.notifications.models import Notification
from governance.sessions.reminders import send_session_reminder
from initiatives.services import submit_initiative
from outbox.models import Message
from tests import factories
from tests.conftest import attempt
from tests.governance.conftest import soon
from tests.receivers import run_hand_offs, run_outbox

from .conftest import make_channel

pytestmark = pytest.mark.django_db
TASK = "governance.channels"


def test_secrets_are_stored_encrypted_and_the_address_masked(users, receiver):
    channel, secret = make_channel(
        users["it_lead"], f"{receiver.url}/hook/s3cr3t-path", site=factories.SiteFactory()
    )
    assert secret.startswith("whsec_") and len(secret) > 40
    row = OutboundChannel.objects.values().get(pk=channel.pk)
    stored = " ".join(str(v) for v in row.values())
    assert secret not in stored
    assert "s3cr3t-path" not in stored
    assert channel.url_hint == f"{receiver.url}/…"
    event = AuditEvent.objects.get(action="channel.created")
    assert "s3cr3t" not in str(event.changes) and secret not in str(event.changes)


def test_teams_and_slack_have_no_signing_secret(users, receiver):
    _, secret = make_channel(
        users["it_lead"], receiver.url, target="teams", site=factories.SiteFactory()
    )
    assert secret == ""


@pytest.mark.parametrize("actor", ["sponsor", "reviewer", "executive", "norole"])
def test_only_it_leads_create_channels(users, actor, receiver):
    site = factories.SiteFactory()
    result = attempt(lambda: make_channel(users[actor], receiver.url, site=site))
    assert result.outcome == "PermissionDenied"
    assert not OutboundChannel.objects.exists()


@pytest.mark.parametrize(
    "target, url, field",
    [
        ("slack", "https://example.com/services/x", "url"),
        ("teams", "https://example.com/webhook", "url"),
        ("webhook", "ftp://example.com/x", "url"),
        ("webhook", "not an address", "url"),
    ],
)
def test_a_wrong_address_is_refused_on_its_field(users, target, url, field):
    with pytest.raises(FieldRuleError) as refused:
        make_channel(users["it_lead"], url, target=target, site=factories.SiteFactory())
    assert refused.value.field == field
    assert not OutboundChannel.objects.exists()


def test_scope_and_kinds_are_required(users, receiver):
    with pytest.raises(FieldRuleError) as no_scope:
        make_channel(users["it_lead"], receiver.url)
    assert no_scope.value.field == "site"
    with pytest.raises(FieldRuleError) as no_kinds:
        make_channel(users["it_lead"], receiver.url, kinds=(), site=factories.SiteFactory())
    assert no_kinds.value.field == "event_kinds"


def test_teams_receives_an_adaptive_card_message(users, draft, receiver):
    make_channel(users["it_lead"], f"{receiver.url}/teams", target="teams", site=draft.site)
    submit_initiative(initiative=draft, user=users["sponsor"])
    run_hand_offs()
    assert run_outbox(TASK) == 1
    (request,) = receiver.requests
    assert request.path == "/teams"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json()
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert draft.title in card["body"][0]["text"]
    assert card["actions"][0]["type"] == "Action.OpenUrl"
    assert card["actions"][0]["url"].endswith(draft.get_absolute_url())
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.status_code, delivery.attempts) == ("sent", 200, 1)
    assert delivery.response_excerpt == "ok"


def test_slack_receives_text_and_blocks(users, draft, receiver):
    make_channel(users["it_lead"], receiver.url, target="slack", initiative=draft)
    submit_initiative(initiative=draft, user=users["sponsor"])
    run_hand_offs()
    run_outbox(TASK)
    body = receiver.requests[0].json()
    assert draft.title in body["text"]
    kinds = [b["type"] for b in body["blocks"]]
    assert kinds == ["section", "context", "actions"]
    assert body["blocks"][0]["text"]["type"] == "mrkdwn"
    assert body["blocks"][2]["elements"][0]["url"].endswith(draft.get_absolute_url())


def test_webhook_is_signed_over_timestamp_and_body(users, draft, receiver):
    channel, secret = make_channel(users["it_lead"], receiver.url, initiative=draft)
    submit_initiative(initiative=draft, user=users["sponsor"])
    run_hand_offs()
    run_outbox(TASK)
    (request,) = receiver.requests
    timestamp = request.headers["X-Harmony-Timestamp"]
    assert abs(int(timestamp) - time.time()) < REPLAY_WINDOW_SECONDS
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(request.headers["X-Harmony-Signature"], f"v1={expected}")
    body = request.json()
    assert body["kind"] == "submitted" == request.headers["X-Harmony-Event"]
    assert body["initiative_id"] == draft.pk
    assert body["actor"] == "sponsor"
    assert str(body["delivery"]) == request.headers["X-Harmony-Delivery"]
    # A different secret does not produce the signature.
    forged = hmac.new(b"other", f"{timestamp}.".encode() + request.body, hashlib.sha256)
    assert request.headers["X-Harmony-Signature"] != f"v1={forged.hexdigest()}"


def test_failures_are_retried_with_growing_pauses(users, draft, receiver, fast_retries):
    receiver.answers = [(500, "boom"), (503, "busy")]
    make_channel(users["it_lead"], receiver.url, initiative=draft)
    submit_initiative(initiative=draft, user=users["sponsor"])
    run_hand_offs()
    assert run_outbox(TASK) == 3
    first, second, third = receiver.requests
    assert second.at - first.at >= 0.2
    assert third.at - second.at >= 0.4
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.status_code) == ("sent", 3, 200)
    assert OutboundChannel.objects.get().consecutive_failures == 0


def test_a_failed_try_is_logged_and_the_next_one_waits_in_the_outbox(
    users, draft, receiver, fast_retries
):
    receiver.default = (500, "internal error at the receiver")
    make_channel(users["it_lead"], receiver.url, initiative=draft)
    submit_initiative(initiative=draft, user=users["sponsor"])
    run_hand_offs()
    delivery = ChannelDelivery.objects.get()
    assert services.attempt_delivery(delivery.pk) == DeliveryStatus.RETRYING
    delivery.refresh_from_db()
    assert delivery.status_code == 500
    assert delivery.response_excerpt == "internal error at the receiver"
    assert delivery.error == "HTTP 500"
    waiting = Message.objects.get(key=f"channel-delivery:{delivery.pk}:1")
    gap = (waiting.available_at - delivery.last_attempt_at).total_seconds()
    assert 0.19 <= gap <= 0.3
    # The log shows when the next try is due: when the outbox will hand it over.
    assert abs((delivery.next_attempt_at - waiting.available_at).total_seconds()) < 0.05


def test_gives_up_after_the_last_attempt(users, draft, receiver, fast_retries):
    receiver.default = (500, "no")
    make_channel(users["it_lead"], receiver.url, initiative=draft)
    submit_initiative(initiative=draft, user=users["sponsor"])
    run_hand_offs()
    run_outbox(TASK)
    assert len(receiver.requests) == 4
    delivery = ChannelDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert OutboundChannel.objects.get().active  # 4 failures < 10


def test_disabled_after_repeated_failures_and_the_creator_told(users, receiver, fast_retries):
    fast_retries.CHANNEL_DISABLE_AFTER = 3
    receiver.default = (404, "no such hook")
    # Every complete initiative of the factories is at the "Augsburg Plant".
    site = factories.SiteFactory(name="Augsburg Plant")
    channel, _ = make_channel(users["it_lead"], receiver.url, site=site)
    first = factories.complete_initiative(sponsor=users["sponsor"])
    second = factories.complete_initiative(sponsor=users["sponsor"])
    submit_initiative(initiative=first, user=users["sponsor"])
    run_hand_offs()
    submit_initiative(initiative=second, user=users["sponsor"])
    run_hand_offs()
    mail.outbox.clear()
    run_outbox(TASK)
    channel.refresh_from_db()
    assert len(receiver.requests) == 3
    assert not channel.active and channel.disabled_at is not None
    assert "3 failed deliveries in a row" in channel.disabled_reason
    statuses = sorted(ChannelDelivery.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.FAILED, DeliveryStatus.SKIPPED]
    (notice,) = mail.outbox
    assert notice.to == [users["it_lead"].email]
    assert channel.name in notice.subject
    assert Notification.objects.filter(user=users["it_lead"], text__contains=channel.name).exists()
    assert AuditEvent.objects.filter(action="channel.disabled", object_id=str(channel.pk)).exists()
    # A disabled channel gets nothing new.
    third = factories.complete_initiative(sponsor=users["sponsor"])
    submit_initiative(initiative=third, user=users["sponsor"])
    run_hand_offs()
    assert ChannelDelivery.objects.count() == 2
    # Enabled again by hand, it starts from zero failures.
    services.set_channel_active(channel=channel, user=users["it_lead"], active=True)
    channel.refresh_from_db()
    assert channel.active and channel.consecutive_failures == 0


def test_a_delivery_runs_once_however_often_the_task_does(users, draft, receiver):
    make_channel(users["it_lead"], receiver.url, initiative=draft)
    submit_initiative(initiative=draft, user=users["sponsor"])
    run_hand_offs()
    delivery = ChannelDelivery.objects.get()
    assert services.attempt_delivery(delivery.pk) == "sent"
    assert services.attempt_delivery(delivery.pk) == "sent"
    assert len(receiver.requests) == 1


def test_site_channels_never_hear_of_confidential_initiatives(users, receiver):
    site = factories.SiteFactory(name="Augsburg Plant")
    make_channel(users["it_lead"], receiver.url, site=site)
    secret = factories.complete_initiative(sponsor=users["sponsor"], confidential=True)
    submit_initiative(initiative=secret, user=users["sponsor"])
    run_hand_offs()
    assert not ChannelDelivery.objects.exists()
    own, _ = make_channel(users["it_lead"], receiver.url, initiative=secret)
    services.fan_out(
        {
            "kind": "submitted",
            "key": "again",
            "initiative_id": secret.pk,
            "title": "t",
            "occurred_at": "2026-11-26T10:00:00+00:00",
        }
    )
    assert list(ChannelDelivery.objects.values_list("channel", flat=True)) == [own.pk]


def test_only_subscribed_kinds_are_posted(users, draft, receiver):
    make_channel(
        users["it_lead"], receiver.url, initiative=draft, kinds=("initiative.ready_for_build",)
    )
    submit_initiative(initiative=draft, user=users["sponsor"])
    run_hand_offs()
    assert not ChannelDelivery.objects.exists()


def test_a_session_reminder_is_posted_once_per_occurrence(users, receiver):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    series = factories.working_series(initiative=initiative, user=users["sponsor"])
    session = soon(series)
    make_channel(
        users["it_lead"],
        receiver.url,
        target="slack",
        initiative=initiative,
        kinds=("session.reminder",),
    )
    send_session_reminder(session.pk)
    send_session_reminder(session.pk)
    assert run_outbox(TASK) == 1
    assert "Working session" in receiver.requests[0].json()["text"]


def test_a_hand_off_of_issue_14_reaches_a_subscribed_webhook_exactly_once(users, receiver):
    """A design input raised is an `input_raised` event of `governance.notifications.events`;
    the subscribed webhook gets it once, however often the notification task runs."""
    from governance.notifications.services import notify_event

    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    run_hand_offs()  # submitted, reviewer assigned: not subscribed
    make_channel(users["it_lead"], receiver.url, initiative=initiative, kinds=("input_raised",))
    factories.design_input(initiative=initiative, raised_by=users["reviewer"], title="Audit logs")
    event = AuditEvent.objects.get(action="design_input.raised", initiative=initiative)
    assert run_hand_offs() == 1
    notify_event(event.pk)  # the task retried: same key, no second delivery
    assert run_outbox(TASK) == 1
    (request,) = receiver.requests
    body = request.json()
    assert body["kind"] == "input_raised" == request.headers["X-Harmony-Event"]
    assert body["initiative_id"] == initiative.pk
    assert body["actor"] == "reviewer"
    assert "Audit logs" in body["title"] + body["text"]
    delivery = ChannelDelivery.objects.get()
    assert delivery.event_key == f"event:{event.pk}:input_raised"


def test_a_submission_reaches_a_channel_once(users, draft, receiver):
    """The submission is the `submitted` hand-off only: the status change does not post it
    again; a later status change (ready for build) is the portal's own event."""
    make_channel(users["it_lead"], receiver.url, initiative=draft, kinds=("submitted",))
    with pytest.raises(FieldRuleError):
        make_channel(
            users["it_lead"], receiver.url, initiative=draft, kinds=("initiative.submitted",)
        )
    submit_initiative(initiative=draft, user=users["sponsor"])
    run_hand_offs()
    assert list(ChannelDelivery.objects.values_list("event_kind", flat=True)) == ["submitted"]
