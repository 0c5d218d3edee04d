"""The IT leads' channel pages: who may open them, the secret shown once, the log."""

import pytest
from django.test import Client
from django.urls import reverse

from core.people import display_name
from governance.channels.models import OutboundChannel
from tests import factories

from .conftest import make_channel

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("actor", ["sponsor", "reviewer", "executive", "norole"])
def test_pages_are_for_it_leads(users, actor, receiver):
    channel, _ = make_channel(users["it_lead"], receiver.url, site=factories.SiteFactory())
    client = client_for(users[actor])
    assert client.get(reverse("channels:list")).status_code == 403
    assert client.get(reverse("channels:detail", args=[channel.pk])).status_code == 403
    post = client.post(reverse("channels:toggle", args=[channel.pk]), {"active": "0"})
    assert post.status_code == 403
    assert client.post(reverse("channels:delete", args=[channel.pk])).status_code == 403
    assert OutboundChannel.objects.get().active


def test_anonymous_goes_to_login(receiver):
    response = Client().get(reverse("channels:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_secret_is_shown_once(users, receiver):
    client = client_for(users["it_lead"])
    site = factories.SiteFactory()
    response = client.post(
        reverse("channels:list"),
        {
            "name": "Plant hook",
            "target": "webhook",
            "url": f"{receiver.url}/hidden-path",
            "site": site.pk,
            "event_kinds": ["submitted", "initiative.ready_for_build"],
        },
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    channel = OutboundChannel.objects.get()
    for url in (reverse("channels:list"), reverse("channels:detail", args=[channel.pk])):
        page = client.get(url).content.decode()
        assert secret not in page and "hidden-path" not in page


def test_bad_input_keeps_what_was_typed(users):
    client = client_for(users["it_lead"])
    response = client.post(
        reverse("channels:list"),
        {"name": "Slack", "target": "slack", "url": "https://example.com/x", "event_kinds": []},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["event_kinds"] and form.errors["site"]
    assert form["name"].value() == "Slack"
    wrong = client.post(
        reverse("channels:list"),
        {
            "name": "Slack",
            "target": "slack",
            "url": "https://example.com/x",
            "site": factories.SiteFactory().pk,
            "event_kinds": ["submitted"],
        },
    )
    assert "hooks.slack.com" in wrong.context["form"].errors["url"][0]
    assert not OutboundChannel.objects.exists()


def test_toggle_and_delete(users, receiver):
    channel, _ = make_channel(users["it_lead"], receiver.url, site=factories.SiteFactory())
    client = client_for(users["it_lead"])
    client.post(reverse("channels:toggle", args=[channel.pk]), {"active": "0"})
    channel.refresh_from_db()
    assert not channel.active
    page = client.get(reverse("channels:detail", args=[channel.pk])).content.decode()
    assert f"Disabled by {display_name(users['it_lead'])}" in page
    assert "Disabled by it_lead" not in page
    client.post(reverse("channels:delete", args=[channel.pk]))
    assert not OutboundChannel.objects.exists()


def test_list_and_log_pages_do_not_grow_with_the_data(
    users, receiver, django_assert_max_num_queries
):
    from governance.channels.models import ChannelDelivery

    client = client_for(users["it_lead"])
    channel = None
    for n in range(6):
        channel, _ = make_channel(users["it_lead"], receiver.url, site=factories.SiteFactory())
        ChannelDelivery.objects.create(
            channel=channel,
            event_key=f"k{n}",
            event_kind="submitted",
            event={"title": f"T{n}"},
        )
    client.get(reverse("channels:list"))  # warm the session
    with django_assert_max_num_queries(14):
        assert client.get(reverse("channels:list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("channels:detail", args=[channel.pk])).status_code == 200
