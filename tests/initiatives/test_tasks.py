"""A real Celery task travels through Redis to a real worker and has its effect."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from harmony_portal.celery import app
from initiatives.models import Initiative
from initiatives.tasks import notify_it_of_submission
from tests import factories
from tests.conftest import need_service


@pytest.mark.django_db
def test_notification_is_sent_once_even_when_task_runs_twice(users, settings):
    users["it_lead"].email = "lead@example.com"
    users["it_lead"].save()
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    assert notify_it_of_submission(initiative.pk) is True
    assert notify_it_of_submission(initiative.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lead@example.com"]
    assert initiative.reference in mail.outbox[0].subject


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker_through_redis(redis_url):
    need_service("Redis broker", app.conf.broker_url.startswith("redis://"))
    users = factories.role_users()
    users["it_lead"].email = "lead@example.com"
    users["it_lead"].save()
    initiative = factories.complete_initiative(sponsor=users["sponsor"])
    # Clear anything earlier tests left in the queue; this worker must only see ours.
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        from initiatives import services

        services.submit_initiative(initiative=initiative, user=users["sponsor"])
        result = notify_it_of_submission.delay(initiative.pk)
        result.get(timeout=20)
    initiative.refresh_from_db()
    assert initiative.submission_notified_at is not None
    # The on_commit dispatch and the explicit one both ran; the effect happened once.
    assert len([m for m in mail.outbox if initiative.reference in m.subject]) == 1
    assert Initiative.objects.filter(submission_notified_at__isnull=False).count() == 1
