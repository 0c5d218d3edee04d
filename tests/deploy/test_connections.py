"""Database connections outlive a request: on PostgreSQL the portal keeps its connection
(`CONN_MAX_AGE`, 60 s by default) and checks it before reuse (`CONN_HEALTH_CHECKS`), so a
request does not pay for a new connection; and gunicorn loads the portal once, before it forks
its workers, so a recycled worker starts at once (README "Configuration", "Scaling")."""

import runpy
import uuid

import pytest
from django.db import connection

from tests.deploy.test_shared_state import run_python
from tests.processes import ROOT, Processes, http, production_env, shared_database_url, wait_until

SETTINGS = (
    "from django.conf import settings; d = settings.DATABASES['default']; "
    "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
)


@pytest.mark.parametrize(
    ("url", "extra", "expected"),
    [
        ("postgres://postgres@127.0.0.1:5432/harmony", {}, "60 True"),
        ("sqlite:///unused.sqlite3", {}, "0 True"),
        ("postgres://postgres@127.0.0.1:5432/harmony", {"CONN_MAX_AGE": "0"}, "0 True"),
        ("postgres://postgres@127.0.0.1:5432/harmony", {"CONN_HEALTH_CHECKS": "False"}, "60 False"),
    ],
    ids=["postgres-persistent", "sqlite-per-request", "pooler-per-request", "no-health-checks"],
)
def test_connection_lifetime_defaults(url, extra, expected):
    result = run_python(SETTINGS, DATABASE_URL=url, **extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == expected.split()


def _clock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def _connections(application: str, opened_before) -> list[tuple]:
    """The backends of that application: pid, and whether it was opened before the time."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start < %s FROM pg_stat_activity WHERE application_name = %s",
            [opened_before, application],
        )
        return cursor.fetchall()


@pytest.mark.services
@pytest.mark.django_db
@pytest.mark.parametrize(("max_age", "kept"), [("60", 1), ("0", 0)])
def test_gunicorn_keeps_one_connection_across_requests(tmp_path, max_age, kept):
    """One worker with one thread answers ten readiness probes (each reads the database):
    with persistent connections one PostgreSQL backend, opened by the first request, serves
    them all and stays; with `CONN_MAX_AGE=0` every request opens and closes its own."""
    if connection.vendor != "postgresql":
        pytest.skip("connection reuse is a PostgreSQL setting")
    application = f"harmony-test-{uuid.uuid4().hex[:12]}"  # libpq reads PGAPPNAME
    env = production_env(
        DATABASE_URL=shared_database_url(), PGAPPNAME=application, CONN_MAX_AGE=max_age
    )
    processes = Processes(tmp_path)
    try:
        base = processes.web(env={**env, "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "1"})
        assert http("GET", base + "/readyz").status == 200
        first_answered = _clock()
        for _ in range(9):
            assert http("GET", base + "/readyz").status == 200
        if kept:
            rows = _connections(application, first_answered)
            assert len(rows) == 1, rows
            assert rows[0][1] is True, "the kept connection was opened by the first request"
        else:
            # A backend leaves pg_stat_activity only once its process has exited, which on a
            # loaded CI machine (two test processes beside this gunicorn) took over 5 s once.
            wait_until(
                lambda: not _connections(application, first_answered),
                timeout=20,
                what="every request's connection to be closed",
            )
    finally:
        processes.stop_all()


def test_gunicorn_loads_the_portal_before_forking_and_recycles_with_jitter():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # Preloaded: a recycled worker is a fork of the loaded master, not a fresh import of
    # Django and the portal (1–2 s during which the worker answers nothing).
    assert config["preload_app"] is True
    assert config["max_requests"] == 2000
    # Jittered: the workers do not all restart at the same request count.
    assert 0 < config["max_requests_jitter"] <= config["max_requests"] // 2


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit_compilation():
    """Compiling a query plan costs tens of milliseconds, more than the portal's queries
    take: the portal's sessions turn PostgreSQL's JIT off (DATABASE_JIT=True turns it on)."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    on = run_python(
        "from django.db import connection\n"
        "with connection.cursor() as c:\n    c.execute('SHOW jit'); print(c.fetchone()[0])",
        DATABASE_URL=shared_database_url(),
        DATABASE_JIT="True",
    )
    assert on.returncode == 0, on.stderr
    assert on.stdout.split()[-1] == "on"
