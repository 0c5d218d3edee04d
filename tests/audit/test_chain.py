"""The hash chain (audit/chain.py): each event links to the one before and its hash covers every
recorded field; concurrent writers queue on the chain head, so the chain never forks
(PostgreSQL)."""

import hashlib
import json
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from audit.chain import (
    HASHED_FIELDS,
    ChainReport,
    append_event,
    canonical_at,
    canonical_json,
    compute_hash,
    verify_chain,
)
from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from audit.services import record_event
from audit.sources import audit_source
from governance.decisions.services import record_decision, request_change
from initiatives import services
from reviews.services import raise_design_input
from tests import factories
from tests.audit.conftest import events, tamper
from tests.conftest import need_service, rolled_back


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


# --- The hashed text is fixed: a chain written by one release verifies under the next ----------

AN_EVENT = {
    "seq": "3",  # as a form or a raw row may give it: hashed as the number
    "at": datetime(2026, 3, 1, 10, 0, 0, 500000, tzinfo=ZoneInfo("Europe/Berlin")),
    "actor_id": "7",
    "source": "browser",
    "action": "design_input.raised",
    "initiative_id": None,
    "object_type": "reviews.DesignInput",
    "object_id": "12",
    "object_repr": "Löschkonzept – DSGVO",
    "changes": {"b": [1, None], "a": "ä"},
    "prev_hash": GENESIS_HASH,
    "hash": "not hashed",  # verify_chain passes the whole row: only HASHED_FIELDS count
    "id": 99,
}
AN_EVENT_TEXT = (
    '{"action":"design_input.raised","actor_id":7,"at":"2026-03-01T09:00:00.500000+00:00",'
    '"changes":{"a":"ä","b":[1,null]},"initiative_id":null,"object_id":"12",'
    '"object_repr":"Löschkonzept – DSGVO","object_type":"reviews.DesignInput",'
    f'"prev_hash":"{GENESIS_HASH}","seq":3,"source":"browser"}}'
)


class TestCanonicalForm:
    def test_the_hashed_text_is_sorted_compact_utf8_json_with_utc_times(self):
        assert canonical_json(AN_EVENT) == AN_EVENT_TEXT
        expected = hashlib.sha256(AN_EVENT_TEXT.encode()).hexdigest()
        assert compute_hash(AN_EVENT) == expected
        assert compute_hash({**AN_EVENT, "initiative_id": 5, "actor_id": None}) != expected

    @pytest.mark.parametrize(
        "at",
        [
            datetime(2026, 3, 1, 10, 0, 0, 500000, tzinfo=ZoneInfo("Europe/Berlin")),
            datetime(2026, 3, 1, 9, 0, 0, 500000),  # naive: taken as UTC
            "2026-03-01 10:00:00.500000+01:00",  # a raw SQLite row
            "2026-03-01T09:00:00.5",
        ],
    )
    def test_one_instant_has_one_text_whatever_its_form(self, at):
        assert canonical_at(at) == "2026-03-01T09:00:00.500000+00:00"
        assert canonical_at(datetime(2026, 3, 1, 9, 0)) == "2026-03-01T09:00:00.000000+00:00"


@pytest.mark.django_db
class TestAppend:
    def test_the_first_event_creates_the_head_and_starts_from_genesis(self):
        AuditChainHead.objects.all().delete()
        first = append_event(
            actor_id=None,
            action="x.first",
            initiative_id=None,
            object_type="auth.User",
            object_id=1,
            object_repr="someone",
            changes=None,
            source=None,
        )
        first.refresh_from_db()
        assert (first.seq, first.prev_hash, first.changes, first.source) == (
            1,
            GENESIS_HASH,
            {},
            "system",  # outside a request or task
        )
        assert first.object_id == "1"
        head = AuditChainHead.objects.get()
        assert (head.pk, head.last_seq, head.last_hash) == (1, 1, first.hash)
        assert verify_chain() == ChainReport(True, 1, last_hash=first.hash)

    def test_long_values_are_cut_to_their_columns_and_the_source_kept(self):
        event = append_event(
            actor_id=None,
            action="a" * 80,
            initiative_id=None,
            object_type="t" * 120,
            object_id="9" * 80,
            object_repr="r" * 400,
            changes={"k": "v"},
            source="api",
        )
        event.refresh_from_db()
        assert (event.action, event.object_type, event.object_id, event.object_repr) == (
            "a" * 60,
            "t" * 100,
            "9" * 64,
            "r" * 300,
        )
        assert (event.source, event.changes) == ("api", {"k": "v"})
        assert verify_chain().ok is True

    def test_without_a_source_the_running_task_is_recorded(self):
        with audit_source("task"):
            event = append_event(
                actor_id=None,
                action="x.task",
                initiative_id=None,
                object_type="auth.User",
                object_id="1",
                object_repr="someone",
                changes=None,
                source=None,
            )
        event.refresh_from_db()
        assert event.source == "task"


# --- What verify_chain reports: where the chain breaks, how much before it holds, and why -----


@pytest.mark.django_db
class TestVerifyReport:
    @pytest.fixture
    def trail(self, users):
        for n in range(4):
            record_event(actor=users["sponsor"], action=f"x.{n}", obj=users["sponsor"])
        return events()

    def test_an_intact_chain_reports_every_event_and_the_last_hash(self, trail):
        assert verify_chain(chunk_size=3) == ChainReport(True, 4, last_hash=trail[-1].hash)
        assert trail[-1].hash != GENESIS_HASH

    def test_an_empty_trail_is_intact(self):
        assert verify_chain() == ChainReport(True, 0)

    def test_a_missing_event(self, trail):
        tamper("DELETE FROM governance_auditevent WHERE id = %s", [trail[1].pk])
        assert verify_chain() == ChainReport(
            False, 1, 3, trail[2].pk, "expected event #2 here: events missing"
        )

    def test_an_altered_event(self, trail):
        tamper(
            "UPDATE governance_auditevent SET object_repr = 'forged' WHERE id = %s",
            [trail[1].pk],
        )
        assert verify_chain() == ChainReport(
            False, 1, 2, trail[1].pk, "content does not match its hash (row was altered)"
        )

    def test_an_altered_event_with_its_hash_recomputed(self, trail):
        fields = {name: getattr(trail[1], name) for name in HASHED_FIELDS}
        tamper(
            "UPDATE governance_auditevent SET object_repr = 'forged', hash = %s WHERE id = %s",
            [compute_hash({**fields, "object_repr": "forged"}), trail[1].pk],
        )
        assert verify_chain() == ChainReport(
            False, 2, 3, trail[2].pk, "prev_hash does not match the event before it"
        )

    def test_events_cut_off_the_end(self, trail):
        tamper("DELETE FROM governance_auditevent WHERE seq >= %s", [3])
        assert verify_chain() == ChainReport(
            False,
            2,
            4,
            None,
            "the chain head names event #4 but the trail ends at #2: "
            "events were removed from the end",
        )


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


# --- Property: any sequence of services keeps a chain that verifies, any tampering breaks it ----

a_service = st.tuples(
    st.sampled_from(["grant", "revoke", "decision", "design_input", "change"]),
    # Any text a database can store (no NUL, no lone surrogate: not UTF-8), so the hashed JSON
    # meets every kind of character.
    st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
        min_size=1,
        max_size=20,
    ).filter(str.strip),
)
TAMPERINGS = ("change", "delete", "insert", "truncate", "alter_last")


def _run(service: str, text: str, initiative, users) -> None:
    lead = users["it_lead"]
    if service == "grant":
        services.grant_membership(initiative, users["reviewer"], can_review=True, actor=lead)
    elif service == "revoke":
        services.revoke_membership(initiative, users["reviewer"], actor=lead)
    elif service == "decision":
        record_decision(initiative=initiative, user=lead, kind="architecture", summary=text)
    elif service == "design_input":
        raise_design_input(initiative=initiative, user=lead, area="vendor", title=text)
    else:
        request_change(
            initiative=initiative, user=users["sponsor"], kind="new_data_source", description=text
        )


def _forge(sql: str, event: dict, **changed) -> None:
    row = {**event, **changed}
    tamper(
        sql,
        [
            row["seq"],
            row["at"],
            row["actor_id"],
            row["source"],
            row["action"],
            row["initiative_id"],
            row["object_type"],
            row["object_id"],
            row["object_repr"],
            json.dumps(row["changes"]),
            row["prev_hash"],
            row["hash"],
        ],
    )


INSERT = (
    "INSERT INTO governance_auditevent (seq, at, actor_id, source, action, initiative_id, "
    "object_type, object_id, object_repr, changes, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


@pytest.mark.django_db
@given(
    steps=st.lists(a_service, min_size=1, max_size=5),
    tampering=st.sampled_from(TAMPERINGS),
    where=st.floats(0, 1),
)
def test_the_chain_verifies_after_any_services_and_fails_after_any_tampering(
    initiative, users, steps, tampering, where
):
    with rolled_back():
        for service, text in steps:
            _run(service, text, initiative, users)
        report = verify_chain(chunk_size=3)
        assert report.ok, report.problem
        assert report.checked == AuditEvent.objects.count()
        chain = list(AuditEvent.objects.order_by("seq").values(*HASHED_FIELDS, "hash", "id"))
        target = chain[min(int(where * len(chain)), len(chain) - 1)]
        if tampering == "change":
            tamper(
                "UPDATE governance_auditevent SET object_repr = %s WHERE id = %s",
                [target["object_repr"] + "!", target["id"]],
            )
        elif tampering == "delete":
            tamper("DELETE FROM governance_auditevent WHERE id = %s", [target["id"]])
        elif tampering == "insert":
            # The strongest forgery: a well-formed, correctly hashed event at the end.
            last = chain[-1]
            forged = {**last, "seq": last["seq"] + 1, "prev_hash": last["hash"], "action": "x"}
            forged["hash"] = compute_hash(forged)
            _forge(INSERT, forged)
        elif tampering == "truncate":
            tamper("DELETE FROM governance_auditevent WHERE seq >= %s", [target["seq"]])
        else:  # the last event changed, its hash recomputed to match: only the head knows
            last = chain[-1]
            altered = {**last, "object_repr": "forged"}
            tamper(
                "UPDATE governance_auditevent SET object_repr = %s, hash = %s WHERE id = %s",
                ["forged", compute_hash(altered), last["id"]],
            )
        report = verify_chain(chunk_size=3)
        assert report.ok is False, tampering
        if tampering in ("change", "delete") and target is not chain[-1]:
            assert report.broken_seq in (target["seq"], target["seq"] + 1), report
