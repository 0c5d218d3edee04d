"""The transactional outbox: work that must happen after a change commits, recorded with it.

Services call `outbox.enqueue(...)` inside the transaction of their change instead of calling
Celery after commit. The message is an ordinary row, so it commits or rolls back with the
change, and a request never waits for the broker. The relay (`manage.py relay_outbox`, one or
more processes) publishes committed messages to Celery, oldest first, deletes each once the
broker has it, and backs off while the broker is unreachable:

    from outbox import enqueue

    with transaction.atomic():
        initiative.save()
        enqueue(
            "initiatives.tasks.notify_it_of_submission",
            {"initiative_id": initiative.pk},
            key=f"submission-notice:{initiative.pk}",
        )

Delivery is at least once (a relay that dies between publishing and deleting publishes again),
so every task it carries must be idempotent: take ids, and let a database row decide "already
done" (`Delivery`, `Initiative.submission_notified_at`, the risk `dirty` flag).
"""


def enqueue(task: str, kwargs: dict | None = None, *, key: str | None = None, delay=0) -> bool:
    """Record `task(**kwargs)` for the relay; see `outbox.services.enqueue`."""
    from .services import enqueue as _enqueue

    return _enqueue(task, kwargs, key=key, delay=delay)
