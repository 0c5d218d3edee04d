"""Background work of risk status: the debounced recomputation after a change and the hourly
sweep. Both take ids (or nothing) and are safe to run twice."""

from celery import shared_task
from django.db import transaction

from initiatives.models import Initiative
from outbox import enqueue

from . import services
from .models import RiskState

# Changes within this many seconds of each other are folded into one recomputation.
RISK_DEBOUNCE_SECONDS = 5


@shared_task(acks_late=True)
def recompute_risk(initiative_id: int) -> bool:
    """Recompute one initiative if something changed since the last run (or it never ran).

    Changes within the debounce window share one outbox message; a change after it was sent
    brings another, which finds the initiative clean if the first already saw that change.
    """
    with transaction.atomic():
        # The row lock serialises two workers on the same initiative: the second waits, then
        # finds it clean, so one change is never recorded twice in the history.
        locked = Initiative.objects.select_for_update(no_key=True).filter(pk=initiative_id)
        if not locked.values_list("pk", flat=True):
            return False
        state = RiskState.objects.filter(initiative_id=initiative_id).first()
        if state is not None and not state.dirty:
            return False
        services.recompute([initiative_id])
    return True


@shared_task(acks_late=True)
def sweep_risk(full: bool = False) -> int:
    """Recompute, in chunks, the initiatives whose facts changed or whose re-check time came
    (staleness moves with time even when nothing changes); `full`: every initiative."""
    return services.sweep(full=full)


def schedule_risk_recompute(initiative_id: int) -> None:
    """Record a recomputation in the caller's transaction, sent RISK_DEBOUNCE_SECONDS later;
    changes in between fold into it (one pending outbox message per initiative)."""
    enqueue(
        "governance.risk.tasks.recompute_risk",
        {"initiative_id": initiative_id},
        key=f"risk-recompute:{initiative_id}",
        delay=RISK_DEBOUNCE_SECONDS,
    )
