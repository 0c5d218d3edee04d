"""Real processes for the tests that need them: the portal under gunicorn, the outbox relay, a
Celery worker and a redis-server of the test's own, each on a free loopback port, with its
output in a log file that a failing test prints."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

# The soak's process handling (process groups, logs), shared rather than written twice.
from benchmarks.soak.processes import BIN, ROOT, Process, free_port, wait_until

__all__ = ["BIN", "ROOT", "Process", "free_port", "wait_until"]


def production_env(**extra) -> dict[str, str]:
    """The environment of a production process: DEBUG off, a secret key of its own."""
    env = dict(os.environ)
    # Set by the browser tests' conftest for Playwright; never in production.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="harmony_portal.settings",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="harmony.example.com,127.0.0.1",
        STATICFILES_BACKEND="whitenoise.storage.CompressedManifestStaticFilesStorage",
        LOG_FORMAT="json",
    )
    env.update({name: str(value) for name, value in extra.items()})
    return env


def shared_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database), so that
    other processes see the rows a transactional test commits."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("processes share the test database only on PostgreSQL")
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class Processes:
    """Starts processes for one test and stops every one of them at the end, whatever
    happens; their logs are attached to a failure."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.started: list[Process] = []

    def start(self, name: str, command: list[str], *, env: dict) -> Process:
        process = Process(name, command, env, self.log_dir)
        process.start()
        self.started.append(process)
        return process

    def redis(self, port: int) -> Process:
        """A redis-server of the test's own: memory only, on the given loopback port."""
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail("redis-server is not installed (.ci/run and the Debian image have it)")
        process = self.start(
            f"redis-{port}-{len(self.started)}",
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--daemonize", "no"],
            env=dict(os.environ),
        )
        wait_until(lambda: _accepts(port), timeout=10, what=f"redis-server on port {port}")
        return process

    def web(self, *, env: dict) -> str:
        """The portal under gunicorn (the production command line); returns its base URL."""
        port = free_port()
        env = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4", **env, "PORT": str(port)}
        command = [str(BIN / "gunicorn"), "harmony_portal.wsgi:application"]
        process = self.start("gunicorn", command, env=env)
        base = f"http://127.0.0.1:{port}"

        def answers():
            if not process.alive():
                pytest.fail(f"gunicorn exited:\n{output(process)}")
            return _accepts(port) and http("GET", base + "/healthz").status == 200

        wait_until(answers, timeout=20, what="gunicorn to answer /healthz")
        return base

    def relay(self, *, env: dict, interval: float = 0.2, max_backoff: float = 1.0) -> Process:
        command = [sys.executable, "manage.py", "relay_outbox", "--interval", str(interval)]
        return self.start("relay", command + ["--max-backoff", str(max_backoff)], env=env)

    def worker(self, *, env: dict) -> Process:
        command = [str(BIN / "celery"), "-A", "harmony_portal", "worker", "--pool", "solo"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self.start("worker", command + ["--loglevel", "INFO"], env=env)

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{output(p)[-4000:]}" for p in self.started)


def output(process: Process) -> str:
    """What the process has written so far (stdout and stderr)."""
    return process.log.read_text(errors="replace")


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Answer:
    def __init__(self, status: int, headers, body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def json(self):
        import json

        return json.loads(self.body)


def http(method: str, url: str, *, headers: dict | None = None, body: bytes | None = None):
    """One request, redirects not followed; the answer whatever its status, and its time."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    started = time.perf_counter()
    try:
        response = urllib.request.build_opener(NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        data = response.read()
    return Answer(response.status, response.headers, data, time.perf_counter() - started)
