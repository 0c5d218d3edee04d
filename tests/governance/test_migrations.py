"""What the governance migrations put in the database: the Celery beat schedules, naming
tasks that exist."""

import pytest

from harmony_portal.celery import app


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


@pytest.mark.django_db
def test_a_nightly_full_risk_sweep_backs_the_hourly_incremental_one():
    import json

    from django_celery_beat.models import PeriodicTask

    sweeps = {
        json.loads(t.kwargs).get("full", False): t
        for t in PeriodicTask.objects.filter(task="governance.risk.tasks.sweep_risk")
    }
    assert sweeps[False].interval.every == 1 and sweeps[False].interval.period == "hours"
    nightly = sweeps[True]
    assert (nightly.crontab.minute, nightly.crontab.hour) == ("40", "3") and nightly.enabled
