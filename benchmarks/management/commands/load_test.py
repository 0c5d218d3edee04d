"""`manage.py load_test` (`make load`): a bounded load test of the running portal, on loopback.

It loads the demo data when the database is empty, starts the portal under gunicorn in
production mode on a free 127.0.0.1 port, and runs locust headless (`benchmarks/locustfile.py`)
for `--run-time` seconds with `--users` simulated people: sponsors, reviewers, IT leads and
executives mixing page and API reads with writes (register, edit drafts over the API and in
the intake form, score assessments, raise design inputs; every update sends its version).

It then checks what the reliability work promises and exits non-zero otherwise:
- no answer was a 5xx, and no write got an unexpected 4xx;
- the audit trail grew by exactly the number of writes that answered success (each write is
  one service call, one event), so no success was lost and none was recorded twice.

With `--writes` the simulated people only write, with no pause (`SponsorWriter`,
`ReviewerWriter`): the run reports writes per second and then verifies the whole audit chain
(`verify_audit`), which must still hold after the concurrent appends.
"""

import csv
import io
import json
import os
import secrets
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client
from rest_framework.authtoken.models import Token

from audit.chain import verify_chain
from audit.models import AuditEvent
from benchmarks.soak.processes import BIN, Process
from benchmarks.throughput import group_cpu_seconds, start_web, web_environment
from initiatives.models import Initiative, Status
from initiatives.roles import Role
from initiatives.services import missing_for_submission
from reviews.models import ConcernAssessment
from reviews.permissions import can_assess

from .bench import ensure_postgres_database

ROOT = Path(settings.BASE_DIR)
# The locust user classes of each kind of run (benchmarks/locustfile.py).
READERS_AND_WRITERS = ("Sponsor", "Reviewer", "ITLead", "Executive")
WRITERS = ("SponsorWriter", "ReviewerWriter")
ROLES = {
    "sponsors": Role.SPONSOR,
    "reviewers": Role.REVIEWER,
    "leads": Role.IT_LEAD,
    "executives": Role.EXECUTIVE,
}


class Command(BaseCommand):
    help = "Load-test the portal on loopback with locust; fail on a 5xx or a lost audit event."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=32)
        parser.add_argument("--spawn-rate", type=float, default=8)
        parser.add_argument("--run-time", type=int, default=60, help="Seconds.")
        parser.add_argument("--output", default="load-results.json")
        parser.add_argument(
            "--writes",
            action="store_true",
            help="Writes only, back to back: measure writes per second, then verify the chain.",
        )
        parser.add_argument(
            "--locust",
            default=str(BIN / "locust"),
            help="The locust program (`make load` installs it in .venv-load).",
        )

    def handle(self, *args, users, spawn_rate, run_time, output, locust, writes, **options):
        ensure_postgres_database()
        call_command("migrate", verbosity=0)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the demo's
        call_command("load_demo", stdout=io.StringIO())
        secret_key = secrets.token_urlsafe(50)
        with tempfile.TemporaryDirectory(prefix="harmony-load-") as tmp:
            work = Path(tmp)
            plan = self._plan(secret_key)
            (work / "plan.json").write_text(json.dumps(plan))
            actors = [u["id"] for people in plan.values() for u in people]
            events_before = AuditEvent.objects.filter(actor_id__in=actors).count()
            web = self._start_web(secret_key, work)
            try:
                cpu_before = group_cpu_seconds(web.pid)
                waits = LockWaitSampler()
                waits.start()
                started = time.monotonic()
                finished = subprocess.run(
                    [
                        locust,
                        "-f",
                        str(ROOT / "benchmarks" / "locustfile.py"),
                        "--headless",
                        "--host",
                        self.base,
                        "--users",
                        str(users),
                        "--spawn-rate",
                        str(spawn_rate),
                        "--run-time",
                        f"{run_time}s",
                        "--stop-timeout",
                        "10",
                        "--csv",
                        str(work / "locust"),
                        "--only-summary",
                        "--loglevel",
                        "WARNING",
                        *(WRITERS if writes else READERS_AND_WRITERS),
                    ],
                    cwd=ROOT,
                    env={
                        **os.environ,
                        "LOAD_PLAN": str(work / "plan.json"),
                        "LOAD_REPORT": str(work / "report.json"),
                    },
                    capture_output=True,
                    text=True,
                    timeout=run_time + 120,
                )
                elapsed = time.monotonic() - started
                web_cpu = group_cpu_seconds(web.pid) - cpu_before
                waits.stop()
            finally:
                web.stop()
            if not (work / "report.json").exists():
                raise CommandError(f"locust did not finish:\n{finished.stdout}\n{finished.stderr}")
            counts = json.loads((work / "report.json").read_text())
            endpoints = _endpoint_stats(work / "locust_stats.csv")
            failures = _failures(work / "locust_failures.csv")
            server_log = (work / "gunicorn.log").read_text(errors="replace")
            events = AuditEvent.objects.filter(actor_id__in=actors).count() - events_before
        result = {
            "users": users,
            "run_time_s": run_time,
            "elapsed_s": round(elapsed, 1),
            "requests": counts.get("requests", 0),
            "server_errors": counts.get("server_errors", 0),
            "unexpected_4xx": counts.get("unexpected", 0),
            "writes_ok": counts.get("writes_ok", 0),
            "writes_refused_stale": counts.get("writes_refused", 0),
            "audit_events": events,
            "writes_per_second": round(counts.get("writes_ok", 0) / run_time, 1),
            # The portal's own CPU (gunicorn's workers) per answer: what bounds throughput
            # when it is not a lock.
            # How often the portal's database sessions were waiting for a lock (e.g. the audit
            # chain's head): a limit that more CPU would not lift.
            "lock_waits": waits.summary(),
            "web_cpu_ms_per_request": round(1000 * web_cpu / max(1, counts.get("requests", 0)), 1),
            "endpoints": endpoints,
            "failures": failures,
        }
        Path(output).write_text(json.dumps(result, indent=2))
        self._print(result)
        problems = []
        if result["server_errors"]:
            problems.append(f"{result['server_errors']} answers were 5xx")
        if result["unexpected_4xx"]:
            problems.append(f"{result['unexpected_4xx']} answers were an unexpected 4xx")
        if events != result["writes_ok"]:
            problems.append(f"{events} audit events for {result['writes_ok']} successful writes")
        if writes:
            chain = verify_chain()
            result["audit_chain"] = "intact" if chain.ok else f"broken at {chain.broken_seq}"
            Path(output).write_text(json.dumps(result, indent=2))
            self.stdout.write(
                f"{result['writes_per_second']} writes per second; audit chain of "
                f"{chain.checked} events: {result['audit_chain']}."
            )
            if not chain.ok:
                problems.append(f"the audit chain is broken: {chain.problem}")
        if problems:
            # What went wrong, from the web process's own log (its tracebacks).
            errors = [line for line in server_log.splitlines() if '"ERROR"' in line]
            self.stderr.write("\n".join(errors[-20:]))
            raise CommandError("; ".join(problems))
        self.stdout.write(self.style.SUCCESS("Load test passed."))

    def _plan(self, secret_key: str) -> dict:
        """Who the simulated people are: a session and a token each, and their objects."""
        settings.SECRET_KEY = secret_key  # the web process signs and checks sessions with it
        plan = {}
        in_review = list(Initiative.objects.filter(status=Status.IN_REVIEW))
        for key, role in ROLES.items():
            people = []
            for user in get_user_model().objects.filter(groups__name=role, is_active=True):
                client = Client()
                client.force_login(user)
                person = {
                    "id": user.pk,
                    "username": user.username,
                    "session": client.cookies["sessionid"].value,
                    "token": Token.objects.get_or_create(user=user)[0].key,
                    "drafts": list(
                        Initiative.objects.filter(sponsor=user, status=Status.DRAFT).values_list(
                            "pk", flat=True
                        )
                    ),
                    # Complete initiatives the writers send back to draft and submit again.
                    "submittable": [
                        i.pk
                        for i in Initiative.objects.filter(
                            sponsor=user, status__in=[Status.DRAFT, Status.SUBMITTED]
                        )
                        if not missing_for_submission(i)
                    ],
                    "assessments": [
                        a.pk
                        for a in ConcernAssessment.objects.filter(initiative__in=in_review)
                        .select_related("initiative")
                        .order_by("pk")
                        if can_assess(user, a)
                    ],
                }
                person["initiatives"] = sorted(
                    {
                        a.initiative_id
                        for a in ConcernAssessment.objects.filter(pk__in=person["assessments"])
                    }
                )
                people.append(person)
            plan[key] = [p for p in people if _has_work(key, p)]
            if not plan[key]:
                raise CommandError(f"the demo data has no {key} with work to do")
        return plan

    def _start_web(self, secret_key: str, work: Path) -> Process:
        try:
            web, base = start_web(web_environment(SECRET_KEY=secret_key), work)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.base = base
        return web

    def _print(self, result: dict) -> None:
        self.stdout.write(
            f"\n{result['users']} users for {result['run_time_s']} s: {result['requests']} "
            f"requests, {result['server_errors']} 5xx, {result['unexpected_4xx']} unexpected "
            f"4xx; {result['writes_ok']} writes succeeded, {result['writes_refused_stale']} "
            f"refused as stale; {result['audit_events']} audit events; "
            f"{result['web_cpu_ms_per_request']} ms of the portal's CPU per answer; "
            f"sessions waiting for a lock in {result['lock_waits']['share_waiting']} % of "
            f"{result['lock_waits']['samples']} samples of the busy sessions.\n"
        )
        self.stdout.write(f"{'endpoint':<34} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for row in result["endpoints"]:
            self.stdout.write(
                f"{row['name']:<34} {row['requests']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8}"
            )
        for failure in result["failures"]:
            self.stdout.write(self.style.ERROR(f"failed: {failure}"))


class LockWaitSampler(threading.Thread):
    """Samples PostgreSQL's `pg_stat_activity` ten times a second during the run: of the
    portal's busy sessions, how many were waiting for a lock. Nothing on SQLite."""

    QUERY = """
        SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),
               count(*) FILTER (WHERE state = 'active')
        FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.waiting = self.busy = self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        if connection.vendor != "postgresql":
            return
        with connections.create_connection(DEFAULT_DB_ALIAS).cursor() as cursor:
            while not self._stop_event.wait(0.1):
                cursor.execute(self.QUERY)
                waiting, busy = cursor.fetchone()
                self.waiting += waiting
                self.busy += busy
                self.samples += 1

    def stop(self) -> None:
        self._stop_event.set()
        self.join(5)

    def summary(self) -> dict:
        share = round(100 * self.waiting / self.busy, 1) if self.busy else 0.0
        return {"samples": self.samples, "busy_sessions": self.busy, "share_waiting": share}


def _has_work(role: str, person: dict) -> bool:
    if role == "sponsors":
        return bool(person["drafts"])
    if role in ("reviewers", "leads"):
        return bool(person["assessments"])
    return True


def _failures(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open() as f:
        return [
            f"{row['Method']} {row['Name']} ×{row['Occurrences']}: {row['Error']}"
            for row in csv.DictReader(f)
        ]


def _endpoint_stats(path: Path) -> list[dict]:
    rows = []
    with path.open() as f:
        for row in csv.DictReader(f):
            rows.append(
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": row["50%"],
                    "p95_ms": row["95%"],
                }
            )
    return rows
