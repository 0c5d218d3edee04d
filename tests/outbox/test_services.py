"""`outbox.enqueue`: a message is part of the caller's transaction, a key folds repeats."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from outbox import enqueue
from outbox.models import Message
from outbox.selectors import backlog

pytestmark = pytest.mark.django_db

TASK = "initiatives.tasks.notify_it_of_submission"


def test_a_message_commits_with_the_transaction_that_recorded_it():
    with transaction.atomic():
        assert enqueue(TASK, {"initiative_id": 7}) is True
    message = Message.objects.get()
    assert (message.task, message.kwargs, message.key, message.attempts) == (
        TASK,
        {"initiative_id": 7},
        None,
        0,
    )
    assert message.available_at <= timezone.now()


def test_a_message_of_a_transaction_that_rolls_back_never_existed():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(TASK, {"initiative_id": 7})
        raise RuntimeError("the change failed")
    assert not Message.objects.exists()


def test_a_key_keeps_one_pending_message_and_is_free_again_once_it_is_sent():
    assert enqueue(TASK, {"initiative_id": 1}, key="notice:1") is True
    assert enqueue(TASK, {"initiative_id": 1}, key="notice:1") is False
    assert enqueue(TASK, {"initiative_id": 2}, key="notice:2") is True
    assert enqueue(TASK, {"initiative_id": 2}) is True  # no key: no folding
    assert Message.objects.count() == 3
    Message.objects.filter(key="notice:1").delete()  # what the relay does once published
    assert enqueue(TASK, {"initiative_id": 1}, key="notice:1") is True


@pytest.mark.django_db(transaction=True)
def test_a_key_never_waits_for_another_transaction():
    """A message another transaction has not committed yet is not seen: this one adds its
    own at once (no lock wait, so no deadlock with the audit chain); the task is idempotent."""
    import threading

    from django.db import connections

    added = []
    recorded, finish = threading.Event(), threading.Event()

    def other_transaction():
        try:
            with transaction.atomic():
                enqueue(TASK, key="shared")
                recorded.set()
                finish.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_transaction)
    other.start()
    assert recorded.wait(10)
    with transaction.atomic():
        added.append(enqueue(TASK, key="shared"))
    finish.set()
    other.join(10)
    assert added == [True]
    assert Message.objects.filter(key="shared").count() == 2
    assert enqueue(TASK, key="shared") is False  # committed and waiting: folded


def test_delay_postpones_the_message():
    before = timezone.now()
    enqueue(TASK, {"initiative_id": 1}, delay=5)
    enqueue(TASK, {"initiative_id": 2}, delay=timedelta(minutes=2))
    first, second = Message.objects.order_by("id")
    assert before + timedelta(seconds=5) <= first.available_at < before + timedelta(seconds=7)
    assert second.available_at >= before + timedelta(minutes=2)


def test_arguments_that_are_not_json_are_refused_in_the_caller():
    with pytest.raises(TypeError):
        enqueue(TASK, {"initiative": object()})
    assert not Message.objects.exists()


def test_backlog_counts_waiting_messages_and_the_age_of_the_oldest():
    assert backlog() == {"pending": 0, "oldest_seconds": 0}
    enqueue(TASK, {"initiative_id": 1})
    Message.objects.update(created_at=timezone.now() - timedelta(seconds=90))
    enqueue(TASK, {"initiative_id": 2})
    summary = backlog()
    assert summary["pending"] == 2 and 89 <= summary["oldest_seconds"] <= 95
