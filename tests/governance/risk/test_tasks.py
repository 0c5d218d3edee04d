"""Risk tasks: the sweep on a real worker through Redis, and the debounced recomputation that
a change records in the outbox, in its own transaction."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from governance.risk.models import RiskState, RiskStatusChange
from governance.risk.tasks import recompute_risk, sweep_risk
from harmony_portal.celery import app
from initiatives.models import Initiative, RiskLevel
from outbox.models import Message
from reviews.models import DesignInput
from tests import factories
from tests.conftest import RealWorker, need_service


def high_input_behind_the_signals(initiative, reviewer) -> None:
    """An open high-severity design input written without signals, as a bulk import would:
    the risk state stays clean and not due, so only a full sweep notices it."""
    DesignInput.objects.bulk_create(
        [
            DesignInput(
                initiative=initiative,
                area="security",
                title="Data residency",
                severity="high",
                raised_by=reviewer,
            )
        ]
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_sweep_on_a_real_worker_recomputes_status(redis_url):
    need_service("Redis broker", app.conf.broker_url.startswith("redis://"))
    users = factories.role_users()
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    factories.working_series(initiative=initiative, user=users["it_lead"])
    # Written without signals, as a bulk import would: only the sweep can notice it.
    high_input_behind_the_signals(initiative, users["reviewer"])
    app.control.purge()
    with RealWorker(app) as worker:
        sweep_risk.delay()
        worker.wait_for("governance.risk.tasks.sweep_risk")
    initiative.refresh_from_db()
    assert initiative.risk_level == RiskLevel.AT_RISK
    change = RiskStatusChange.objects.get(initiative=initiative)
    assert change.reasons == [
        "High-severity design input open: Data residency (Security & data exposure)"
    ]


RECOMPUTE = "governance.risk.tasks.recompute_risk"


@pytest.mark.django_db
def test_a_change_marks_dirty_and_records_one_debounced_recomputation(
    users, django_capture_on_commit_callbacks
):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    factories.working_series(initiative=initiative, user=users["it_lead"])
    recompute_risk(initiative.pk)
    Message.objects.all().delete()
    before = timezone.now()
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
    # Two changes in a row: one recomputation, due a few seconds later.
    message = Message.objects.get(task=RECOMPUTE)
    assert message.kwargs == {"initiative_id": initiative.pk}
    assert message.available_at >= before + timedelta(seconds=5)
    assert recompute_risk(initiative.pk) is True
    assert Initiative.objects.get(pk=initiative.pk).risk_level == RiskLevel.AT_RISK
    assert recompute_risk(initiative.pk) is False  # nothing changed since


@pytest.mark.django_db
def test_an_initiative_never_computed_is_computed_and_a_missing_one_is_skipped(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    RiskState.objects.filter(initiative=initiative).delete()
    assert recompute_risk(initiative.pk) is True
    assert RiskState.objects.get(initiative=initiative).dirty is False
    assert recompute_risk(initiative.pk + 1000) is False
    assert not RiskState.objects.filter(initiative_id=initiative.pk + 1000).exists()


@pytest.mark.django_db
def test_a_change_that_rolls_back_records_no_recomputation(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    recompute_risk(initiative.pk)
    Message.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.design_input(initiative=initiative, raised_by=users["it_lead"])
        raise RuntimeError("rolled back")
    assert not Message.objects.exists()
    assert RiskState.objects.get(initiative=initiative).dirty is False


@pytest.mark.django_db
def test_the_hourly_sweep_skips_what_is_current_and_the_full_one_takes_everything(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    factories.working_series(initiative=initiative, user=users["it_lead"])
    sweep_risk(full=True)
    # A bulk write behind the signals' back: the risk state stays clean and not due.
    high_input_behind_the_signals(initiative, users["reviewer"])
    assert sweep_risk() == 0
    assert Initiative.objects.get(pk=initiative.pk).risk_level == RiskLevel.ON_TRACK
    assert sweep_risk(full=True) == 1
    assert Initiative.objects.get(pk=initiative.pk).risk_level == RiskLevel.AT_RISK


@pytest.mark.django_db
def test_the_sweep_command_runs_incremental_or_full(users):
    from io import StringIO

    from django.core.management import CommandError, call_command

    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    RiskState.objects.filter(initiative=initiative).delete()
    out = StringIO()
    call_command("sweep_risk", stdout=out)
    assert out.getvalue() == "Risk sweep (incremental): 1 initiative(s) changed level.\n"
    assert RiskState.objects.get(initiative=initiative).dirty is False
    out = StringIO()
    call_command("sweep_risk", "--full", "--chunk-size", "1", stdout=out)
    assert out.getvalue() == "Risk sweep (full): 0 initiative(s) changed level.\n"
    with pytest.raises(CommandError, match="--chunk-size must be at least 1"):
        call_command("sweep_risk", "--chunk-size", "0")
