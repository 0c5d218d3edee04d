"""Two schedulers, one acts: the leader lock in real Redis, the schedules in the real database.

The schedulers here are real `LeaderDatabaseScheduler`s ticking in this process and sending
to the real broker; a periodic task of this test publishes to its own queue, so the messages
that really left are counted in Redis. The multi-process version, with `kill -9`, is the soak
(tests/deploy/test_soak.py).
"""

import itertools
import logging
import time
import uuid

import pytest
import redis
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from harmony_portal.celery import app
from harmony_portal.scheduler import LeaderDatabaseScheduler, LeaderLock
from tests.conftest import need_service

pytestmark = pytest.mark.services


@pytest.fixture
def lock_key(redis_url):
    key = f"test:scheduler-leader:{uuid.uuid4().hex}"
    yield key
    redis.Redis.from_url(redis_url).delete(key)


def test_one_lease_holder_and_takeover_after_expiry(redis_url, lock_key):
    first = LeaderLock(redis_url, ttl=1, key=lock_key, identity="first")
    second = LeaderLock(redis_url, ttl=1, key=lock_key, identity="second")
    assert first.hold() and not second.hold()
    assert first.holder() == "first"
    assert first.hold() and not second.hold()  # renewing keeps it
    time.sleep(1.3)  # first stops renewing, as a killed process would
    assert second.hold()
    assert second.holder() == "second"
    assert not first.hold(), "a lapsed leader must find its lease gone"
    assert not first.still_held()


def test_clean_shutdown_hands_over_at_once(redis_url, lock_key):
    first = LeaderLock(redis_url, ttl=30, key=lock_key, identity="first")
    second = LeaderLock(redis_url, ttl=30, key=lock_key, identity="second")
    assert first.hold()
    first.release()
    assert second.hold()
    first.release()  # not the holder: the other's lease stays
    assert second.holder() == "second"


def test_unreachable_redis_means_standing_by():
    lock = LeaderLock("redis://127.0.0.1:1/0", ttl=5, identity="cut-off")
    assert not lock.hold()
    assert not lock.still_held()


def _only_this_periodic_task(queue: str) -> PeriodicTask:
    PeriodicTask.objects.update(enabled=False)
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    return PeriodicTask.objects.create(
        name=f"test ping {queue}", task="celery.ping", interval=every_second, queue=queue
    )


def _tick_for(seconds: float, *schedulers) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for scheduler in schedulers:
            scheduler.tick()
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_send_once_and_the_standby_takes_over(redis_url, lock_key, settings, caplog):
    need_service("Redis broker", app.conf.broker_url.startswith("redis://"))
    need_service("PostgreSQL", connection.vendor == "postgresql")
    settings.SCHEDULER_LOCK_KEY = lock_key
    settings.SCHEDULER_LOCK_TTL = 1
    queue = f"test-scheduler-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(app.conf.broker_url)
    caplog.set_level(logging.INFO, logger="harmony_portal.scheduler")
    a = LeaderDatabaseScheduler(app=app)
    b = LeaderDatabaseScheduler(app=app)
    # Scheduled while both run, the way an admin adds one: each must notice on its own.
    task = _only_this_periodic_task(queue)

    def sends() -> list[str]:
        return [r.scheduler for r in caplog.records if getattr(r, "periodic_task", "") == task.name]

    def closest_sends() -> float:
        times = [r.created for r in caplog.records if getattr(r, "periodic_task", "") == task.name]
        return min(b - a for a, b in itertools.pairwise(times))

    try:
        _tick_for(3.2, a, b)
        assert sends() and set(sends()) == {a.identity}, "exactly one scheduler acts"
        assert 2 <= len(sends()) <= 4  # every second, not twice a second
        assert broker.llen(queue) == len(sends())

        # The leader dies without a word (no release): the standby takes over within the
        # lease plus one standby interval.
        lost_at = time.monotonic()
        while b.identity not in sends():
            assert time.monotonic() - lost_at < 1 + b.standby_interval + 1
            _tick_for(0.1, b)
        before = len(sends())

        # The old leader comes back (a paused process resuming): it finds the lease gone
        # and sends nothing more.
        _tick_for(2.2, a, b)
        assert a.identity not in sends()[before:]
        assert not a.acting and b.acting
        assert broker.llen(queue) == len(sends())
        # Never twice in a row, not even right after the takeover.
        assert closest_sends() > 0.5

        # An admin disables the task where admins edit schedules: the leader stops sending.
        task.refresh_from_db()
        task.enabled = False
        task.save()
        _tick_for(0.3, a, b)
        after_edit = len(sends())
        _tick_for(1.5, a, b)
        assert len(sends()) == after_edit
    finally:
        a.close()
        b.close()
        broker.delete(queue)
    assert not redis.Redis.from_url(redis_url).exists(lock_key), "close() releases the lease"
