"""The measuring parts of `manage.py load_test --writes`: the portal's CPU per answer and the
share of its database sessions waiting for a lock, each checked against a real process and a
real lock."""

import ast
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from benchmarks.management.commands.load_test import (
    READERS_AND_WRITERS,
    WRITERS,
    LockWaitSampler,
)
from benchmarks.throughput import group_cpu_seconds
from tests.conftest import need_service


def test_group_cpu_counts_every_process_of_the_group_and_nothing_else():
    # A parent and its child, in a process group of their own, each burn about 0.3 s of CPU.
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"
    script = (
        "import subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', {burn + 'time.sleep(30)'!r}])\n"
        f"{burn}"
        "time.sleep(30)\n"
    )
    group = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        used = 0.0
        while time.monotonic() < deadline:
            used = group_cpu_seconds(group.pid)
            if used >= 0.55:
                break
            time.sleep(0.1)
        # Both processes' CPU, not only the leader's (the workers are gunicorn's children).
        assert 0.55 <= used < 2.0
        # Another group's CPU is not counted, nor a group that does not exist.
        assert group_cpu_seconds(999_999_999) == 0
    finally:
        if os.getpgid(group.pid) == group.pid:  # its own group, never the test run's
            os.killpg(group.pid, signal.SIGKILL)
        group.wait(5)


@pytest.mark.django_db(transaction=True)
def test_lock_wait_sampler_sees_a_session_waiting_for_a_row_lock():
    need_service("PostgreSQL", connection.vendor == "postgresql")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_lock_probe (id int PRIMARY KEY)")
        cursor.execute("INSERT INTO bench_lock_probe VALUES (1)")
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    sampler = LockWaitSampler()
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute("SELECT id FROM bench_lock_probe WHERE id = 1 FOR UPDATE")

        def wait_for_the_lock():
            # A connection is used in the thread that made it.
            waiter = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                waiter.set_autocommit(False)
                with waiter.cursor() as cursor:
                    cursor.execute("SELECT id FROM bench_lock_probe WHERE id = 1 FOR UPDATE")
                waiter.rollback()
            finally:
                waiter.close()

        blocked = threading.Thread(target=wait_for_the_lock)
        blocked.start()
        sampler.start()
        time.sleep(0.8)
        sampler.stop()
        holder.rollback()
        blocked.join(5)
        summary = sampler.summary()
        assert summary["samples"] >= 3
        # One of the (at least two) busy sessions waited in every sample: the waiter.
        assert sampler.waiting == summary["samples"]
        assert 0 < summary["share_waiting"] <= 100
    finally:
        sampler.stop()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_lock_probe")


def test_lock_wait_sampler_with_no_busy_session_reports_no_share():
    sampler = LockWaitSampler()
    assert sampler.summary() == {"samples": 0, "busy_sessions": 0, "share_waiting": 0.0}


def test_each_kind_of_run_names_user_classes_the_locustfile_defines():
    # locust runs in its own virtualenv: read the file instead of importing it.
    tree = ast.parse((Path(settings.BASE_DIR) / "benchmarks" / "locustfile.py").read_text())
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    assert set(WRITERS) <= classes
    assert set(READERS_AND_WRITERS) <= classes
    assert set(WRITERS).isdisjoint(READERS_AND_WRITERS)
