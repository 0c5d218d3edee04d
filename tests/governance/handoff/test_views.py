"""The hand-off pages: IT leads configure; the initiative page shows the ticket link."""

import pytest
from django.test import Client
from django.urls import reverse

from governance.handoff.models import HandoffTarget
from tests import factories
from tests.receivers import run_outbox

from .conftest import JIRA_CREATED, augsburg, jira_target, make_ready

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("actor", ["sponsor", "reviewer", "executive", "norole"])
def test_settings_are_for_it_leads(users, actor):
    client = client_for(users[actor])
    assert client.get(reverse("handoff:settings")).status_code == 403
    assert client.post(reverse("handoff:settings"), {"site": augsburg().pk}).status_code == 403


def test_it_lead_connects_a_site_and_bad_input_stays(users, receiver):
    client = client_for(users["it_lead"])
    form = {
        "site": augsburg().pk,
        "system": "jira",
        "base_url": receiver.url,
        "project_key": "",
        "username": "it-bot@example.com",
        "token": "tok-9f2c-secret",
        "enabled": "on",
    }
    refused = client.post(reverse("handoff:settings"), form)
    assert refused.status_code == 200
    assert refused.context["form"].errors["project_key"]
    assert not HandoffTarget.objects.exists()
    saved = client.post(reverse("handoff:settings"), {**form, "project_key": "PLANTAI"})
    assert saved.status_code == 302
    target = HandoffTarget.objects.get()
    assert target.enabled and target.project_key == "PLANTAI"
    page = client.get(reverse("handoff:settings")).content.decode()
    assert "PLANTAI" in page and "tok-9f2c-secret" not in page


def test_initiative_page_shows_the_ticket_link(users, receiver):
    receiver.default = (201, JIRA_CREATED)
    jira_target(users["it_lead"], receiver.url)
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    make_ready(initiative, users["it_lead"])
    run_outbox("governance.handoff")
    page = client_for(users["sponsor"]).get(initiative.get_absolute_url()).content.decode()
    assert f'href="{receiver.url}/browse/PLANTAI-7"' in page


def test_a_failed_ticket_shows_why_and_it_leads_retry(users, receiver, settings):
    settings.INTEGRATION_MAX_ATTEMPTS = 1
    receiver.default = (401, "Unauthorized")
    jira_target(users["it_lead"], receiver.url)
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    make_ready(initiative, users["it_lead"])
    run_outbox("governance.handoff")
    sponsor_page = client_for(users["sponsor"]).get(initiative.get_absolute_url()).content.decode()
    assert "Failed, gave up" in sponsor_page and "HTTP 401" in sponsor_page
    assert "Try again" not in sponsor_page
    lead = client_for(users["it_lead"])
    assert "Try again" in lead.get(initiative.get_absolute_url()).content.decode()
    ticket = initiative.build_ticket
    retry = reverse("handoff:retry", args=[ticket.pk])
    assert client_for(users["sponsor"]).post(retry).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "failed"  # refused, nothing changed
    receiver.default = (201, JIRA_CREATED)
    lead.post(reverse("handoff:retry", args=[ticket.pk]))
    run_outbox("governance.handoff")
    ticket.refresh_from_db()
    assert ticket.status == "created"
