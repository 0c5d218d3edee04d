"""Celery beat that survives its own loss: several schedulers run, exactly one acts.

The schedules stay in django-celery-beat's tables (edited in the admin under *Periodic tasks*);
`LeaderDatabaseScheduler` is its `DatabaseScheduler` that sends only while it holds a leader
lock in Redis. The lock is a key with a time to live, renewed on every tick by the one that
holds it. A scheduler that stops (killed, node lost, network cut) stops renewing; the key
expires after `SCHEDULER_LOCK_TTL` seconds and a standby, which tries every few seconds, takes
over. A scheduler that shuts down cleanly deletes the key, so a rolling update hands over at
once.

Why not celery-redbeat: it keeps the schedule in Redis, so the admin's periodic tasks would no
longer be what runs. Why the lock does not have to be perfect: every periodic task is
idempotent (deliveries are unique rows, sweeps recompute), so the rare double send of a leader
that stalled past its lease costs nothing. The lease is checked again just before each send to
keep that window to milliseconds.

Without `REDIS_URL` (the local SQLite and filesystem-broker setup) there is nowhere to hold a
lock across processes: the scheduler acts alone, as a single beat always did.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid
from pathlib import Path

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler
from redis.exceptions import LockNotOwnedError, RedisError

logger = logging.getLogger(__name__)

LOCK_KEY = "harmony:scheduler:leader"


class LeaderLock:
    """A lease in Redis: held by at most one identity, lost when not renewed for `ttl` s."""

    def __init__(self, url: str, *, ttl: float, key: str = LOCK_KEY, identity: str = ""):
        self.ttl = ttl
        self.key = key
        self.identity = identity or f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._lock = self.client.lock(key, timeout=ttl, thread_local=False)
        self.held = False

    def hold(self) -> bool:
        """Take the lease or renew it; True while this process is the leader."""
        try:
            if self.held:
                try:
                    self._lock.reacquire()
                    return True
                except LockNotOwnedError:
                    # Expired (a pause longer than the lease), perhaps already taken over.
                    self.held = False
            self.held = bool(self._lock.acquire(blocking=False, token=self.identity))
        except RedisError:
            # Without Redis there is no broker either: nothing could be sent. Stand down, so
            # a leader cut off from Redis never acts on a lease it can no longer prove.
            logger.warning("Scheduler leader lock unreachable; standing by", exc_info=True)
            self.held = False
        return self.held

    def still_held(self) -> bool:
        """Whether the lease is still ours right now (one GET), checked before each send."""
        try:
            return self.held and self._lock.owned()
        except RedisError:
            return False

    def holder(self) -> str | None:
        """Who holds the lease now, if anyone (for logs, the soak and operators)."""
        value = self.client.get(self.key)
        return value.decode() if value else None

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        # Expired or unreachable: then the lease lapses on its own.
        with contextlib.suppress(LockNotOwnedError, RedisError):
            self._lock.release()


class LeaderDatabaseScheduler(DatabaseScheduler):
    """django-celery-beat's DatabaseScheduler that sends only while it holds the leader lock.

    A standby never reads the schedule: when it becomes leader it reads the periodic tasks
    afresh, with the `last_run_at` the previous leader wrote after each send
    (`CELERY_BEAT_SYNC_EVERY = 1`), so it neither repeats nor skips what was sent before.
    """

    def __init__(self, *args, **kwargs):
        url = getattr(settings, "REDIS_URL", "")
        ttl = float(getattr(settings, "SCHEDULER_LOCK_TTL", 30))
        key = getattr(settings, "SCHEDULER_LOCK_KEY", LOCK_KEY)
        self.leader = LeaderLock(url, ttl=ttl, key=key) if url else None
        # A standby asks for the lease a few times per lease period.
        self.standby_interval = max(1.0, min(5.0, ttl / 6))
        heartbeat = getattr(settings, "SCHEDULER_HEARTBEAT_FILE", "")
        self.heartbeat = Path(heartbeat) if heartbeat else None
        self.acting = False
        self.announced_standby = False
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs) -> float:
        self._beat()
        if self.leader is not None and not self.leader.hold():
            if self.acting:
                logger.warning("Scheduler %s lost the leader lock; standing by", self.identity)
                self._stand_down()
            elif not self.announced_standby:
                logger.info("Scheduler %s stands by", self.identity, extra={"leader": False})
            self.announced_standby = True
            return self.standby_interval
        if not self.acting:
            self._take_over()
        interval = super().tick(*args, **kwargs)
        if self.leader is None:
            return interval
        # Renew well within the lease, however long the next task is away.
        return min(interval, self.leader.ttl / 3)

    def apply_entry(self, entry, producer=None):
        if self.leader is not None and not self.leader.still_held():
            logger.warning("Scheduler %s not leader any more; %s not sent", self.identity, entry)
            self._stand_down()
            return
        logger.info(
            "Scheduler %s sends %s",
            self.identity,
            entry.name,
            extra={"scheduler": self.identity, "periodic_task": entry.name, "task": entry.task},
        )
        super().apply_entry(entry, producer=producer)

    def reserve(self, entry):
        # DatabaseScheduler leaves the entry it just sent in its schedule with the old run
        # time; when the heap is rebuilt from the schedule (after a takeover or an admin's
        # edit) that entry would look due and go out a second time.
        new_entry = super().reserve(entry)
        if self._schedule is not None and entry.name in self._schedule:
            self._schedule[entry.name] = new_entry
        return new_entry

    def sync(self):
        # Only the leader writes run times; a deposed leader's bookkeeping is obsolete.
        if self.acting:
            super().sync()
        else:
            self._dirty.clear()

    def close(self):
        try:
            super().close()
        finally:
            if self.leader is not None:
                self.leader.release()

    @property
    def identity(self) -> str:
        return self.leader.identity if self.leader is not None else f"{socket.gethostname()}"

    def _take_over(self) -> None:
        self.acting = True
        self.announced_standby = False
        # Read the schedule from the database now: the heap and run times held from an
        # earlier term (or from start-up) predate what the previous leader sent.
        self._initial_read = True
        self._last_timestamp = None  # that fresh read is the reference for later edits
        self._heap = None
        self._dirty.clear()
        logger.info(
            "Scheduler %s is the leader and acts",
            self.identity,
            extra={"scheduler": self.identity, "leader": True},
        )

    def _stand_down(self) -> None:
        self.acting = False
        self._dirty.clear()
        self._heap = None

    def _beat(self) -> None:
        """Touch the heartbeat file: the liveness probe checks the tick loop still turns."""
        if self.heartbeat is None:
            return
        try:
            self.heartbeat.touch()
        except OSError:
            logger.warning("Cannot touch heartbeat file %s", self.heartbeat, exc_info=True)
