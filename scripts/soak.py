"""Multi-process soak: two web processes, two workers, two schedulers on PostgreSQL and Redis.

    .venv/bin/python scripts/soak.py [--duration 60] [--lock-ttl 30] [--json soak.json]
    make soak                      # the same, 60 s
    (tests/deploy/test_soak.py runs a 25-second version inside `make test`)

What it does, all on this machine (loopback only):
1. A fresh PostgreSQL database `<DATABASE_URL's name>_soak` (migrated, demo data loaded) and a
   private redis-server on a free port (no persistence).
2. Starts two gunicorn processes on two free ports, two Celery workers and two schedulers
   (`celery beat` with the leader lock), all with production settings and JSON logs.
3. Moves some upcoming working sessions so their reminders fall due during the run, and sets
   the reminder task to run every few seconds the way the admin edits it — while the
   schedulers run, so the acting one must pick the edit up.
4. Drives a bounded mixed load (reads and audited writes through the API, pages with a browser
   session) across both web processes for `--duration` seconds while it kills one worker
   (`kill -9` of its process group) and restarts it, kills the acting scheduler the same way
   and restarts it, and restarts one web process gracefully.
5. Waits until every reminder due in the window is out, stops everything, and checks: every
   reminder due sent exactly once (one delivery per person and channel, one e-mail each),
   every write that answered success in the audit trail exactly once and nothing else from
   the API, `manage.py verify_audit` intact, no 5xx, one scheduler sending at a time and the
   standby taking over within a minute, the browser session valid on both web processes and
   after the restart.

Exit status 0 when every check holds; the figures are printed (and written with --json).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import redis
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "harmony.example.com"
# The demo users' password (initiatives/demo.py): the soak signs in as they would.
DEMO_PASSWORD = "harmony-demo-2026"
LOCK_KEY = "harmony:scheduler:leader"  # harmony_portal/scheduler.py
SPONSORS = ("sofia", "marco", "priya")
IT_LEAD = "lena"
EXECUTIVE = "helen"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def now_utc() -> datetime:
    return datetime.now(UTC)


# --- processes --------------------------------------------------------------------------------


class Process:
    """One portal process in its own process group, so `kill -9` takes its children too."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.log = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("a") as log:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """Lose the process as a node is lost: SIGKILL to the whole group, no clean-up."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def json_lines(self) -> list[dict]:
        lines = []
        for raw in self.log.read_text(errors="replace").splitlines():
            if raw.startswith("{"):
                try:
                    lines.append(json.loads(raw))
                except ValueError:
                    continue
        return lines


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def recreate_database(url: str) -> str:
    """Drop and create `<name>_soak` on the server of `url`; returns its URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("The soak needs PostgreSQL: set DATABASE_URL=postgres://…")
    name = parts.path.lstrip("/") + "_soak"
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def drop_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        name = parts.path.lstrip("/")
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    admin.close()


def start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    """A private redis-server: the soak flushes nothing anyone else uses."""
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("The soak starts its own redis-server; install Debian's redis-server.")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=(work / "redis.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            return process, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


# --- HTTP ---------------------------------------------------------------------------------------


class WebDown(Exception):
    """Connection refused: the web process is restarting; a load balancer tries the other."""


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict
    ms: float
    web: int

    def json(self):
        return json.loads(self.body or b"null")


def request(port: int, method: str, path: str, *, body=None, headers=None, timeout=30) -> Answer:
    sent = {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}
    payload = None
    if body is not None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        data = response.read()
    except ConnectionRefusedError as error:
        raise WebDown(port) from error
    finally:
        connection.close()
    return Answer(
        response.status,
        data,
        {k.lower(): v for k, v in response.getheaders()}
        | {"set-cookie": response.headers.get_all("Set-Cookie") or []},
        (time.perf_counter() - started) * 1000,
        port,
    )


def sign_in(port: int, username: str) -> str:
    """A browser sign-in through the login form; returns the session cookie."""
    page = request(port, "GET", "/login/")
    csrf_cookie = next(c for c in page.headers["set-cookie"] if c.startswith("csrftoken="))
    csrf_cookie = csrf_cookie.split(";")[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
    form = urllib.parse.urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    answer = request(
        port,
        "POST",
        "/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf_cookie,
            "Referer": f"https://{HOST}/login/",
            "Origin": f"https://{HOST}",
        },
    )
    if answer.status != 302:
        raise RuntimeError(f"sign-in of {username} answered {answer.status}")
    return next(c for c in answer.headers["set-cookie"] if c.startswith("sessionid=")).split(";")[0]


# --- the load -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """Everything the clients saw, shared by the client threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    by_web: Counter = field(default_factory=Counter)
    by_op: Counter = field(default_factory=Counter)
    latencies: list = field(default_factory=list)
    server_errors: list = field(default_factory=list)
    transport_errors: list = field(default_factory=list)
    refused: int = 0
    writes: Counter = field(default_factory=Counter)  # "action type id" → successes
    write_attempts: int = 0

    def record(self, op: str, answer: Answer) -> None:
        with self.lock:
            self.statuses[answer.status] += 1
            self.by_web[answer.web] += 1
            self.by_op[op] += 1
            self.latencies.append(answer.ms)
            if answer.status >= 500:
                self.server_errors.append(
                    (op, answer.status, answer.body[:300].decode(errors="replace"))
                )

    def wrote(self, action: str, object_type: str, object_id) -> None:
        with self.lock:
            self.writes[f"{action} {object_type} {object_id}"] += 1


class Load:
    """Client threads that each loop until the deadline with a short pause between requests
    (bounded: at most `max_requests` in all), spreading requests over the web processes."""

    def __init__(self, ports, tokens, cookie, targets, tally, *, deadline, max_requests, seed):
        self.ports, self.tokens, self.cookie = ports, tokens, cookie
        self.targets, self.tally = targets, tally
        self.deadline, self.budget = deadline, max_requests
        self.random = random.Random(seed)
        self.sent = 0
        self.sent_lock = threading.Lock()
        self.edits = itertools.count(1)

    def call(self, op: str, method: str, path: str, *, user=None, body=None, headers=None, rng):
        headers = dict(headers or {})
        if user is not None:
            headers["Authorization"] = f"Token {self.tokens[user]}"
        else:
            headers["Cookie"] = self.cookie
        ports = list(self.ports)
        rng.shuffle(ports)
        for port in ports:
            try:
                answer = request(port, method, path, body=body, headers=headers)
            except WebDown:
                with self.tally.lock:
                    self.tally.refused += 1
                continue
            except (OSError, http.client.HTTPException) as error:
                with self.tally.lock:
                    self.tally.transport_errors.append((op, method, path, repr(error)))
                return None
            self.tally.record(op, answer)
            return answer
        with self.tally.lock:
            self.tally.transport_errors.append((op, method, path, "every web process refused"))
        return None

    def run_client(self, index: int) -> None:
        rng = random.Random(self.random.random() + index)
        sponsor = SPONSORS[index % len(SPONSORS)]
        mine: dict[int, int] = {}  # this client's drafts: id → version
        while time.monotonic() < self.deadline:
            with self.sent_lock:
                if self.sent >= self.budget:
                    return
                self.sent += 1
            roll = rng.random()
            if roll < 0.10 or not mine:
                self.create_initiative(sponsor, mine, rng)
            elif roll < 0.22:
                self.edit_initiative(sponsor, mine, rng)
            elif roll < 0.28:
                self.raise_design_input(rng)
            elif roll < 0.32:
                self.record_decision(rng)
            else:
                self.read(sponsor, rng)
            time.sleep(rng.uniform(0.02, 0.12))

    def create_initiative(self, sponsor, mine, rng) -> None:
        body = {
            "title": f"Soak {sponsor} {rng.randrange(10**6)}: vision check on line 4",
            "business_problem": "Manual inspection misses hairline cracks at night shifts.",
        }
        with self.tally.lock:
            self.tally.write_attempts += 1
        answer = self.call(
            "create initiative", "POST", "/api/initiatives/", user=sponsor, body=body, rng=rng
        )
        if answer is not None and answer.status == 201:
            created = answer.json()
            mine[created["id"]] = created["version"]
            self.tally.wrote("initiative.created", "initiatives.Initiative", created["id"])

    def edit_initiative(self, sponsor, mine, rng) -> None:
        pk = rng.choice(list(mine))
        stale = rng.random() < 0.15  # someone saved in between: must answer 412, change nothing
        version = mine[pk] - 1 if stale else mine[pk]
        with self.tally.lock:
            self.tally.write_attempts += 1
        answer = self.call(
            "edit initiative",
            "PATCH",
            f"/api/initiatives/{pk}/",
            user=sponsor,
            # Always a new value: an edit that changes nothing records (rightly) no event.
            body={
                "expected_value": f"Scrap down {rng.randrange(1, 30)} % (edit {next(self.edits)})"
            },
            headers={"If-Match": f'"{version}"'},
            rng=rng,
        )
        if answer is not None and answer.status == 200:
            mine[pk] = answer.json()["version"]
            self.tally.wrote("initiative.updated", "initiatives.Initiative", pk)

    def raise_design_input(self, rng) -> None:
        body = {
            "initiative": rng.choice(self.targets),
            "area": rng.choice(["security", "architecture", "performance"]),
            "title": f"Soak finding {rng.randrange(10**6)}",
            "severity": rng.choice(["low", "medium"]),
        }
        with self.tally.lock:
            self.tally.write_attempts += 1
        answer = self.call(
            "raise design input", "POST", "/api/design-inputs/", user=IT_LEAD, body=body, rng=rng
        )
        if answer is not None and answer.status == 201:
            self.tally.wrote("design_input.raised", "reviews.DesignInput", answer.json()["id"])

    def record_decision(self, rng) -> None:
        body = {
            "initiative": rng.choice(self.targets),
            "kind": "architecture",
            "summary": f"Edge inference on the line PC ({rng.randrange(10**6)})",
            "rationale": "Latency below 50 ms without the plant network.",
        }
        with self.tally.lock:
            self.tally.write_attempts += 1
        answer = self.call(
            "record decision", "POST", "/api/decisions/", user=IT_LEAD, body=body, rng=rng
        )
        if answer is not None and answer.status == 201:
            self.tally.wrote("decision.architecture", "governance.Decision", answer.json()["id"])

    def read(self, sponsor, rng) -> None:
        op, user, path = rng.choice(
            [
                ("list initiatives", sponsor, "/api/initiatives/?page_size=25"),
                ("list design inputs", IT_LEAD, "/api/design-inputs/?page_size=25"),
                ("list sessions", IT_LEAD, "/api/working-sessions/?page_size=25"),
                ("risk status", EXECUTIVE, "/api/risk-status/?page_size=25"),
                ("notifications", IT_LEAD, "/api/notifications/"),
                ("review queue", IT_LEAD, "/api/review-queue/"),
                ("dashboard page", None, "/governance/dashboard/"),
                ("portfolio page", None, "/initiatives/"),
            ]
        )
        self.call(op, "GET", path, user=user, rng=rng)


# --- the run ----------------------------------------------------------------------------------


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def web_ready(port: int) -> bool:
    try:
        return request(port, "GET", "/readyz", timeout=5).status == 200
    except (WebDown, OSError):
        return False


def worker_ready(process: Process) -> bool:
    return any(" ready." in line.get("message", "") for line in process.json_lines())


def scheduler_sends(processes: list[Process]) -> list[tuple[str, str, str]]:
    """(time, scheduler identity, periodic task) of every send, from the schedulers' logs."""
    sends = []
    for process in processes:
        for line in process.json_lines():
            if line.get("periodic_task") and line.get("scheduler"):
                sends.append((line["timestamp"], line["scheduler"], line["periodic_task"]))
    return sorted(sends)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Soak:
    """One run: prepare, drive the load with the losses, drain, check. `problems` collects
    every check that failed; `figures` what was measured."""

    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="harmony-soak-"))
        (self.work / "mail").mkdir()
        self.problems: list[str] = []
        self.figures: dict = {"duration_s": args.duration}
        self.events: dict = {}
        self.processes: list[Process] = []
        self.redis_process = None
        self.database_url = None
        self.tally = Tally()
        self.started = time.monotonic()

    # --- preparing ------------------------------------------------------------------------

    def environment(self, redis_url: str) -> dict:
        """Production settings, as in the container, pointed at the soak's database and Redis."""
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES}
        return env | {
            "DJANGO_SETTINGS_MODULE": "harmony_portal.settings",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "USE_X_FORWARDED_PROTO": "True",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "CONN_MAX_AGE": "60",
            "EMAIL_URL": f"filemail:///{self.work / 'mail'}",
            "PORTAL_BASE_URL": f"https://{HOST}",
            "SCHEDULER_LOCK_TTL": str(self.args.lock_ttl),
            "WEB_CONCURRENCY": str(self.args.web_concurrency),
            "GUNICORN_THREADS": "2",
        }

    def prepare(self) -> None:
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url:
            raise SystemExit("Set DATABASE_URL to a PostgreSQL server (the soak uses <name>_soak).")
        prepared = time.monotonic()
        self.database_url = recreate_database(database_url)
        self.redis_process, redis_url = start_redis(self.work)
        self.env = self.environment(redis_url)
        self.manage("migrate", "--noinput")

        celery = [str(BIN / "celery"), "-A", "harmony_portal", "-q"]
        self.ports = [free_port(), free_port()]
        self.webs = [
            Process(
                f"web{n}",
                [str(BIN / "gunicorn"), "harmony_portal.wsgi:application"],
                self.env | {"PORT": str(port)},
                self.work,
            )
            for n, port in enumerate(self.ports, start=1)
        ]
        self.workers = [
            Process(
                f"worker{n}",
                [
                    *celery,
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "2",
                    "-n",
                    f"soak{n}@%h",
                ],
                self.env,
                self.work,
            )
            for n in (1, 2)
        ]
        self.schedulers = [
            Process(f"scheduler{n}", [*celery, "beat", "--loglevel", "INFO"], self.env, self.work)
            for n in (1, 2)
        ]
        self.processes = [*self.webs, *self.workers, *self.schedulers]
        for process in self.processes:
            process.start()
        # The demo data loads while the processes start (its own e-mails go to the console).
        self.manage("load_demo", env={"EMAIL_URL": "consolemail://"})
        self.lock = redis.Redis.from_url(redis_url)
        wait_until(lambda: all(web_ready(p) for p in self.ports), 90, "both web processes")
        wait_until(lambda: all(worker_ready(w) for w in self.workers), 90, "both workers")
        wait_until(lambda: self.lock.get(LOCK_KEY), 60, "a scheduler to take the leader lock")

        # API tokens through /api/token/; a browser session through the login form on web1,
        # used on web2: sessions live in shared services, not in one process.
        self.tokens = {
            user: request(
                self.ports[0],
                "POST",
                "/api/token/",
                body={"username": user, "password": DEMO_PASSWORD},
            ).json()["token"]
            for user in (*SPONSORS, IT_LEAD, EXECUTIVE)
        }
        self.cookie = sign_in(self.ports[0], EXECUTIVE)
        self.session_check = {"valid_on_web2": self.session_valid_on(self.ports[1])}
        listing = request(
            self.ports[1],
            "GET",
            "/api/initiatives/?status=in_review&status=submitted&page_size=50",
            headers={"Authorization": f"Token {self.tokens[IT_LEAD]}"},
        ).json()
        self.targets = [row["id"] for row in listing["results"]]
        if not self.targets:
            raise RuntimeError("no submitted initiatives in the demo data to write to")

        # Reminders falling due across the run; the last early enough to go out before the end,
        # even after a takeover. Then the reminder task every few seconds, edited while the
        # schedulers run.
        count = self.args.reminders or max(6, int(self.args.duration // 5))
        self.window_start = now_utc()
        last = self.args.duration - self.args.reminder_every - 2
        offsets = [round(2 + i * (last - 2) / (count - 1), 1) for i in range(count)]
        self.made_due = self.manage_json(
            "soak",
            "schedule-reminders",
            "--first-due",
            self.window_start.isoformat(),
            "--offsets",
            ",".join(map(str, offsets)),
            "--mover",
            IT_LEAD,
        )["sessions"]
        self.reminder_task = self.manage_json(
            "soak", "reminder-interval", str(self.args.reminder_every)
        )["periodic_task"]
        self.figures["setup_s"] = round(time.monotonic() - prepared, 1)

    # --- the load and the losses ----------------------------------------------------------

    def drive(self) -> None:
        args = self.args
        begin = time.monotonic()
        load = Load(
            self.ports,
            self.tokens,
            self.cookie,
            self.targets,
            self.tally,
            deadline=begin + args.duration,
            max_requests=args.max_requests,
            seed=args.seed,
        )
        threads = [
            threading.Thread(target=load.run_client, args=(i,), daemon=True)
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()

        def at(fraction: float) -> None:
            time.sleep(max(0.0, begin + fraction * args.duration - time.monotonic()))

        def note(name: str) -> None:
            self.events[name] = round(time.monotonic() - begin, 1)

        at(0.15)
        self.workers[0].kill()
        note("worker_killed_s")
        time.sleep(3)
        self.workers[0].start()
        note("worker_restarted_s")

        at(0.25)
        holder = self.lock.get(LOCK_KEY).decode()
        acting = next(s for s in self.schedulers if holder.split("/")[1] == str(s.pid))
        standby = next(s for s in self.schedulers if s is not acting)
        acting.kill()
        killed = time.monotonic()
        note("scheduler_killed_s")
        new_holder = wait_until(
            lambda: (h := self.lock.get(LOCK_KEY)) and h.decode() != holder and h.decode(),
            args.lock_ttl + 30,
            "the standby scheduler to take over",
            interval=0.1,
        )
        self.events["takeover_s"] = round(time.monotonic() - killed, 1)
        self.events["new_leader_is_the_standby"] = new_holder.split("/")[1] == str(standby.pid)
        acting.start()  # back, as the new standby
        note("scheduler_restarted_s")

        at(0.70)
        self.webs[1].stop()
        self.webs[1].start()
        wait_until(lambda: web_ready(self.ports[1]), 60, "web2 after its restart")
        note("web2_restarted_s")
        self.session_check["valid_on_web2_after_restart"] = self.session_valid_on(self.ports[1])

        for thread in threads:
            thread.join(args.duration + 60)
        self.figures["load_s"] = round(time.monotonic() - begin, 1)
        self.window_end = now_utc()

    # --- draining and checking ------------------------------------------------------------

    def drain(self) -> dict:
        """Wait until every reminder due in the window is out, then stop every process."""
        drained = time.monotonic()
        try:
            wait_until(
                lambda: all(row["deliveries"] for row in self.report()["reminders"]["rows"]),
                self.args.lock_ttl + 3 * self.args.reminder_every + 20,
                "every reminder due in the window",
                interval=1.0,
            )
        except RuntimeError as error:
            self.problems.append(str(error))
        self.figures["drain_s"] = round(time.monotonic() - drained, 1)
        for process in self.processes:
            process.stop()
        return self.report()  # nothing in flight any more

    def check(self, report: dict) -> None:
        rows = report["reminders"]["rows"]
        in_window = [r for r in rows if r["in_window"]]
        due_in_window = {r["session"] for r in in_window}
        if missed := set(self.made_due) - due_in_window:
            self.problem(f"sessions made due in the window not found due: {sorted(missed)}")
        if not_once := [r for r in rows if r["deliveries"] != 1]:
            self.problem(f"reminders not sent exactly once: {not_once[:5]}")
        if mails := [
            r for r in rows if r["channel"] == "email" and r["emails"] != r["sent_in_run"]
        ]:
            self.problem(f"e-mails differ from the deliveries: {mails[:5]}")

        found, expected = Counter(report["audit"]["api_events"]), self.tally.writes
        if missing := expected - found:
            self.problem(f"successful writes missing from the audit trail: {dict(missing)}")
        if unexpected := found - expected:
            self.problem(f"API audit events without a successful write: {dict(unexpected)}")
        verify = subprocess.run(
            [sys.executable, "manage.py", "verify_audit"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if verify.returncode != 0:
            self.problem(f"verify_audit: {verify.stdout}{verify.stderr}")
        if self.tally.server_errors:
            self.problem(f"server errors: {self.tally.server_errors[:3]}")
        if self.tally.transport_errors:
            self.problem(f"requests without an answer: {self.tally.transport_errors[:3]}")

        sends = scheduler_sends(self.schedulers)
        senders = [who for i, (_, who, _) in enumerate(sends) if i == 0 or sends[i - 1][1] != who]
        times = [datetime.fromisoformat(t) for t, _, task in sends if task == self.reminder_task]
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
        if len(senders) != 2 or len(set(senders)) != 2:
            self.problem(f"expected one handover between two schedulers; senders: {senders}")
        if gaps and min(gaps) < self.args.reminder_every / 2:
            self.problem(f"the reminder task went out twice within {min(gaps):.2f} s")
        if not self.events["new_leader_is_the_standby"]:
            self.problem("the leader lock went to another scheduler than the standby")
        if self.events["takeover_s"] > 60:
            self.problem(f"the takeover took {self.events['takeover_s']} s, over a minute")
        if not all(self.session_check.values()):
            self.problem(f"browser session not shared or lost in the restart: {self.session_check}")

        tally = self.tally
        total = sum(tally.statuses.values())
        self.figures |= {
            "requests": total,
            "requests_per_s": round(total / self.figures["load_s"], 1),
            "requests_by_web": {
                f"web{self.ports.index(p) + 1}": n for p, n in tally.by_web.items()
            },
            "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
            "server_errors": len(tally.server_errors),
            "refused_during_restart": tally.refused,
            "latency_ms": {
                "p50": round(statistics.median(tally.latencies), 1),
                "p95": round(percentile(tally.latencies, 95), 1),
                "max": round(max(tally.latencies), 1),
            },
            "writes_attempted": tally.write_attempts,
            "writes_succeeded": sum(expected.values()),
            "audit_events_matched": sum((expected & found).values()),
            "audit_chain": verify.stdout.strip().split(".")[0]
            if verify.returncode == 0
            else "BROKEN",
            "reminder_sessions_due_in_window": len(due_in_window),
            "reminder_deliveries_in_window": sum(r["deliveries"] for r in in_window),
            "reminder_sessions_due_earlier": len({r["session"] for r in rows} - due_in_window),
            "reminder_emails_written": sum(r.get("emails", 0) for r in rows),
            "scheduler_sends": len(sends),
            "senders_in_order": senders,
            "failovers": len(senders) - 1,
            "min_gap_between_reminder_sends_s": round(min(gaps), 2) if gaps else None,
            "events": self.events,
            "session": self.session_check,
        }

    def run(self) -> int:
        try:
            self.prepare()
            self.drive()
            self.check(self.drain())
        except Exception as error:  # noqa: BLE001 - report whatever stopped the run itself
            self.problem(f"the soak could not run: {error!r}")
        finally:
            self.clean_up()
        self.figures["total_s"] = round(time.monotonic() - self.started, 1)
        self.figures["problems"] = self.problems
        print_figures(self.figures)
        if self.args.json:
            Path(self.args.json).write_text(json.dumps(self.figures, indent=2))
        if self.problems:
            print(f"\nSOAK FAILED (logs in {self.work}):", file=sys.stderr)
            for problem in self.problems:
                print(f"  - {problem}", file=sys.stderr)
            return 1
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        print("\nSOAK PASSED")
        return 0

    def clean_up(self) -> None:
        for process in self.processes:
            with contextlib.suppress(Exception):
                process.stop(timeout=10)
        if self.redis_process is not None:
            self.redis_process.terminate()
            self.redis_process.wait(10)
        if self.database_url and not self.args.keep and not self.problems:
            drop_database(self.database_url)

    # --- helpers --------------------------------------------------------------------------

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def manage(self, *args: str, env: dict | None = None) -> str:
        return manage(self.env | (env or {}), *args)

    def manage_json(self, *args: str) -> dict:
        return json.loads(self.manage(*args))

    def report(self) -> dict:
        return self.manage_json(
            "soak",
            "report",
            "--since",
            self.window_start.isoformat(),
            "--until",
            self.window_end.isoformat(),
            "--mail-dir",
            str(self.work / "mail"),
        )

    def session_valid_on(self, port: int) -> bool:
        answer = request(port, "GET", "/governance/dashboard/", headers={"Cookie": self.cookie})
        return answer.status == 200


# Test-runner and deployment variables that must not leak into the soak's processes.
DROPPED_VARIABLES = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "STATICFILES_BACKEND",
    "STATIC_ROOT",
    "SECRETS_DIR",
}


def print_figures(f: dict) -> None:
    if "requests" not in f:
        return
    e, latency, session = f["events"], f["latency_ms"], f["session"]
    lines = [
        f"Soak: {f['load_s']} s of load on 2 web processes, 2 workers, 2 schedulers "
        f"(whole run {f['total_s']} s: setup {f['setup_s']} s, drain {f['drain_s']} s)",
        f"  requests   {f['requests']} ({f['requests_per_s']}/s), by web {f['requests_by_web']}, "
        f"statuses {f['statuses']}",
        f"  latency    p50 {latency['p50']} ms, p95 {latency['p95']} ms, max {latency['max']} ms",
        f"  5xx        {f['server_errors']}; refused while web2 restarted (sent to web1): "
        f"{f['refused_during_restart']}",
        f"  writes     {f['writes_succeeded']} succeeded of {f['writes_attempted']}; in the audit "
        f"trail once each: {f['audit_events_matched']}; {f['audit_chain']}",
        f"  reminders  {f['reminder_sessions_due_in_window']} sessions due in the window: "
        f"{f['reminder_deliveries_in_window']} deliveries, each exactly once; "
        f"{f['reminder_emails_written']} e-mails written",
        f"  worker     killed at {e['worker_killed_s']} s, "
        f"restarted at {e['worker_restarted_s']} s",
        f"  scheduler  leader killed at {e['scheduler_killed_s']} s, the standby acted "
        f"{e['takeover_s']} s later; failovers {f['failovers']}; {f['scheduler_sends']} sends, "
        f"never two at once (closest {f['min_gap_between_reminder_sends_s']} s apart)",
        f"  web        web2 restarted at {e['web2_restarted_s']} s; browser session valid on web2 "
        f"{session['valid_on_web2']}, after its restart {session['valid_on_web2_after_restart']}",
    ]
    print("\n" + "\n".join(lines))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--clients", type=int, default=4, help="client threads")
    parser.add_argument("--max-requests", type=int, default=5000, help="bound on requests")
    parser.add_argument("--lock-ttl", type=float, default=30, help="SCHEDULER_LOCK_TTL")
    parser.add_argument("--reminder-every", type=int, default=5, help="seconds")
    parser.add_argument("--reminders", type=int, default=0, help="sessions made due (0: auto)")
    parser.add_argument("--web-concurrency", type=int, default=2, help="gunicorn workers each")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args(argv)
    # The leader dies at a quarter of the run; the takeover and the reminders it owes must
    # fit before the end.
    if args.lock_ttl + args.reminder_every + 3 > args.duration * 0.65:
        parser.error("--duration too short for the takeover: > (lock TTL + interval + 3) / 0.65")
    return Soak(args).run()


if __name__ == "__main__":
    sys.exit(main())
