"""The multi-process soak, shortened: 20 s of load on two gunicorn processes, two workers and
two schedulers, on PostgreSQL and a private redis-server, with a worker and the acting
scheduler killed (`kill -9`) and a web process restarted. `make soak` runs it for 60 s with the
production lock TTL; the checks are the same (benchmarks/soak/__main__.py)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.services
def test_soak_every_reminder_once_every_write_audited_no_5xx_and_a_takeover(tmp_path):
    need_service(
        "PostgreSQL (DATABASE_URL)", os.environ.get("DATABASE_URL", "").startswith("postgres")
    )
    need_service("redis-server", shutil.which("redis-server") is not None)
    figures_file = tmp_path / "soak.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.soak",
            "--duration",
            "20",
            "--lock-ttl",
            "6",
            "--reminder-every",
            "3",
            "--json",
            str(figures_file),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(figures_file.read_text())
    assert figures["problems"] == []
    # Enough traffic for the checks below to mean something: a count, not a speed (the
    # same 20 s gave 179 requests on a machine running at half its usual speed).
    assert figures["server_errors"] == 0 and figures["requests"] > 100
    assert set(figures["requests_by_web"]) == {"web1", "web2"}
    assert figures["writes_succeeded"] == figures["audit_events_matched"] > 50
    assert figures["statuses"].get("412"), "stale edits were refused and left no event"
    assert figures["reminder_sessions_due_in_window"] >= 6
    assert figures["reminder_deliveries_in_window"] >= 6 * 2
    assert figures["failovers"] >= 1 and figures["events"]["takeover_s"] < 60
    assert figures["session"] == {"valid_on_web2": True, "valid_on_web2_after_restart": True}
