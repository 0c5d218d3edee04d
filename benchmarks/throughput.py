"""Throughput of the portal as deployed: gunicorn in production mode on loopback, loaded by
wrk (Debian's package) at a fixed number of connections, one endpoint after another, with
`/healthz` first as the baseline of the same run (what gunicorn, the middleware and the
machine cost with no page behind them).

For each endpoint it reports requests per second, p50/p95/p99 latency and the portal's own CPU
per request (gunicorn's processes, read from /proc), so a page that is slow because of Python
shows apart from one that waits for PostgreSQL. `manage.py bench --http` runs it on the loaded
portfolio; `manage.py load_test --writes` measures writes the same way.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client

from .soak.processes import BIN, Process, free_port, wait_until

ROOT = Path(settings.BASE_DIR)
WRK_SCRIPT = ROOT / "benchmarks" / "wrk_report.lua"


@dataclass
class Throughput:
    name: str
    role: str
    url: str
    status: int
    requests: int = 0
    seconds: float = 0.0
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    not_ok: int = 0  # answers that were not 2xx/3xx, and socket errors
    cpu_ms_per_request: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user and system) used so far by the live processes of a process group
    (gunicorn's master and its workers), from /proc; 0 where /proc is missing."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended meanwhile
        # After the command's name: state, ppid, pgrp, …; utime and stime are fields 14, 15.
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def database_url() -> str | None:
    """The URL of the database this process uses (under the tests, pytest-django's test
    database rather than DATABASE_URL's), so gunicorn reads the same rows."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        return os.environ.get("DATABASE_URL")
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def production_secret_key() -> str:
    """A secret key gunicorn accepts in production mode: this process's own, or a fresh one
    when it runs with the development key (the tests); sign sessions with the same one
    (`override_settings(SECRET_KEY=…)`)."""
    from harmony_portal.settings import DEVELOPMENT_SECRET_KEY

    if settings.SECRET_KEY and settings.SECRET_KEY != DEVELOPMENT_SECRET_KEY:
        return settings.SECRET_KEY
    return secrets.token_urlsafe(50)


def web_environment(**extra) -> dict[str, str]:
    """gunicorn's environment: production mode, this process's database, cache and secret key
    (so the sessions signed here are valid there), plain HTTP on loopback."""
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    url = database_url()
    if url:
        env["DATABASE_URL"] = url
    env.update(
        DEBUG="False",
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="json",
    )
    env.update({name: str(value) for name, value in extra.items()})
    return env


def start_web(env: dict[str, str], log_dir: Path) -> tuple[Process, str]:
    """gunicorn with the portal's gunicorn.conf.py on a free loopback port; returns the
    process (its own process group) and its base URL once it answers /healthz."""
    port = free_port()
    web = Process(
        "gunicorn",
        [str(BIN / "gunicorn"), "harmony_portal.wsgi:application"],
        {**env, "PORT": str(port)},
        log_dir,
    )
    web.start()
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if not web.alive():
            raise RuntimeError(web.log.read_text(errors="replace"))
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                return True
        except OSError:
            return False

    wait_until(answers, 30, "gunicorn to answer /healthz")
    return web, base


def session_cookie(user) -> str:
    """A signed-in session of `user`, valid in a web process with the same secret key."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def first_answer(url: str, cookie: str) -> int:
    """The status of one GET, redirects not followed (a sign-in redirect is not a page)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def wrk(url: str, *, cookie: str, seconds: int, connections: int, threads: int = 2) -> dict:
    """One wrk run; its report as a dict (wrk_report.lua)."""
    program = shutil.which("wrk")
    if program is None:
        raise RuntimeError("wrk is not installed (scripts/ensure-wrk.sh installs it)")
    command = [program, f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "30s", "-s", str(WRK_SCRIPT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command += ["-H", "Accept: text/html,application/json", url]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed: {finished.stderr or finished.stdout}")
    last = [line for line in finished.stdout.splitlines() if line.startswith("{")][-1]
    return json.loads(last)


def measure(
    web: Process,
    base: str,
    name: str,
    role: str,
    path: str,
    cookie: str,
    *,
    seconds: int,
    connections: int,
) -> Throughput:
    """Requests per second, latency percentiles and CPU per request of one endpoint."""
    url = base + path
    result = Throughput(name, role, path, first_answer(url, cookie))
    if result.status != 200:
        return result  # a redirect to sign-in or an error page is not what is measured
    cpu_before = group_cpu_seconds(web.pid)
    report = wrk(url, cookie=cookie, seconds=seconds, connections=connections)
    cpu = group_cpu_seconds(web.pid) - cpu_before
    result.requests = report["requests"]
    result.seconds = round(report["duration_us"] / 1e6, 2)
    result.requests_per_second = round(result.requests / max(result.seconds, 1e-9), 1)
    result.p50_ms = round(report["p50_us"] / 1000, 1)
    result.p95_ms = round(report["p95_us"] / 1000, 1)
    result.p99_ms = round(report["p99_us"] / 1000, 1)
    result.not_ok = report["non_2xx_3xx"] + report["socket_errors"]
    result.cpu_ms_per_request = round(1000 * cpu / max(result.requests, 1), 1)
    return result
