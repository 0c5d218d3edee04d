"""Concurrent writers queue on the chain head: the chain never forks (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, transaction

from audit.chain import verify_chain
from audit.models import AuditEvent
from audit.services import record_event
from tests import factories
from tests.conftest import need_service

WRITERS, EVENTS_EACH = 6, 15


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_unbroken_chain():
    need_service("PostgreSQL", connection.vendor == "postgresql")
    user = factories.UserFactory(username="writer")
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_EACH):
                with transaction.atomic():
                    record_event(actor=user, action=f"x.w{n}", obj=user, changes={"i": i})
                    time.sleep(0.001)  # hold the head lock a little: provoke contention
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    assert errors == []
    assert AuditEvent.objects.count() == WRITERS * EVENTS_EACH
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == WRITERS * EVENTS_EACH
    print(f"{WRITERS * EVENTS_EACH} chained appends from {WRITERS} threads in {elapsed:.2f}s")
