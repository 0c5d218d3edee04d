"""Multi-process soak: two web processes, two workers, two schedulers on PostgreSQL and Redis.

    make soak                      # 60 s of load, production lock TTL (30 s)
    .venv/bin/python -m benchmarks.soak [--duration 60] [--lock-ttl 30] [--json soak.json]
    (tests/deploy/test_soak.py runs a 20-second version inside `make test`)

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
import itertools
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import redis

from benchmarks.soak.client import (
    DEMO_PASSWORD,
    EXECUTIVE,
    HOST,
    IT_LEAD,
    SPONSORS,
    Load,
    Tally,
    percentile,
    request,
    sign_in,
    web_ready,
)
from benchmarks.soak.processes import (
    BIN,
    ROOT,
    Process,
    drop_database,
    free_port,
    manage,
    recreate_database,
    scheduler_sends,
    start_redis,
    wait_until,
    worker_ready,
)

LOCK_KEY = "harmony:scheduler:leader"  # harmony_portal/scheduler.py


def now_utc() -> datetime:
    return datetime.now(UTC)


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
        # A rolling restart as Kubernetes does it: out of the endpoints first (the pod's
        # preStop pause), then SIGTERM; gunicorn finishes what it has, then exits.
        load.draining.add(self.ports[1])
        time.sleep(1)
        self.webs[1].stop()
        self.webs[1].start()
        wait_until(lambda: web_ready(self.ports[1]), 60, "web2 after its restart")
        load.draining.discard(self.ports[1])
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
        # At least the handover forced by killing the leader. On a loaded machine a leader may
        # also miss a renewal and hand over early — then the killed leader, restarted under a
        # new identity, may take its turn too (a third sender); that is allowed (every
        # periodic task is idempotent) as long as nothing went out twice — the gap check below.
        if len(set(senders)) < 2:
            self.problem(f"expected a handover between the two schedulers; senders: {senders}")
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
        f"  5xx        {f['server_errors']}; connections refused (sent to the other web): "
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
