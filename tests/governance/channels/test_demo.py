"""The demo shows channels: a Teams channel and a signed webhook with a delivery log."""

import pytest

from core.sealed import open_secret
from governance.channels.models import ChannelDelivery, OutboundChannel
from outbox.models import Message

pytestmark = pytest.mark.django_db


def test_demo_has_a_teams_channel_and_a_webhook_with_a_log():
    import governance.demo
    import initiatives.demo
    import reviews.demo

    context: dict = {}
    for part in (initiatives.demo, reviews.demo, governance.demo):
        part.load(context)
    teams = OutboundChannel.objects.get(target="teams")
    hook = OutboundChannel.objects.get(target="webhook")
    assert teams.site_id == context["initiatives"]["vqi"].site_id
    assert open_secret(hook.sealed_signing_secret).startswith("whsec_")
    assert ChannelDelivery.objects.filter(channel=teams, status="sent").count() == 2
    assert ChannelDelivery.objects.filter(channel=hook, status="retrying", status_code=503).exists()
    # The demo's own moves happened before the channels existed: nothing waits to be posted.
    assert not Message.objects.filter(task__startswith="governance.channels").exists()
    from governance.channels import demo

    demo.load(context)  # twice changes nothing
    assert OutboundChannel.objects.count() == 2
