"""Background work of governance: reminders, digests, nudges, horizons and risk status.

Every task takes ids (or nothing), is safe to run twice, and relies on database constraints
(`Delivery`, `one_session_per_slot`) rather than timing for "exactly once".
"""

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from . import notifications, risk, sessions
from .models import RiskState

logger = logging.getLogger(__name__)

# Changes within this many seconds of each other are folded into one recomputation.
RISK_DEBOUNCE_SECONDS = 5


@shared_task(acks_late=True)
def send_session_reminder(session_id: int) -> int:
    """Remind the participants of one occurrence; a second run sends nothing."""
    return notifications.send_session_reminder(session_id)


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    """Every reminder that is due now (or fell due while the broker was down)."""
    return sum(
        notifications.send_session_reminder(pk) for pk in notifications.due_reminder_session_ids()
    )


@shared_task(acks_late=True)
def send_reviewer_digests() -> int:
    return notifications.send_reviewer_digests()


@shared_task(acks_late=True)
def send_overdue_nudges() -> int:
    return notifications.send_overdue_nudges()


@shared_task(acks_late=True)
def extend_session_horizons() -> int:
    return sessions.extend_all_horizons()


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
        risk.recompute([initiative_id])
    return True


@shared_task(acks_late=True)
def sweep_risk() -> int:
    """Recompute every initiative (staleness moves with time even when nothing changes)."""
    return risk.recompute()


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
