"""The reminder task on a real worker through Redis, and two runs racing on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from governance.notifications.models import Delivery
from governance.sessions.models import WorkingSession
from governance.sessions.tasks import send_session_reminder
from harmony_portal.celery import app
from tests import factories
from tests.conftest import RealWorker, need_service


def _series_with_due_session():
    users = factories.role_users()
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    series = factories.working_series(
        initiative=initiative,
        user=users["sponsor"],
        participants=[users["reviewer"], users["other_reviewer"]],
    )
    session = series.sessions.order_by("starts_at").first()
    at = timezone.now() + timedelta(hours=2)
    WorkingSession.objects.filter(pk=session.pk).update(starts_at=at, scheduled_for=at)
    return users, initiative, session


def _reminder_mails(initiative):
    return [m for m in mail.outbox if initiative.reference in m.subject]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_reminder_sent_once_when_two_workers_run_it_concurrently(redis_url):
    """Two runs of the same task at once, on a real worker (two threads) through Redis."""
    need_service("Redis broker", app.conf.broker_url.startswith("redis://"))
    need_service("PostgreSQL", connection.vendor == "postgresql")
    _users, initiative, session = _series_with_due_session()
    app.control.purge()
    with RealWorker(app, pool="threads", concurrency=2) as worker:
        for _ in range(2):
            send_session_reminder.delay(session.pk)
        worker.wait_for("governance.sessions.tasks.send_session_reminder", count=2)
    # The runs may split the work between them; together each message goes out once.
    assert len(_reminder_mails(initiative)) == 3
    assert Delivery.objects.filter(session_id=session.pk).count() == 6


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_threads_racing_send_each_reminder_once():
    """Without a broker: two threads call the task body at the same instant."""
    need_service("PostgreSQL", connection.vendor == "postgresql")
    _users, initiative, session = _series_with_due_session()
    barrier = threading.Barrier(2)
    counts = []

    def run():
        try:
            barrier.wait()
            counts.append(send_session_reminder(session.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(counts) == 6
    assert len(_reminder_mails(initiative)) == 3
