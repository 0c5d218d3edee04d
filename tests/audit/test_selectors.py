"""The audit trail in words: every reference (a person, a site, a choice) shows its label when
the trail is read — old events included — while the exports keep the stored ids."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.selectors import readable_events
from audit.services import record_event
from tests import factories

pytestmark = pytest.mark.django_db


def _old_style_event(initiative, actor, changes):
    """An event written the way services always wrote them: ids and stored values."""
    return record_event(
        actor=actor,
        action="initiative.updated",
        obj=initiative,
        initiative=initiative,
        changes=changes,
    )


def _rows(event):
    return {what: (old, new) for what, old, new in readable_events([event])[0].readable_changes}


def test_ids_usernames_and_choices_read_as_labels(users, initiative):
    site = factories.SiteFactory(name="Querétaro Plant")
    owner = users["other_sponsor"]
    owner.first_name, owner.last_name = "Maria", "Lopez"
    owner.save()
    event = _old_style_event(
        initiative,
        users["sponsor"],
        {
            "site": [initiative.site_id, site.pk],
            "decision_owner": [None, owner.pk],
            "status": ["draft", "submitted"],
            "safety_critical": ["no", "yes"],
            "co_sponsors": [[], [owner.pk]],
            "reason": "Plant moved",
        },
    )
    rows = _rows(event)
    assert rows["site"] == ("Augsburg Plant", "Querétaro Plant")
    assert rows["decision owner"] == ("—", "Maria Lopez")
    assert rows["status"] == ("Draft", "Submitted to IT")
    assert rows["safety critical"] == ("No", "Yes")
    assert rows["co sponsors"] == ("—", "Maria Lopez")
    assert rows["reason"] == ("Plant moved", None)


def test_snapshots_of_other_objects_name_people_by_username(users, initiative):
    item = factories.design_input(
        initiative=initiative, raised_by=users["it_lead"], owner=users["sponsor"], area="vendor"
    )
    event = AuditEvent.objects.get(action="design_input.raised", object_id=str(item.pk))
    rows = _rows(event)
    sponsor = users["sponsor"]
    assert rows["owner"][1] == (sponsor.get_full_name() or sponsor.username)
    assert rows["area"][1] == "Vendor lock-in & survivability"
    assert rows["severity"][1] == "Medium"
    assert rows["status"][1] == "Raised"


def test_a_reference_to_something_deleted_keeps_its_id(users, initiative):
    event = _old_style_event(initiative, users["sponsor"], {"site": [None, 999_999]})
    assert _rows(event)["site"] == ("—", "999999")


def test_the_page_shows_labels_and_the_exports_keep_the_ids(client, users, initiative):
    site = factories.SiteFactory(name="Brno Plant")
    _old_style_event(initiative, users["sponsor"], {"site": [initiative.site_id, site.pk]})
    client.force_login(users["it_lead"])
    page = client.get(f"/governance/initiatives/{initiative.pk}/audit/").content.decode()
    assert "Augsburg Plant</span> → <span" in page and "Brno Plant" in page
    printed = client.get(f"/governance/initiatives/{initiative.pk}/audit/print/")
    assert "Brno Plant" in printed.content.decode()

    body = b"".join(
        client.get(f"/governance/initiatives/{initiative.pk}/audit.csv").streaming_content
    ).decode()
    last = list(csv.DictReader(io.StringIO(body)))[-1]
    assert f'"site": [{initiative.site_id}, {site.pk}]' in last["changes"]
    exported = client.get(f"/governance/initiatives/{initiative.pk}/audit.json").json()
    assert exported["events"][-1]["changes"]["site"] == [initiative.site_id, site.pk]
    api = client.get(f"/api/audit-events/?initiative={initiative.pk}").json()
    assert api["results"][-1]["changes"]["site"] == [initiative.site_id, site.pk]


def _trail_queries(client, initiative) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/governance/initiatives/{initiative.pk}/audit/").status_code == 200
    return len(queries)


def test_labels_cost_the_same_queries_for_few_or_many_events(client, users, initiative):
    client.force_login(users["it_lead"])
    people = [factories.UserFactory() for _ in range(12)]
    sites = [factories.SiteFactory(name=f"Plant {n}") for n in range(12)]

    def add(n):
        for person, site in zip(people[:n], sites[:n], strict=True):
            _old_style_event(
                initiative,
                users["sponsor"],
                {"site": [None, site.pk], "accountable_person": [None, person.pk]},
            )

    add(2)
    few = _trail_queries(client, initiative)
    add(12)
    many = _trail_queries(client, initiative)
    assert many == few
