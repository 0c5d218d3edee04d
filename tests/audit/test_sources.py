"""Where a change came from: browser, API, Celery task or admin (audit/sources.py)."""

import pytest
from celery import shared_task

from audit.models import AuditEvent
from audit.services import record_event
from audit.sources import current_source
from tests import factories
from tests.audit.conftest import events


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
