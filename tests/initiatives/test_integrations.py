"""Integrations and the plant system map: picking a registered system at intake, the owner
joining the review at submission (and hearing of it through the outbox), IT mapping free
text, the owner's one-click acknowledgement, each through services, pages and the API."""

import pytest
from django.core import mail
from django.test import Client

from audit.models import AuditEvent
from governance.notifications.models import Notification
from governance.notifications.tasks import notify_system_owner
from initiatives import integrations, permissions, services
from landscape.models import EnterpriseSystem
from outbox.models import Message
from tests import factories
from tests.conftest import attempt
from tests.initiatives.test_views import formset_management

pytestmark = pytest.mark.django_db

NOTICE = "governance.notifications.tasks.notify_system_owner"


@pytest.fixture
def mes(users):
    site = factories.SiteFactory(name="Augsburg Plant")
    users["reviewer"].email = "mes.owner@example.com"
    users["reviewer"].save()
    return EnterpriseSystem.objects.create(
        site=site, name="Siemens Opcenter MES", kind="mes", it_owner=users["reviewer"],
        criticality="high",
    )  # fmt: skip


def linked_draft(users, mes, **fields):
    initiative = factories.complete_initiative(sponsor=users["sponsor"], **fields)
    initiative.integrations.update(system=mes, purpose="read_data", vendor="Cognex")
    return initiative


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---- intake ---------------------------------------------------------------------------------


def test_the_stack_step_picks_a_registered_system_or_names_one(users, mes):
    initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Pick")
    client = client_for(users["sponsor"])
    response = client.post(
        f"/initiatives/{initiative.pk}/edit/4/",
        {
            "version": initiative.version,
            "sso_requirements": "Entra ID",
            **formset_management("integrations", total=2),
            "integrations-0-system": mes.pk,
            "integrations-0-purpose": "write_back",
            "integrations-0-vendor": "Cognex",
            "integrations-0-connector": "OPC UA gateway",
            "integrations-1-system": "",
            "integrations-1-system_type": "erp",
            "integrations-1-name": "SAP Ariba",
            "integrations-1-purpose": "master_data",
            **formset_management("vendors"),
            "save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    picked, named = initiative.integrations.order_by("id")
    assert (picked.system, picked.name, picked.system_type) == (mes, mes.name, "mes")
    assert (picked.purpose, picked.vendor, picked.connector) == (
        "write_back",
        "Cognex",
        "OPC UA gateway",
    )
    assert (named.system, named.name, named.is_mapped) == (None, "SAP Ariba", False)


def test_a_row_with_neither_system_nor_name_is_a_field_error(users, mes):
    initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Empty row")
    response = client_for(users["sponsor"]).post(
        f"/initiatives/{initiative.pk}/edit/4/",
        {
            "version": initiative.version,
            "sso_requirements": "Typed SSO",
            **formset_management("integrations"),
            "integrations-0-purpose": "read_data",
            "integrations-0-vendor": "Typed vendor",
            **formset_management("vendors"),
            "save": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pick a registered system or name the system." in body
    assert "Typed vendor" in body and "Typed SSO" in body
    assert not initiative.integrations.exists()


def test_the_api_takes_a_system_or_a_name(api_as, users, mes):
    initiative = factories.draft_initiative(sponsor=users["sponsor"], title="API pick")
    response = api_as("sponsor").patch(
        f"/api/initiatives/{initiative.pk}/",
        {"integrations": [{"system": mes.pk, "purpose": "events"}, {"purpose": "read_data"}]},
        format="json",
        HTTP_IF_MATCH=f'"{initiative.version}"',
    )
    assert response.status_code == 400
    assert "name" in str(response.json()["errors"]["integrations"])
    response = api_as("sponsor").patch(
        f"/api/initiatives/{initiative.pk}/",
        {"integrations": [{"system": mes.pk, "purpose": "events"}]},
        format="json",
        HTTP_IF_MATCH=f'"{initiative.version}"',
    )
    assert response.status_code == 200, response.content
    [row] = response.json()["integrations"]
    assert (row["system"], row["name"], row["mapped"]) == (mes.pk, mes.name, True)


# ---- the owner joins at submission -------------------------------------------------------------


def test_drafts_stay_private_and_submission_involves_the_owner(users, mes):
    initiative = linked_draft(users, mes)
    assert not permissions.can_view(users["reviewer"], initiative) or not initiative.confidential
    assert not permissions.is_member(users["reviewer"], initiative)
    services.submit_initiative(initiative=initiative, user=users["sponsor"])
    permissions.forget_cached_perms(users["reviewer"])
    assert permissions.is_member(users["reviewer"], initiative)
    integration = initiative.integrations.get()
    message = Message.objects.get(task=NOTICE)
    assert message.kwargs == {"integration_id": integration.pk}
    assert AuditEvent.objects.filter(
        action="membership.granted", initiative_id=initiative.pk
    ).exists()


def test_the_owner_of_a_confidential_initiatives_system_may_then_see_it(users, mes):
    initiative = linked_draft(users, mes, confidential=True)
    services.submit_initiative(initiative=initiative, user=users["sponsor"])
    permissions.forget_cached_perms(users["reviewer"])
    assert permissions.can_view(users["reviewer"], initiative)
    assert not permissions.can_view(users["other_reviewer"], initiative)


def test_the_notice_is_delivered_once_by_email_and_bell(users, mes):
    initiative = linked_draft(users, mes)
    services.submit_initiative(initiative=initiative, user=users["sponsor"])
    integration = initiative.integrations.get()
    assert sorted(notify_system_owner(integration.pk)) == ["email", "in_app"]
    assert notify_system_owner(integration.pk) == []
    owner_mail = [m for m in mail.outbox if m.to == ["mes.owner@example.com"]]
    assert len(owner_mail) == 1
    assert "Siemens Opcenter MES" in owner_mail[0].subject
    assert "acknowledge" in owner_mail[0].body
    assert Notification.objects.filter(user=users["reviewer"]).count() == 1


def test_a_rolled_back_submission_leaves_no_notice(users, mes):
    initiative = linked_draft(users, mes, ai_act_role="")
    with pytest.raises(services.NotReadyToSubmit):
        services.submit_initiative(initiative=initiative, user=users["sponsor"])
    assert not Message.objects.filter(task=NOTICE).exists()


# ---- IT maps free text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor, outcome",
    [("it_lead", "allowed"), ("admin", "allowed"), ("reviewer", "PermissionDenied"),
     ("sponsor", "PermissionDenied"), ("executive", "PermissionDenied")],
)  # fmt: skip
def test_only_it_leads_map_an_integration(users, mes, actor, outcome):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    integration = initiative.integrations.get()
    result = attempt(
        lambda: integrations.map_integration(
            integration=integration, system=mes, user=users[actor]
        ),
        integration,
    )
    assert result.outcome == outcome
    if outcome == "allowed":
        assert result.events[0] == "integration.mapped"
        assert "membership.granted" in result.events


def test_mapping_a_submitted_initiative_notifies_the_owner_and_resets_acknowledgement(users, mes):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    integration = initiative.integrations.get()
    integrations.map_integration(integration=integration, system=mes, user=users["it_lead"])
    integration.refresh_from_db()
    assert (integration.system, integration.system_type) == (mes, "mes")
    assert Message.objects.filter(task=NOTICE).count() == 1
    integrations.acknowledge_integration(integration=integration, user=users["reviewer"])
    other = EnterpriseSystem.objects.create(site=mes.site, name="Other MES", kind="mes")
    integrations.map_integration(integration=integration, system=other, user=users["it_lead"])
    integration.refresh_from_db()
    assert integration.owner_acknowledged_at is None


def test_the_unmapped_page_maps_for_it_leads_only(users, mes):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    integration = initiative.integrations.get()
    for actor in ("sponsor", "reviewer", "executive"):
        assert (
            client_for(users[actor]).get("/initiatives/integrations/unmapped/").status_code == 403
        )
    client = client_for(users["it_lead"])
    page = client.get("/initiatives/integrations/unmapped/").content.decode()
    assert "Opcenter MES" in page
    client.post(
        "/initiatives/integrations/unmapped/", {"integration": integration.pk, "system": mes.pk}
    )
    integration.refresh_from_db()
    assert integration.system == mes
    assert (
        "Every integration points to a registered system"
        in client.get("/initiatives/integrations/unmapped/").content.decode()
    )


def test_the_api_lists_unmapped_and_maps(api_as, users, mes):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    integration = initiative.integrations.get()
    listed = api_as("it_lead").get("/api/integrations/", {"mapped": "false"}).json()["results"]
    assert [row["id"] for row in listed] == [integration.pk]
    url = f"/api/integrations/{integration.pk}/map/"
    assert api_as("sponsor").post(url, {"system": mes.pk}, format="json").status_code == 403
    assert api_as("it_lead").post(url, {"system": 999999}, format="json").status_code == 400
    mapped = api_as("it_lead").post(url, {"system": mes.pk}, format="json")
    assert mapped.status_code == 200 and mapped.json()["mapped"] is True
    assert api_as("it_lead").get("/api/integrations/", {"mapped": "false"}).json()["results"] == []


# ---- the owner acknowledges ------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor, outcome",
    [("reviewer", "allowed"), ("it_lead", "PermissionDenied"), ("sponsor", "PermissionDenied"),
     ("other_reviewer", "PermissionDenied")],
)  # fmt: skip
def test_only_the_system_owner_acknowledges(users, mes, actor, outcome):
    initiative = linked_draft(users, mes)
    services.submit_initiative(initiative=initiative, user=users["sponsor"])
    integration = initiative.integrations.get()
    result = attempt(
        lambda: integrations.acknowledge_integration(integration=integration, user=users[actor]),
        integration,
    )
    assert result.outcome == outcome
    if outcome == "allowed":
        assert result.events == ["integration.acknowledged"]


def test_acknowledging_twice_is_once(users, mes):
    initiative = linked_draft(users, mes)
    services.submit_initiative(initiative=initiative, user=users["sponsor"])
    integration = initiative.integrations.get()
    integrations.acknowledge_integration(integration=integration, user=users["reviewer"])
    integrations.acknowledge_integration(integration=integration, user=users["reviewer"])
    assert AuditEvent.objects.filter(action="integration.acknowledged").count() == 1


def test_the_owner_acknowledges_in_one_click_on_the_system_page(users, mes):
    initiative = linked_draft(users, mes)
    services.submit_initiative(initiative=initiative, user=users["sponsor"])
    integration = initiative.integrations.get()
    client = client_for(users["reviewer"])
    page = client.get(f"/initiatives/systems/{mes.pk}/").content.decode()
    assert "High-criticality system touched without the owner" in page
    assert "Acknowledge</button>" in page
    assert (
        client_for(users["sponsor"])
        .post(f"/initiatives/integrations/{integration.pk}/acknowledge/")
        .status_code
        == 403
    )
    integration.refresh_from_db()
    assert integration.owner_acknowledged_at is None
    client.post(f"/initiatives/integrations/{integration.pk}/acknowledge/")
    integration.refresh_from_db()
    assert integration.owner_acknowledged_by == users["reviewer"]
    page = client.get(f"/initiatives/systems/{mes.pk}/").content.decode()
    assert "High-criticality system touched without the owner" not in page


def test_the_api_acknowledges_for_the_owner_only(api_as, users, mes):
    initiative = linked_draft(users, mes)
    services.submit_initiative(initiative=initiative, user=users["sponsor"])
    integration = initiative.integrations.get()
    url = f"/api/integrations/{integration.pk}/acknowledge/"
    assert api_as("it_lead").post(url).status_code == 403
    response = api_as("reviewer").post(url)
    assert response.status_code == 200
    assert response.json()["owner_acknowledged_by"] == "reviewer"
