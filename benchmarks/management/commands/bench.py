"""`manage.py bench` (`make bench`): load a large portfolio, measure pages, API and risk sweep.

It writes to the configured database, so it refuses one whose name does not contain "bench":
run it as `DATABASE_URL=postgres://…/harmony_bench make bench` (the Makefile's default).
A missing PostgreSQL database is created. Every run flushes the database and reloads it, so it
can be run again and again; --no-load measures what is already there.

With --http it then serves the loaded portfolio with gunicorn (production mode, loopback) and
loads each of the busiest pages with wrk for --http-seconds at --http-connections
(`benchmarks/throughput.py`): requests per second and p50/p95/p99 next to `/healthz`.
"""

import json
import logging
import os
import platform
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection
from django.test.utils import override_settings
from django.utils import timezone

from benchmarks import loader, measure, throughput

PAGE_P95_TARGET_MS = 100
SWEEP_TARGET_SECONDS = 10
# The pages loaded through gunicorn with --http (names of `measure.endpoints()`), after the
# baseline; the targets are the reviewer's queue and the dashboard.
HTTP_ENDPOINTS = (
    "reviewer queue",
    "IT lead's queue",
    "initiative detail",
    "executive dashboard",
    "my initiatives",
    "my work (reviewer)",
    "API /api/review-queue/ (IT lead)",
    "API /api/initiatives/",
)


def ensure_postgres_database() -> None:
    """Create the configured PostgreSQL database when it does not exist yet."""
    try:
        connection.ensure_connection()
        return
    except OperationalError as error:
        if connection.vendor != "postgresql" or "does not exist" not in str(error):
            raise
    import psycopg2
    from psycopg2 import sql

    params = connection.get_connection_params()
    name = params.pop("database", None) or params.pop("dbname")
    admin = psycopg2.connect(**{**params, "dbname": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


class Command(BaseCommand):
    help = "Load a large data set into a *_bench database and measure latency and queries."

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, default=10_000)
        parser.add_argument(
            "--small",
            type=int,
            default=200,
            help="Also measure at this many initiatives to compare query counts (0: skip).",
        )
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--output", default="bench-results.json")
        parser.add_argument("--no-load", action="store_true", help="Measure the loaded data.")
        parser.add_argument("--skip-sweep", action="store_true")
        parser.add_argument(
            "--only",
            default="",
            help="Measure only the endpoints whose name contains this text (e.g. 'my work').",
        )
        parser.add_argument(
            "--sweep", default="", help="Dotted path of the risk sweep (default: found by name)."
        )
        parser.add_argument(
            "--http",
            action="store_true",
            help="Also load the busiest pages through gunicorn with wrk (requests per second).",
        )
        parser.add_argument("--http-seconds", type=int, default=10)
        parser.add_argument("--http-connections", type=int, default=8)
        parser.add_argument(
            "--http-workers", type=int, default=2, help="gunicorn's workers (2 threads each)."
        )
        parser.add_argument(
            "--force-database",
            action="store_true",
            help="Run on a database whose name lacks 'bench' (the test suite does).",
        )

    def handle(self, *args, **options):
        # One log line per measured request would drown the progress and the table.
        for noisy in ("harmony_portal.request", "axes"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name and not options["force_database"]:
            raise CommandError(
                f"refusing to flush database {name!r}: point DATABASE_URL at a database whose "
                "name contains 'bench', e.g. postgres://postgres@127.0.0.1:5432/harmony_bench"
            )
        ensure_postgres_database()
        call_command("migrate", verbosity=0, interactive=False)
        results = {
            "generated_at": timezone.now().isoformat(),
            "database": self._database_description(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            # Latency is only as good as the machine is quiet: the load says how quiet it was.
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "requests_per_endpoint": options["requests"],
            "targets": {"page_p95_ms": PAGE_P95_TARGET_MS, "sweep_seconds": SWEEP_TARGET_SECONDS},
        }

        small = {}
        if options["small"] and not options["no_load"]:
            results["small"] = self._phase(options["small"], options, sweep=False)
            small = {m["name"]: m for m in results["small"]["endpoints"]}
        results["large"] = self._phase(
            options["initiatives"], options, sweep=not options["skip_sweep"]
        )
        for m in results["large"]["endpoints"]:
            m["queries_small"] = small.get(m["name"], {}).get("queries")

        if options["http"]:
            results["http"] = self._http(options)
        results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        self._print_table(results)
        if "http" in results:
            self._print_http(results["http"])
        Path(options["output"]).write_text(json.dumps(results, indent=2, default=str) + "\n")
        self.stdout.write(f"\nwrote {options['output']}")

    def _phase(self, initiatives: int, options, *, sweep: bool) -> dict:
        phase = {}
        if not options["no_load"]:
            self.stdout.write(f"\nloading {initiatives} initiatives (flushing the database first)")
            started = time.perf_counter()
            call_command("flush", interactive=False, verbosity=0)
            dataset = loader.load_dataset(initiatives, report=self.stdout.write)
            phase["load_seconds"] = round(time.perf_counter() - started, 1)
            phase["counts"] = dataset.counts
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # What autovacuum does to a live database after a bulk load: fresh planner
                    # statistics and visibility maps (index-only counts).
                    cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"measuring at {initiatives} initiatives")
        phase["endpoints"] = []
        for endpoint in measure.endpoints():
            if options["only"] and options["only"].lower() not in endpoint.name.lower():
                continue
            m = measure.measure(endpoint, requests=options["requests"], warmup=options["warmup"])
            self.stdout.write(f"  {m.name:<32} p95 {m.p95_ms} ms, {m.queries} queries {m.note}")
            phase["endpoints"].append(m.as_dict())
        if sweep:
            self.stdout.write("timing the full risk sweep (and the hourly one)")
            phase["risk_sweep"] = measure.time_risk_sweep(dotted_path=options["sweep"])
        return phase

    def _http(self, options) -> dict:
        """The busiest pages through gunicorn and wrk, `/healthz` first as the baseline."""
        seconds, load = options["http_seconds"], options["http_connections"]
        workers = options["http_workers"]
        self.stdout.write(
            f"\nloading pages through gunicorn ({workers} workers × 2 threads) with wrk: "
            f"{load} connections, {seconds} s each"
        )
        pages = [("/healthz (baseline)", "anonymous", "/healthz", "")]
        key = throughput.production_secret_key()
        cookies: dict[str, str] = {}  # one signed-in session per role
        with override_settings(SECRET_KEY=key):  # gunicorn checks the sessions with it
            for endpoint in measure.endpoints():
                if endpoint.name in HTTP_ENDPOINTS and endpoint.url:
                    if endpoint.role not in cookies:
                        user = measure.bench_user(endpoint.role)
                        cookies[endpoint.role] = throughput.session_cookie(user)
                    pages.append(
                        (endpoint.name, endpoint.role, endpoint.url, cookies[endpoint.role])
                    )
        env = throughput.web_environment(
            SECRET_KEY=key, WEB_CONCURRENCY=workers, GUNICORN_THREADS=2
        )
        rows = []
        with tempfile.TemporaryDirectory(prefix="harmony-bench-") as logs:
            web, base = throughput.start_web(env, Path(logs))
            try:
                for name, role, path, cookie in pages:
                    row = throughput.measure(
                        web, base, name, role, path, cookie, seconds=seconds, connections=load
                    )
                    self.stdout.write(f"  {name:<34} {row.requests_per_second} req/s")
                    rows.append(row.as_dict())
            finally:
                web.stop()
        return {
            "workers": workers,
            "threads": 2,
            "connections": load,
            "seconds": seconds,
            "endpoints": rows,
        }

    def _print_http(self, http: dict) -> None:
        self.stdout.write(
            f"\nthrough gunicorn ({http['workers']} workers × {http['threads']} threads), wrk "
            f"with {http['connections']} connections for {http['seconds']} s each"
        )
        header = (
            f"{'endpoint':<34}{'role':<10}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
            f"{'cpu ms':>8}{'not ok':>8}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in http["endpoints"]:
            if row["status"] != 200:
                self.stdout.write(f"{row['name']:<34}{row['role']:<10}  HTTP {row['status']}")
                continue
            self.stdout.write(
                f"{row['name']:<34}{row['role']:<10}{row['requests_per_second']:>8}"
                f"{row['p50_ms']:>8}{row['p95_ms']:>8}{row['p99_ms']:>8}"
                f"{row['cpu_ms_per_request']:>8}{row['not_ok']:>8}"
            )

    def _database_description(self) -> str:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                return f"PostgreSQL {cursor.fetchone()[0]}"
        return connection.vendor

    def _print_table(self, results: dict) -> None:
        large = results["large"]
        counts = large.get("counts", {})
        self.stdout.write(
            f"\n{results['database']}, {counts.get('initiatives', '?')} initiatives, "
            f"{counts.get('assessments', '?')} assessments, "
            f"{counts.get('design_inputs', '?')} design inputs, "
            f"{counts.get('working_sessions', '?')} working sessions; "
            f"{results['requests_per_endpoint']} requests each; {results['cpus']} CPUs, "
            f"load average {results['load_average_before'][0]} → "
            f"{results['load_average_after'][0]}\n"
        )
        header = (
            f"{'endpoint':<34}{'role':<10}{'p50 ms':>8}{'p95 ms':>8}{'cpu ms':>8}"
            f"{'queries':>9}{'small':>7}  result"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for m in large["endpoints"]:
            if not m["available"]:
                self.stdout.write(f"{m['name']:<34}{m['role']:<10}{'':>40}  not available")
                continue
            verdict = "ok" if m["p95_ms"] < PAGE_P95_TARGET_MS else "SLOW"
            if m["queries_small"] is not None and m["queries"] != m["queries_small"]:
                verdict += ", queries grow with data"
            if m["status"] != 200:
                verdict += f", HTTP {m['status']}"
            small = "" if m["queries_small"] is None else m["queries_small"]
            self.stdout.write(
                f"{m['name']:<34}{m['role']:<10}{m['p50_ms']:>8}{m['p95_ms']:>8}{m['cpu_p50_ms']:>8}"
                f"{m['queries']:>9}{small:>7}  {verdict}"
            )
        sweep = large.get("risk_sweep")
        if sweep is None:
            return
        if sweep["available"]:
            verdict = "ok" if max(sweep["seconds"]) < SWEEP_TARGET_SECONDS else "SLOW"
            runs = " / ".join(f"{s} s" for s in sweep["seconds"])
            self.stdout.write(f"\nrisk sweep ({sweep['function']}): {runs}  {verdict}")
            if "incremental_seconds" in sweep:
                self.stdout.write(
                    f"hourly risk sweep with nothing changed: {sweep['incremental_seconds']} s, "
                    f"{sweep['incremental_queries']} queries"
                )
        else:
            self.stdout.write(f"\nrisk sweep: {sweep['note']}")
