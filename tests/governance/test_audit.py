"""The chained audit trail: one event per change with its diff, where it came from,
that nothing can change a recorded event, and that verify_audit finds tampering."""

import json

import pytest
from celery import shared_task
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit.chain import HASHED_FIELDS, compute_hash, verify_chain
from audit.models import AuditChainHead, AuditEvent, AuditImmutable
from audit.services import record_event
from audit.sources import audit_source, current_source
from initiatives import permissions, services
from initiatives.models import Status
from tests import factories


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("seq"))


def tamper(sql: str, params=()) -> None:
    """Change the table behind the app's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks must run first, or ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE governance_auditevent DISABLE TRIGGER governance_auditevent_immutable"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE governance_auditevent ENABLE TRIGGER governance_auditevent_immutable"
            )


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


@shared_task
def _record_from_task(initiative_id: int) -> int:
    from initiatives.models import Initiative

    initiative = Initiative.objects.get(pk=initiative_id)
    return record_event(actor=None, action="x.task", obj=initiative, initiative=initiative).pk


@pytest.mark.django_db
class TestSourceFromContext:
    def test_browser_request(self, client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="T")
        client.force_login(users["sponsor"])
        client.post(
            f"/initiatives/{initiative.pk}/status/", {"to": "withdrawn", "reason": "not now"}
        )
        [event] = events(initiative=initiative, action="initiative.withdrawn")
        assert event.source == "browser"
        assert event.changes["reason"] == "not now"

    def test_api_request(self, client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        client.force_login(users["sponsor"])
        response = client.post(f"/api/initiatives/{initiative.pk}/withdraw/")
        assert response.status_code == 200
        [event] = events(initiative=initiative, action="initiative.withdrawn")
        assert event.source == "api"

    def test_celery_task(self, complete_initiative):
        pk = _record_from_task.apply(args=[complete_initiative.pk]).get()
        assert AuditEvent.objects.get(pk=pk).source == "task"
        assert current_source() == "system"  # reset after the task

    def test_admin_change_is_recorded_with_source_admin(self, client, users):
        users["admin"].is_staff = users["admin"].is_superuser = True
        users["admin"].save()
        site = factories.SiteFactory(name="Brno")
        client.force_login(users["admin"])
        response = client.post(
            f"/admin/initiatives/site/{site.pk}/change/", {"name": "Brno Plant", "country": "CZ"}
        )
        assert response.status_code == 302
        [event] = events(action="admin.updated")
        assert event.source == "admin"
        assert event.object_type == "initiatives.Site"
        assert event.actor == users["admin"]


@pytest.mark.django_db
class TestChain:
    def test_events_link_to_the_one_before(self, users, complete_initiative):
        services.submit_initiative(initiative=complete_initiative, user=complete_initiative.sponsor)
        chain = events()
        assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
        assert chain[0].prev_hash == "0" * 64
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.prev_hash == before.hash
        head = AuditChainHead.objects.get()
        assert (head.last_seq, head.last_hash) == (chain[-1].seq, chain[-1].hash)
        assert verify_chain().ok

    def test_hash_covers_every_recorded_field(self, complete_initiative):
        event = events()[0]
        fields = {name: getattr(event, name) for name in HASHED_FIELDS}
        assert compute_hash(fields) == event.hash
        for name, other in (("action", "x"), ("changes", {}), ("actor_id", 999)):
            assert compute_hash({**fields, name: other}) != event.hash

    def test_dates_in_changes_are_stored_as_hashed(self, users, complete_initiative):
        import datetime

        event = record_event(
            actor=users["sponsor"],
            action="x.date",
            obj=complete_initiative,
            changes={"due": [None, datetime.date(2027, 1, 31)]},
        )
        event.refresh_from_db()
        assert event.changes == {"due": [None, "2027-01-31"]}
        assert verify_chain().ok


@pytest.mark.django_db
class TestImmutable:
    def test_orm_cannot_change_or_delete_an_event(self, complete_initiative):
        event = events()[0]
        event.action = "forged"
        with pytest.raises(AuditImmutable):
            event.save()
        with pytest.raises(AuditImmutable):
            event.delete()
        with pytest.raises(AuditImmutable):
            AuditEvent.objects.filter(pk=event.pk).update(action="forged")
        with pytest.raises(AuditImmutable):
            AuditEvent.objects.all().delete()
        with pytest.raises(AuditImmutable):
            AuditEvent.objects.bulk_create([AuditEvent(seq=99, hash="f" * 64)])
        assert AuditEvent.objects.get(pk=event.pk).action == "initiative.created"

    def test_api_has_no_way_to_change_an_event(self, client, users, complete_initiative):
        event = events()[0]
        client.force_login(users["admin"])
        url = f"/api/audit-events/{event.seq}/"
        assert client.get(url).status_code == 200
        body = json.dumps({"action": "forged"})
        assert client.put(url, body, content_type="application/json").status_code == 405
        assert client.patch(url, body, content_type="application/json").status_code == 405
        assert client.delete(url).status_code == 405
        assert (
            client.post("/api/audit-events/", body, content_type="application/json").status_code
            == 405
        )
        assert AuditEvent.objects.get(pk=event.pk).action == "initiative.created"

    def test_admin_is_read_only_even_for_superusers(self, client, users, complete_initiative):
        admin_user = users["admin"]
        admin_user.is_staff = admin_user.is_superuser = True
        admin_user.save()
        client.force_login(admin_user)
        event = events()[0]
        base = "/admin/audit/auditevent/"
        assert client.get(base).status_code == 200
        assert client.get(f"{base}{event.pk}/change/").status_code == 200  # view only
        changed = client.post(f"{base}{event.pk}/change/", {"action": "forged"})
        assert changed.status_code == 403
        assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.get(f"{base}add/").status_code == 403
        bulk = client.post(
            base, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
        )
        assert bulk.status_code in (200, 302)
        assert AuditEvent.objects.filter(pk=event.pk, action="initiative.created").exists()

    def test_auditor_pages_accept_no_writes(self, client, users, complete_initiative):
        client.force_login(users["it_lead"])
        url = f"/governance/initiatives/{complete_initiative.pk}/audit/"
        assert client.post(url, {"action": "forged"}).status_code == 405
        assert client.post(url.replace("audit/", "audit.json")).status_code == 405

    def test_database_refuses_updates_and_deletes(self, complete_initiative):
        if connection.vendor != "postgresql":
            pytest.skip("the trigger is PostgreSQL's; SQLite relies on the app and verify")
        from django.db import InternalError, ProgrammingError

        for sql in (
            "UPDATE governance_auditevent SET action = 'forged'",
            "DELETE FROM governance_auditevent",
        ):
            with (
                pytest.raises((InternalError, ProgrammingError)),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        assert AuditEvent.objects.filter(action="initiative.created").exists()


@pytest.mark.django_db
class TestVerify:
    @pytest.fixture
    def trail(self, users, complete_initiative):
        services.submit_initiative(initiative=complete_initiative, user=complete_initiative.sponsor)
        services.grant_membership(
            complete_initiative, users["reviewer"], can_review=True, actor=users["it_lead"]
        )
        return events()

    def test_intact_chain_passes(self, trail, capsys):
        call_command("verify_audit")
        assert f"intact: {len(trail)} event(s)" in capsys.readouterr().out

    def test_altered_row_is_found(self, trail):
        target = trail[1]
        tamper(
            "UPDATE governance_auditevent SET changes = %s WHERE id = %s",
            [json.dumps({"status": ["draft", "ready_for_build"]}), target.pk],
        )
        with pytest.raises(CommandError, match=f"BROKEN at event #{target.seq} .*altered"):
            call_command("verify_audit")

    def test_altered_row_with_recomputed_hash_breaks_the_next_link(self, trail):
        target = trail[0]
        fields = {name: getattr(target, name) for name in HASHED_FIELDS}
        fields["object_repr"] = "forged"
        tamper(
            "UPDATE governance_auditevent SET object_repr = 'forged', hash = %s WHERE id = %s",
            [compute_hash(fields), target.pk],
        )
        with pytest.raises(CommandError, match=f"event #{trail[1].seq} .*prev_hash"):
            call_command("verify_audit")

    def test_deleted_row_is_found(self, trail):
        tamper("DELETE FROM governance_auditevent WHERE id = %s", [trail[1].pk])
        with pytest.raises(CommandError, match=f"#{trail[2].seq} .*missing"):
            call_command("verify_audit")

    def test_rows_cut_off_the_end_are_found(self, trail):
        tamper("DELETE FROM governance_auditevent WHERE id = %s", [trail[-1].pk])
        with pytest.raises(CommandError, match="removed from the end"):
            call_command("verify_audit")
