"""The relay publishes committed messages to a real Redis broker, oldest first and each once;
with the broker away it keeps every message, counts the attempt and backs off."""

import json
import logging
import threading
import time
from datetime import timedelta

import pytest
from celery import Celery
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from harmony_portal.celery import app
from outbox import enqueue
from outbox.models import Message
from outbox.relay import Relay, backoff_seconds, relay_due
from tests.conftest import need_service
from tests.processes import free_port

TASK = "initiatives.tasks.notify_it_of_submission"


def celery_app(broker_url: str) -> Celery:
    """The portal's Celery settings with another broker (tasks are sent by name)."""
    other = Celery("relay-test", set_as_current=False)
    other.config_from_object("django.conf:settings", namespace="CELERY")
    other.conf.broker_url = broker_url
    return other


def queued() -> list[dict]:
    """The task messages waiting in the broker's default queue, oldest first."""
    with app.connection_for_write() as conn:
        raw = conn.default_channel.client.lrange("celery", 0, -1)
    return [json.loads(item)["headers"] for item in reversed(raw)]


@pytest.fixture
def broker(redis_url):
    need_service("Redis broker", app.conf.broker_url.startswith("redis://"))
    app.control.purge()
    yield
    app.control.purge()  # nothing of ours for a later test's worker


@pytest.fixture
def down():
    """A broker address where nothing listens."""
    return celery_app(f"redis://127.0.0.1:{free_port()}/0")


@pytest.mark.services
@pytest.mark.django_db
def test_due_messages_are_published_oldest_first_and_deleted(broker):
    for pk in (1, 2, 3):
        enqueue(TASK, {"initiative_id": pk})
    enqueue(TASK, {"initiative_id": 4}, delay=60)
    assert relay_due() == 3
    headers = queued()
    assert [h["task"] for h in headers] == [TASK] * 3
    assert [json.loads(h["kwargsrepr"].replace("'", '"')) for h in headers] == [
        {"initiative_id": pk} for pk in (1, 2, 3)
    ]
    # Not due yet: still waiting, and nothing is published twice.
    assert list(Message.objects.values_list("kwargs", flat=True)) == [{"initiative_id": 4}]
    assert relay_due() == 0
    assert len(queued()) == 3


@pytest.mark.django_db
def test_with_the_broker_down_nothing_is_lost_and_the_attempt_is_counted(down):
    first = Message.objects.get(pk=_enqueued(1))
    second_pk = _enqueued(2)
    started = time.monotonic()
    with pytest.raises(Exception) as failure:
        relay_due(app=down)
    assert time.monotonic() - started < 5
    assert "Connection refused" in str(failure.value) or "111" in str(failure.value)
    # The connection failed before anything was claimed: every message waits, untouched.
    assert Message.objects.count() == 2
    assert Message.objects.get(pk=first.pk).attempts == 0
    assert Message.objects.get(pk=second_pk).attempts == 0


@pytest.mark.services
@pytest.mark.django_db
def test_a_publish_that_fails_postpones_that_message_and_keeps_the_rest(broker, monkeypatch):
    pks = [_enqueued(pk) for pk in (1, 2, 3)]
    real_send = app.send_task
    calls = []

    def send_task(name, **options):
        calls.append(options["kwargs"])
        if len(calls) == 2:  # the broker goes away between two publishes
            raise ConnectionResetError("connection reset by peer")
        return real_send(name, **options)

    monkeypatch.setattr(app, "send_task", send_task)
    before = timezone.now()
    with pytest.raises(ConnectionResetError):
        relay_due(app=app)
    assert [h["task"] for h in queued()] == [TASK]  # the first went out and is gone here
    assert not Message.objects.filter(pk=pks[0]).exists()
    failed = Message.objects.get(pk=pks[1])
    assert failed.attempts == 1
    assert failed.last_error == "ConnectionResetError: connection reset by peer"
    assert failed.available_at > before
    untouched = Message.objects.get(pk=pks[2])
    assert (untouched.attempts, untouched.last_error) == (0, "")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_publish_every_message_exactly_once(broker):
    need_service("PostgreSQL (SKIP LOCKED)", connection.vendor == "postgresql")
    pks = {_enqueued(pk) for pk in range(40)}
    published = []
    barrier = threading.Barrier(2)

    def relay():
        try:
            barrier.wait()
            while sent := relay_due(limit=5):
                published.append(sent)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(published) == 40
    task_ids = [h["id"] for h in queued()]
    assert sorted(task_ids) == sorted(f"outbox-{pk}-0" for pk in pks)
    assert not Message.objects.exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # the loop drops stale connections, as a process does
def test_the_loop_backs_off_while_the_broker_is_down_and_resumes_when_it_is_back(
    broker, down, caplog
):
    caplog.set_level(logging.INFO, logger="outbox.relay")
    _enqueued(1)
    relay = Relay(interval=0.1, max_backoff=0.8, app=down)
    waits = [relay.run_once() for _ in range(6)]
    assert relay.failures == 6
    assert all(0 < wait <= 0.8 for wait in waits)
    assert waits[0] <= 0.1 < max(waits[3:])  # it grows, up to the cap
    warnings = [r for r in caplog.records if r.name == "outbox.relay" and r.levelname == "WARNING"]
    assert len(warnings) == 1  # the first failure is a warning, the repeats are not
    assert "OperationalError" in warnings[0].getMessage()  # the broker's, not the database's
    relay.app = app  # the broker is back
    assert relay.run_once() == 0.1
    assert relay.failures == 0
    assert [h["task"] for h in queued()] == [TASK]
    assert not Message.objects.exists()


@pytest.mark.parametrize("failures", range(1, 12))
def test_backoff_doubles_with_jitter_and_stops_at_the_cap(failures):
    ceiling = min(30.0, 0.5 * 2 ** (failures - 1))
    for _ in range(20):
        wait = backoff_seconds(failures, base=0.5, cap=30.0)
        assert ceiling / 2 <= wait <= ceiling


@pytest.mark.services
@pytest.mark.django_db
def test_relay_outbox_once_publishes_what_is_due(broker, capsys):
    _enqueued(1)
    Message.objects.update(available_at=timezone.now() - timedelta(seconds=1))
    call_command("relay_outbox", "--once")
    assert "Published 1 message(s)." in capsys.readouterr().out
    assert len(queued()) == 1


def _enqueued(initiative_id: int) -> int:
    enqueue(TASK, {"initiative_id": initiative_id})
    return Message.objects.latest("id").pk
