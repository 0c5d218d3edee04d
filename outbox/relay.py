"""The relay: hands committed outbox messages to Celery and backs off while it cannot.

`relay_due` publishes what is due, oldest first, and deletes each message in the same
transaction that claimed it; rows are claimed with `SELECT … FOR UPDATE SKIP LOCKED`, so
several relays share the work without publishing a message twice. It checks the broker
connection before claiming anything, with the short timeouts of `CELERY_BROKER_*`, so an
unreachable broker costs one failed connect, not a lock held while publishes time out.

`Relay.run` is the loop of `manage.py relay_outbox`: it polls every `interval` seconds and,
after a failure (broker or database unreachable), waits with exponential back-off and jitter
up to `max_backoff` seconds before trying again.
"""

from __future__ import annotations

import logging
import random
import threading
from datetime import timedelta
from pathlib import Path

from celery import current_app
from django.db import close_old_connections, transaction
from django.utils import timezone

from .models import Message

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# A message that failed to publish waits at most this long before its next try.
MAX_MESSAGE_BACKOFF = timedelta(minutes=5)


def backoff_seconds(failures: int, *, base: float, cap: float) -> float:
    """Exponential back-off with jitter: about base·2^(n-1), at most `cap`, never zero."""
    ceiling = min(cap, base * 2 ** max(0, failures - 1))
    return random.uniform(ceiling / 2, ceiling)


def relay_due(*, app=None, limit: int = BATCH_SIZE) -> int:
    """Publish up to `limit` due messages and delete them; returns how many were published.

    Raises the broker's error when it cannot be reached: what was published before the error
    is deleted, the message that failed counts an attempt and waits (`available_at`), the rest
    stay as they were.
    """
    app = app or current_app
    now = timezone.now()
    if not Message.objects.filter(available_at__lte=now).exists():
        return 0
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
        with transaction.atomic():
            claimed = list(
                Message.objects.select_for_update(skip_locked=True)
                .filter(available_at__lte=now)
                .order_by("available_at", "id")[:limit]
            )
            published, failure = [], None
            for message in claimed:
                try:
                    app.send_task(
                        message.task,
                        kwargs=message.kwargs,
                        task_id=f"outbox-{message.pk}-{message.attempts}",
                        connection=connection,
                        retry=False,
                        ignore_result=True,
                    )
                except Exception as exc:  # noqa: BLE001 - kept, counted, retried later
                    failure = exc
                    _postpone(message, exc, now)
                    break
                published.append(message.pk)
            Message.objects.filter(pk__in=published).delete()
    if failure is not None:
        raise failure
    return len(published)


def _postpone(message: Message, exc: Exception, now) -> None:
    message.attempts += 1
    wait = backoff_seconds(message.attempts, base=1.0, cap=MAX_MESSAGE_BACKOFF.total_seconds())
    message.available_at = now + timedelta(seconds=wait)
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    message.save(update_fields=["attempts", "available_at", "last_error"])


class Relay:
    """The relay loop: publish what is due, sleep, back off after failures, stop on request."""

    def __init__(
        self,
        *,
        interval: float = 1.0,
        max_backoff: float = 30.0,
        app=None,
        heartbeat: Path | None = None,
    ):
        self.interval = interval
        self.max_backoff = max_backoff
        self.app = app
        self.heartbeat = heartbeat
        self.stopping = threading.Event()
        self.failures = 0

    def stop(self) -> None:
        self.stopping.set()

    def run_once(self) -> float:
        """One pass; returns how long to wait before the next."""
        close_old_connections()  # a long-lived process must drop a connection the DB closed
        try:
            sent = relay_due(app=self.app)
        except Exception as exc:  # noqa: BLE001 - broker or database down: wait, then retry
            self.failures += 1
            wait = backoff_seconds(self.failures, base=self.interval, cap=self.max_backoff)
            log = logger.warning if self.failures == 1 else logger.info
            log(
                "Outbox relay: %s (attempt %d); next try in %.1f s",
                f"{type(exc).__name__}: {exc}"[:300],
                self.failures,
                wait,
            )
            return wait
        if self.failures:
            logger.warning("Outbox relay: publishing again after %d failed tries", self.failures)
            self.failures = 0
        if sent:
            logger.info("Outbox relay: published %d message(s)", sent)
        # A full batch means more may be due: go on at once.
        return 0 if sent >= BATCH_SIZE else self.interval

    def run(self) -> None:
        while not self.stopping.is_set():
            wait = self.run_once()
            if self.heartbeat:
                self.heartbeat.touch()  # the container's health check: the loop still turns
            self.stopping.wait(wait)
