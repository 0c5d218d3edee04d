"""Background work of risk status: the debounced recomputation after a change and the hourly
sweep. Both take ids (or nothing) and are safe to run twice."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from . import services
from .models import RiskState

logger = logging.getLogger(__name__)

# Changes within this many seconds of each other are folded into one recomputation.
RISK_DEBOUNCE_SECONDS = 5


@shared_task(acks_late=True)
def recompute_risk(initiative_id: int) -> bool:
    """Recompute one initiative if something changed since the last run.

    Several changes in a row enqueue several tasks; the first clears the dirty flag and the
    others find nothing to do.
    """
    with transaction.atomic():
        # The row lock serialises two workers on the same initiative: the second waits, then
        # finds it clean, so one change is never recorded twice in the history.
        state = (
            RiskState.objects.select_for_update()
            .filter(initiative_id=initiative_id, dirty=True)
            .first()
        )
        if state is None:
            return False
        services.recompute([initiative_id])
    return True


@shared_task(acks_late=True)
def sweep_risk() -> int:
    """Recompute every initiative (staleness moves with time even when nothing changes)."""
    return services.recompute()


def schedule_risk_recompute(initiative_id: int) -> None:
    """Enqueue a debounced recomputation. Never fails the caller: with the broker down the
    change is still marked dirty in the database and the hourly sweep catches up."""
    if not cache.add(f"risk-recompute:{initiative_id}", 1, timeout=RISK_DEBOUNCE_SECONDS):
        return
    try:
        recompute_risk.apply_async((initiative_id,), countdown=RISK_DEBOUNCE_SECONDS, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure must not break the request
        cache.delete(f"risk-recompute:{initiative_id}")
        logger.warning(
            "Risk recomputation of %s not enqueued; the sweep will catch up",
            initiative_id,
            exc_info=True,
        )
