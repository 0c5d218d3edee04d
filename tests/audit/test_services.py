"""record_event: one event per change with its diff, whatever service makes the change."""

import pytest

from audit.services import record_event
from audit.sources import audit_source
from initiatives import permissions, services
from initiatives.models import Status
from tests import factories
from tests.audit.conftest import events


@pytest.mark.django_db
class TestOneEventPerChange:
    def test_create_records_one_event_with_the_answers(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Vision QA")
        [event] = events(initiative=initiative)
        assert event.action == "initiative.created"
        assert event.actor == users["sponsor"]
        assert event.changes["after"]["title"] == "Vision QA"
        assert event.changes["after"]["sponsor"] == users["sponsor"].pk

    def test_update_records_one_event_with_old_and_new(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Old")
        services.update_initiative(
            initiative=initiative,
            user=users["sponsor"],
            fields={"title": "New", "phase": initiative.phase},
            expected_version=initiative.version,
        )
        [event] = events(initiative=initiative, action="initiative.updated")
        assert event.changes == {"title": ["Old", "New"]}
        assert len(events(initiative=initiative)) == 2

    def test_co_sponsor_change_is_one_event_not_one_per_permission(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        services.update_initiative(
            initiative=initiative,
            user=users["sponsor"],
            fields={"co_sponsors": [users["co_sponsor"]]},
            expected_version=initiative.version,
        )
        later = events(initiative=initiative)[1:]
        assert [e.action for e in later] == ["initiative.updated"]
        assert later[0].changes == {"co_sponsors": [[], [users["co_sponsor"].pk]]}
        assert permissions.can_manage(users["co_sponsor"], initiative)

    def test_transition_records_one_event(self, complete_initiative):
        services.submit_initiative(initiative=complete_initiative, user=complete_initiative.sponsor)
        [event] = events(initiative=complete_initiative)[1:]
        assert event.action == "initiative.submitted"
        assert event.changes == {"status": [Status.DRAFT, Status.SUBMITTED]}

    def test_permission_grant_and_revoke_each_record_one_event(self, users, complete_initiative):
        reviewer = users["reviewer"]
        services.grant_membership(
            complete_initiative, reviewer, can_review=True, actor=users["it_lead"]
        )
        services.revoke_membership(complete_initiative, reviewer, actor=users["it_lead"])
        granted, revoked = events(action__startswith="membership.")
        assert granted.action == "membership.granted"
        assert granted.actor == users["it_lead"]
        assert granted.changes == {
            "user": "reviewer",
            "permissions": [[], ["review_initiative", "view_initiative"]],
        }
        assert revoked.changes["permissions"] == [["review_initiative", "view_initiative"], []]

    def test_a_grant_that_changes_nothing_records_nothing(self, users, complete_initiative):
        services.grant_membership(complete_initiative, users["sponsor"], can_change=True)
        services.revoke_membership(complete_initiative, users["norole"])
        assert events(action__startswith="membership.") == []

    def test_explicit_source_wins_over_context(self, users, complete_initiative):
        with audit_source("browser"):
            event = record_event(
                actor=users["sponsor"], action="x.test", obj=complete_initiative, source="api"
            )
        assert event.source == "api"

    def test_outside_requests_and_tasks_the_source_is_system(self, complete_initiative):
        assert events(initiative=complete_initiative)[0].source == "system"
