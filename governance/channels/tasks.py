"""Posting channel deliveries. Safe to run twice: a delivery already sent is not posted again."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deliver_to_channel(delivery_id: int) -> str:
    return services.attempt_delivery(delivery_id)
