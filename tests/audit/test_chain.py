"""The hash chain (audit/chain.py): each event links to the one before and its hash covers every
recorded field; concurrent writers queue on the chain head, so the chain never forks
(PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, transaction

from audit.chain import HASHED_FIELDS, compute_hash, verify_chain
from audit.models import AuditChainHead, AuditEvent
from audit.services import record_event
from initiatives import services
from tests import factories
from tests.audit.conftest import events
from tests.conftest import need_service


@pytest.mark.django_db
class TestChain:
    def test_events_link_to_the_one_before(self, users, complete_initiative):
        services.submit_initiative(initiative=complete_initiative, user=complete_initiative.sponsor)
        chain = events()
        assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
        assert chain[0].prev_hash == "0" * 64
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.prev_hash == before.hash
        head = AuditChainHead.objects.get()
        assert (head.last_seq, head.last_hash) == (chain[-1].seq, chain[-1].hash)
        assert verify_chain().ok

    def test_hash_covers_every_recorded_field(self, complete_initiative):
        event = events()[0]
        fields = {name: getattr(event, name) for name in HASHED_FIELDS}
        assert compute_hash(fields) == event.hash
        for name, other in (("action", "x"), ("changes", {}), ("actor_id", 999)):
            assert compute_hash({**fields, name: other}) != event.hash

    def test_dates_in_changes_are_stored_as_hashed(self, users, complete_initiative):
        import datetime

        event = record_event(
            actor=users["sponsor"],
            action="x.date",
            obj=complete_initiative,
            changes={"due": [None, datetime.date(2027, 1, 31)]},
        )
        event.refresh_from_db()
        assert event.changes == {"due": [None, "2027-01-31"]}
        assert verify_chain().ok


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
