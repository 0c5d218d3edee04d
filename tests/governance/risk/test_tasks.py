"""Risk tasks: the sweep on a real worker through Redis, the debounced recomputation after a
change, and a broker that is down."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from governance.risk.models import RiskState, RiskStatusChange
from governance.risk.tasks import recompute_risk, sweep_risk
from harmony_portal.celery import app
from initiatives.models import Initiative, RiskLevel
from reviews.models import DesignInput
from tests import factories
from tests.conftest import need_service


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
