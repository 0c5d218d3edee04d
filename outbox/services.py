"""Recording work for after commit: how every app hands a task to Celery from a write."""

import json
from datetime import timedelta

from django.utils import timezone

from .models import Message


def enqueue(
    task: str,
    kwargs: dict | None = None,
    *,
    key: str | None = None,
    delay: float | timedelta = 0,
) -> bool:
    """Record the Celery task call `task(**kwargs)` in the caller's transaction.

    The relay publishes it once that transaction has committed (and not before `delay`
    seconds); if the transaction rolls back, the message never existed. `kwargs` must be
    JSON: ids and plain values, never model objects. With `key`, a call while a committed
    message with the same key is still waiting (or one this transaction added) adds nothing:
    repeated changes fold into one task (the risk recomputation's debounce). Two transactions
    at the same instant may each add one; the task must be idempotent anyway. It never waits
    for another transaction. Returns whether a message was added. Outside a transaction the
    message is committed at once.
    """
    kwargs = dict(kwargs or {})
    json.dumps(kwargs)  # refuse what is not JSON here, in the caller, not later in the relay
    if not isinstance(delay, timedelta):
        delay = timedelta(seconds=delay)
    now = timezone.now()
    if key is not None and Message.objects.filter(key=key).exists():
        return False
    Message.objects.create(
        task=task, kwargs=kwargs, key=key, created_at=now, available_at=now + delay
    )
    return True
