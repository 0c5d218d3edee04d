"""Background work of the dashboard: building a large portfolio CSV and removing old ones.
Both take ids (or nothing) and are safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def build_portfolio_export(export_id: int) -> bool:
    """Build one recorded export (started through the outbox by `start_portfolio_export`)."""
    return services.build_portfolio_export(export_id)


@shared_task(acks_late=True)
def remove_expired_portfolio_exports() -> int:
    """Hourly: remove the exports older than EXPORT_KEEP_HOURS, their files with them."""
    return services.remove_expired_exports()
