"""A recorded event cannot be changed or deleted: not through the ORM (AuditImmutable), the API,
the admin or the auditor pages, nor (PostgreSQL trigger) with SQL."""

import json

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent, AuditImmutable
from tests.audit.conftest import events


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
