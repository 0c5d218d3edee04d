"""Background work for initiatives. Tasks take ids and are safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def notify_it_of_submission(initiative_id: int) -> bool:
    """Tell IT leads that an initiative entered the IT queue (at most once)."""
    return services.send_submission_notice(initiative_id)
