"""Upgrading a portal whose audit trail still lives in the governance app: every row, the
hash chain and the PostgreSQL trigger survive the move to the `audit` app."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.chain import compute_hash
from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from tests.conftest import need_service

# The portal before the move: no audit app, governance at 0006, initiatives without the EU AI
# Act screening (its columns would refuse the old models' rows).
BEFORE_THE_MOVE = [
    ("audit", None),
    ("governance", "0006_merge_20261125_2031"),
    ("initiatives", "0003_recent_first_index"),
]


def _migrate(targets):
    """Migrate the test database to `targets`; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _write_old_chain(apps, count: int) -> list[tuple]:
    """Events written the way the old governance app wrote them: chained, head updated."""
    User = apps.get_model("auth", "User")
    Initiative = apps.get_model("initiatives", "Initiative")
    OldEvent = apps.get_model("governance", "AuditEvent")
    OldHead = apps.get_model("governance", "AuditChainHead")
    actor = User.objects.create(username="auditor-before-upgrade")
    initiative = Initiative.objects.create(title="Weld seam inspection", sponsor=actor)
    prev, rows = GENESIS_HASH, []
    for seq in range(1, count + 1):
        fields = {
            "seq": seq,
            "at": timezone.now(),
            "actor_id": actor.pk,
            "source": "browser",
            "action": f"initiative.step{seq}",
            "initiative_id": initiative.pk if seq % 2 else None,
            "object_type": "initiatives.Initiative",
            "object_id": str(initiative.pk),
            "object_repr": str(initiative.title),
            "changes": {"step": [seq - 1, seq]},
            "prev_hash": prev,
        }
        fields["hash"] = compute_hash(fields)
        OldEvent.objects.create(**fields)
        prev = fields["hash"]
        rows.append((seq, fields["hash"]))
    OldHead.objects.update_or_create(pk=1, defaults={"last_seq": count, "last_hash": prev})
    return rows


@pytest.mark.django_db(transaction=True)
def test_upgrade_keeps_every_event_the_chain_and_the_trigger():
    need_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")
    latest = _latest()
    old_apps = _migrate(BEFORE_THE_MOVE)
    try:
        written = _write_old_chain(old_apps, 12)
    finally:
        _migrate(latest)

    # Same rows, same hashes, now read through the audit app's models.
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "hash")) == written
    assert AuditChainHead.objects.get(pk=1).last_seq == 12
    call_command("verify_audit")

    # The trigger that refuses UPDATE and DELETE still guards the table.
    for sql in (
        "UPDATE governance_auditevent SET action = 'forged' WHERE seq = 3",
        "DELETE FROM governance_auditevent WHERE seq = 12",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)

    # New events continue the old chain.
    from audit.services import record_event

    event = record_event(actor=None, action="system.upgraded", obj=AuditChainHead.objects.get())
    assert event.seq == 13 and event.prev_hash == written[-1][1]
    call_command("verify_audit")


@pytest.mark.django_db(transaction=True)
def test_upgrade_moves_content_types_and_periodic_task_names():
    latest = _latest()
    old_apps = _migrate(BEFORE_THE_MOVE)
    try:
        ContentType = old_apps.get_model("contenttypes", "ContentType")
        ContentType.objects.get_or_create(app_label="governance", model="auditevent")
        # A schedule row as governance.0005 wrote it (a transactional test may have flushed it).
        PeriodicTask = old_apps.get_model("django_celery_beat", "PeriodicTask")
        Interval = old_apps.get_model("django_celery_beat", "IntervalSchedule")
        every_hour, _ = Interval.objects.get_or_create(every=1, period="hours")
        PeriodicTask.objects.update_or_create(
            name="Risk status sweep",
            defaults={"task": "governance.tasks.sweep_risk", "interval": every_hour},
        )
    finally:
        _migrate(latest)
    from django.contrib.contenttypes.models import ContentType as CurrentContentType
    from django_celery_beat.models import PeriodicTask as CurrentPeriodicTask

    assert CurrentContentType.objects.filter(app_label="audit", model="auditevent").count() == 1
    assert not CurrentContentType.objects.filter(app_label="governance", model="auditevent")
    tasks = set(CurrentPeriodicTask.objects.values_list("task", flat=True))
    assert "governance.risk.tasks.sweep_risk" in tasks
    assert not {t for t in tasks if t.startswith("governance.tasks.")}
