"""Background work of working sessions: reminders and the rolling horizon of occurrences.
Each task takes ids (or nothing) and relies on database constraints (`Delivery`,
`one_session_per_slot`), not timing, for "exactly once"."""

from celery import shared_task

from . import invitations, reminders, services


@shared_task(acks_late=True)
def send_session_reminder(session_id: int) -> int:
    """Remind the participants of one occurrence; a second run sends nothing."""
    return reminders.send_session_reminder(session_id)


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    """Every reminder that is due now (or fell due while the broker was down)."""
    return sum(reminders.send_session_reminder(pk) for pk in reminders.due_reminder_session_ids())


@shared_task(acks_late=True)
def extend_session_horizons() -> int:
    return services.extend_all_horizons()


@shared_task(acks_late=True)
def send_session_invitations(session_id: int) -> int:
    """The invitation (or cancellation) of one occurrence's current SEQUENCE, once per person."""
    return invitations.send_session_invitations(session_id)


@shared_task(acks_late=True)
def send_series_invitations(series_id: int) -> int:
    """Invitations of a series' upcoming occurrences that have not gone out yet."""
    return invitations.send_series_invitations(series_id)


@shared_task(acks_late=True)
def cancel_deleted_invitations(facts: dict) -> int:
    """Cancellation of an occurrence that a cadence change deleted."""
    return invitations.cancel_deleted(facts)
