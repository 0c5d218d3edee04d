"""Creating build tickets. Safe to run twice: a created ticket is not posted again."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def create_build_ticket(ticket_id: int) -> str:
    return services.attempt_ticket(ticket_id)
