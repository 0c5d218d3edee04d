"""Reads on initiatives: a system's usage (`system_usage`): vendors and connectors touching it,
the sprawl flags, the owner's missing acknowledgements — and never an initiative the reader
may not see, on the page and in the API."""

import pytest
from django.test import Client

from initiatives import selectors, services
from initiatives.models import Status
from landscape.models import EnterpriseSystem
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def mes(users):
    site = factories.SiteFactory(name="Augsburg Plant")
    return EnterpriseSystem.objects.create(
        site=site, name="Opcenter MES", kind="mes", it_owner=users["reviewer"], criticality="high"
    )


def touch(mes, sponsor, *, purpose="read_data", vendor="", connector="", submit=True, **fields):
    initiative = factories.complete_initiative(sponsor=sponsor, **fields)
    initiative.integrations.update(system=mes, purpose=purpose, vendor=vendor, connector=connector)
    if submit:
        initiative = services.submit_initiative(initiative=initiative, user=sponsor)
    return initiative


def test_two_vendors_for_the_same_purpose_is_sprawl(users, mes):
    touch(mes, users["sponsor"], vendor="DELMIA", connector="REST API")
    touch(mes, users["sponsor"], vendor="In-house", connector="rest api")
    touch(mes, users["sponsor"], purpose="write_back", vendor="Cognex", connector="Cognex MES")
    usage = selectors.system_usage(users["it_lead"], mes)
    assert [(f.purpose, f.what, f.names) for f in usage.sprawl] == [
        ("read_data", "vendors", ["DELMIA", "In-house"])
    ]
    assert usage.vendors == ["Cognex", "DELMIA", "In-house"]
    assert usage.connectors == ["Cognex MES", "REST API"]


def test_two_connectors_for_the_same_purpose_is_sprawl(users, mes):
    touch(mes, users["sponsor"], vendor="In-house", connector="OPC UA gateway")
    touch(mes, users["sponsor"], vendor="In-house", connector="Opcenter REST API")
    [flag] = selectors.system_usage(users["it_lead"], mes).sprawl
    assert (flag.what, flag.names) == ("connectors", ["OPC UA gateway", "Opcenter REST API"])


def test_one_vendor_and_withdrawn_initiatives_are_no_sprawl(users, mes):
    touch(mes, users["sponsor"], vendor="DELMIA")
    withdrawn = touch(mes, users["sponsor"], vendor="Asprova")
    services.transition_initiative(
        initiative=withdrawn, user=users["sponsor"], to_status=Status.WITHDRAWN, reason="x"
    )
    assert selectors.system_usage(users["it_lead"], mes).sprawl == []


def test_high_criticality_without_acknowledgement_is_flagged_for_submitted_only(users, mes):
    touch(mes, users["sponsor"], submit=False)
    submitted = touch(mes, users["sponsor"])
    usage = selectors.system_usage(users["it_lead"], mes)
    assert [i.initiative_id for i in usage.unacknowledged] == [submitted.pk]
    mes.criticality = "medium"
    mes.save()
    assert selectors.system_usage(users["it_lead"], mes).unacknowledged == []


def test_a_hidden_initiative_neither_shows_nor_raises_a_flag(users, mes):
    touch(mes, users["sponsor"], vendor="DELMIA", title="Public scheduling")
    touch(
        mes, users["other_sponsor"], vendor="Asprova", title="Secret scheduling", confidential=True
    )
    sponsor_view = selectors.system_usage(users["sponsor"], mes)
    assert [i.initiative.title for i in sponsor_view.integrations] == ["Public scheduling"]
    assert sponsor_view.sprawl == [] and sponsor_view.vendors == ["DELMIA"]
    lead_view = selectors.system_usage(users["it_lead"], mes)
    assert len(lead_view.sprawl) == 1

    client = Client()
    client.force_login(users["sponsor"])
    page = client.get(f"/initiatives/systems/{mes.pk}/").content.decode()
    assert "Public scheduling" in page
    assert "Secret scheduling" not in page and "Asprova" not in page


def test_the_api_gives_the_same_usage(api_as, users, mes):
    touch(mes, users["sponsor"], vendor="DELMIA", title="Public scheduling")
    touch(mes, users["other_sponsor"], vendor="Asprova", title="Secret", confidential=True)
    sponsor = api_as("sponsor").get(f"/api/system-usage/{mes.pk}/").json()
    assert [row["vendor"] for row in sponsor["integrations"]] == ["DELMIA"]
    assert sponsor["sprawl"] == []
    lead = api_as("it_lead").get(f"/api/system-usage/{mes.pk}/").json()
    assert lead["sprawl"] == [
        {"purpose": "read_data", "what": "vendors", "names": ["Asprova", "DELMIA"]}
    ]
    assert len(lead["unacknowledged"]) == 2
    assert api_as("anonymous").get(f"/api/system-usage/{mes.pk}/").status_code == 401
    assert api_as("sponsor").get("/api/system-usage/999999/").status_code == 404


def test_the_system_page_does_not_grow_with_its_integrations(
    users, mes, django_assert_max_num_queries
):
    for n in range(3):
        touch(mes, users["sponsor"], vendor=f"Vendor {n}")
    client = Client()
    client.force_login(users["it_lead"])
    client.get(f"/initiatives/systems/{mes.pk}/")
    # The page's own queries plus the navigation's My work count (up to 4 for an IT lead).
    with django_assert_max_num_queries(13) as few:
        client.get(f"/initiatives/systems/{mes.pk}/")
    for n in range(6):
        touch(mes, users["sponsor"], vendor=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/initiatives/systems/{mes.pk}/")
    assert response.content.decode().count("More ") >= 6


def test_my_initiatives_are_the_sponsored_and_co_sponsored_once_each_newest_first(users):
    sponsor, other = users["sponsor"], users["other_sponsor"]
    own = factories.draft_initiative(sponsor=sponsor, title="Own")
    shared = factories.draft_initiative(sponsor=other, title="Shared")
    shared.co_sponsors.add(sponsor)
    both = factories.draft_initiative(sponsor=sponsor, title="Own and co-sponsored")
    both.co_sponsors.add(sponsor, other)  # listed once, though two link rows match a join
    factories.draft_initiative(sponsor=other, title="Not mine").co_sponsors.add(other)
    for n, initiative in enumerate([shared, own, both]):  # activity order: both, own, shared
        type(initiative).objects.filter(pk=initiative.pk).update(
            updated_at=initiative.updated_at.replace(year=2030, microsecond=n)
        )
    mine = selectors.my_initiatives(sponsor)
    assert [i.title for i in mine] == ["Own and co-sponsored", "Own", "Shared"]
    assert [i.title for i in selectors.my_initiatives(other)] == [
        "Own and co-sponsored",
        "Shared",
        "Not mine",
    ]
    # A subquery on the link table, no join and no DISTINCT (which made PostgreSQL read every
    # initiative for one person's rows).
    sql = str(mine.query).upper()
    assert "DISTINCT" not in sql
    assert 'JOIN "INITIATIVES_INITIATIVE_CO_SPONSORS"' not in sql
    assert 'FROM "INITIATIVES_INITIATIVE_CO_SPONSORS" U0 WHERE U0."USER_ID"' in sql
