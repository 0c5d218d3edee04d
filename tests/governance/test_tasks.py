"""Governance tasks on a real worker through Redis, and concurrency on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from governance.notifications.models import Delivery
from governance.risk.models import RiskState, RiskStatusChange
from governance.risk.tasks import recompute_risk, sweep_risk
from governance.sessions.models import WorkingSession
from governance.sessions.tasks import (
    send_session_reminder,
)
from harmony_portal.celery import app
from initiatives.models import Initiative, RiskLevel
from reviews.models import DesignInput
from tests import factories
from tests.conftest import need_service


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
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10
    ):
        results = [send_session_reminder.delay(session.pk) for _ in range(2)]
        counts = [r.get(timeout=30) for r in results]
    # The runs may split the work between them; together each message goes out once.
    assert sum(counts) == 6
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


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_sweep_on_a_real_worker_recomputes_status(redis_url):
    need_service("Redis broker", app.conf.broker_url.startswith("redis://"))
    users = factories.role_users()
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    factories.working_series(initiative=initiative, user=users["it_lead"])
    # Written without signals, as a bulk import would: only the sweep can notice it.
    DesignInput.objects.bulk_create(
        [
            DesignInput(
                initiative=initiative,
                area="security",
                title="Data residency",
                severity="high",
                raised_by=users["reviewer"],
            )
        ]
    )
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert sweep_risk.delay().get(timeout=30) >= 1
    initiative.refresh_from_db()
    assert initiative.risk_level == RiskLevel.AT_RISK
    change = RiskStatusChange.objects.get(initiative=initiative)
    assert change.reasons == [
        "High-severity design input open: Data residency (Security & data exposure)"
    ]


@pytest.mark.django_db
def test_a_change_marks_dirty_and_the_debounced_task_recomputes(
    users, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(
        recompute_risk, "apply_async", lambda args, **kw: enqueued.append((args, kw))
    )
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    factories.working_series(initiative=initiative, user=users["it_lead"])
    recompute_risk(initiative.pk)
    from django.core.cache import cache

    cache.clear()
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for title in ("One", "Two"):
            DesignInput.objects.create(
                initiative=initiative,
                area="security",
                title=title,
                severity="high",
                raised_by=users["reviewer"],
            )
    assert RiskState.objects.get(initiative=initiative).dirty
    # Two changes in a row: one task, a few seconds later.
    assert enqueued == [((initiative.pk,), {"countdown": 5, "retry": False})]
    assert recompute_risk(initiative.pk) is True
    assert Initiative.objects.get(pk=initiative.pk).risk_level == RiskLevel.AT_RISK
    assert recompute_risk(initiative.pk) is False  # nothing changed since


@pytest.mark.django_db
def test_broker_down_does_not_break_the_request(
    client, users, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from kombu.exceptions import OperationalError

    cache.clear()

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to localhost:6379. Connection refused.")

    monkeypatch.setattr(recompute_risk, "apply_async", broker_down)
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    client.force_login(users["sponsor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/initiatives/{initiative.pk}/working-session/",
            {
                "cadence": "weekly",
                "weekday": 2,
                "start_time": "09:30",
                "time_zone": "Europe/Berlin",
                "duration_minutes": 45,
                "location": "Teams",
                "starts_on": timezone.localdate().isoformat(),
                "reminder_lead_hours": 24,
                "participants": "reviewer",
            },
        )
    assert response.status_code == 302
    assert initiative.working_series.sessions.exists()
    # The change is marked in the database; the sweep catches up.
    assert RiskState.objects.get(initiative=initiative).dirty is True
    sweep_risk()
    assert RiskState.objects.get(initiative=initiative).dirty is False


@pytest.mark.django_db
def test_beat_schedules_are_in_the_database_and_name_real_tasks():
    from django_celery_beat.models import PeriodicTask

    app.loader.import_default_modules()
    names = dict(PeriodicTask.objects.values_list("task", "name"))
    for task in (
        "governance.sessions.tasks.send_due_reminders",
        "governance.risk.tasks.sweep_risk",
        "governance.sessions.tasks.extend_session_horizons",
        "governance.notifications.tasks.send_overdue_nudges",
        "governance.notifications.tasks.send_reviewer_digests",
    ):
        assert task in names, task
        assert task in app.tasks, task
    reminders = PeriodicTask.objects.get(task="governance.sessions.tasks.send_due_reminders")
    assert reminders.interval.every == 10 and reminders.enabled
