"""Background work of notifications: the weekly reviewer digest and overdue nudges. Safe to
run twice: the `Delivery` rows make each message go out once."""

from celery import shared_task

from . import digests, services


@shared_task(acks_late=True)
def send_reviewer_digests() -> int:
    return digests.send_reviewer_digests()


@shared_task(acks_late=True)
def send_overdue_nudges() -> int:
    return digests.send_overdue_nudges()


@shared_task(acks_late=True)
def notify_system_owner(integration_id: int) -> list[str]:
    return services.notify_system_owner(integration_id)


def notify_event(event_id: int) -> int:
    """Tell the next people of one hand-off (enqueued in the outbox by `events`)."""
    return services.notify_event(event_id)


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    return services.send_daily_digests()
