"""`/api/audit-events/`: only what the caller may audit, nothing for anonymous callers."""

import pytest

from tests import factories


@pytest.mark.django_db
class TestApi:
    def test_audit_events_are_filtered_by_who_may_audit(self, client, users, initiative):
        other = factories.submitted_initiative(sponsor=users["other_sponsor"])
        client.force_login(users["sponsor"])
        own = client.get("/api/audit-events/").json()
        assert {e["initiative"] for e in own["results"]} == {initiative.pk}
        client.force_login(users["norole"])
        assert client.get("/api/audit-events/").json()["count"] == 0
        client.force_login(users["it_lead"])
        every = client.get("/api/audit-events/", {"initiative": other.pk}).json()
        assert every["count"] == 2

    def test_anonymous_gets_nothing(self, client, initiative):
        assert client.get("/api/audit-events/").status_code in (401, 403)


def test_named_partners_read_the_events_of_their_initiative(partnered):
    from tests.conftest import api

    initiative = partnered["initiative"]
    for who in ("owner", "accountable"):
        events = api(partnered[who]).get("/api/audit-events/").json()
        assert events["count"] > 0
        assert {e["initiative"] for e in events["results"]} == {initiative.pk}
    assert api(partnered["outsider"]).get("/api/audit-events/").json()["count"] == 0
