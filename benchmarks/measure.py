"""Latency and query count of the portal's busiest pages and API lists, measured in-process
with Django's test client (the whole middleware, view and template stack, no network), and the
time of a full risk sweep."""

import gc
import importlib
import inspect
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from reviews.models import ReviewAssignment

from .loader import BENCH_USERS


@dataclass
class Endpoint:
    name: str
    role: str
    url: str | None
    note: str = ""


@dataclass
class Measurement:
    name: str
    role: str
    url: str | None
    available: bool
    status: int | None = None
    requests: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    # CPU time of this process (Django, no database server): shows the portal's own cost even
    # when a busy machine stretches the wall-clock numbers.
    cpu_p50_ms: float | None = None
    queries: int | None = None
    queries_max: int | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _reverse(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def bench_user(role: str):
    return get_user_model().objects.get(username=BENCH_USERS[role])


def detail_initiative_id() -> int | None:
    """An in-review initiative of the benchmark reviewer: a page full of assessments."""
    assignment = (
        ReviewAssignment.objects.filter(
            reviewer__username=BENCH_USERS["reviewer"], initiative__status="in_review"
        )
        .order_by("initiative_id")
        .first()
    )
    return assignment.initiative_id if assignment else None


def endpoints() -> list[Endpoint]:
    """The pages and API lists to measure; those not in this build are reported as such."""
    from harmony_portal.api_urls import router

    detail_id = detail_initiative_id()
    found = [
        Endpoint("reviewer queue", "reviewer", _reverse("reviews:queue")),
        # The IT lead's landing page: every open initiative of the portfolio in its tabs.
        Endpoint("IT lead's queue", "it_lead", _reverse("reviews:queue")),
        Endpoint("API /api/review-queue/ (IT lead)", "it_lead", _reverse("review-queue-list")),
        Endpoint(
            "initiative detail",
            "reviewer",
            _reverse("initiatives:detail", detail_id) if detail_id else None,
        ),
        Endpoint("executive dashboard", "executive", _reverse("dashboard:dashboard")),
        Endpoint("API /api/dashboard/ (executive)", "executive", _reverse("api-dashboard")),
        Endpoint("portfolio list", "reviewer", _reverse("initiatives:list")),
        Endpoint("my initiatives", "sponsor", _reverse("initiatives:mine")),
        Endpoint("my work (sponsor)", "sponsor", _reverse("work:mine")),
        Endpoint("my work (reviewer)", "reviewer", _reverse("work:mine")),
        Endpoint("API /api/my-work/", "reviewer", _reverse("api-my-work")),
    ]
    for prefix, _viewset, basename in router.registry:
        found.append(Endpoint(f"API /api/{prefix}/", "reviewer", _reverse(f"{basename}-list")))
    return found


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(endpoint: Endpoint, *, requests: int = 30, warmup: int = 3) -> Measurement:
    """p50/p95 latency and query count of `requests` GETs, after `warmup` unmeasured ones."""
    result = Measurement(endpoint.name, endpoint.role, endpoint.url, endpoint.url is not None)
    if endpoint.url is None:
        result.note = "not available in this build"
        return result
    client = Client()
    client.force_login(bench_user(endpoint.role))
    accept = {"HTTP_ACCEPT": "application/json"} if endpoint.url.startswith("/api/") else {}
    for _ in range(warmup):
        client.get(endpoint.url, secure=True, **accept)
    # As each gunicorn worker does after start-up (gunicorn.conf.py): what is loaded by now
    # stays, and the garbage collector's full passes need not scan it.
    gc.collect()
    gc.freeze()
    timings, cpu, queries = [], [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(endpoint.url, secure=True, **accept)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        queries.append(len(captured))
        result.status = response.status_code
    result.requests = requests
    result.p50_ms = round(statistics.median(timings), 1)
    result.p95_ms = round(_percentile(timings, 95), 1)
    result.max_ms = round(max(timings), 1)
    result.cpu_p50_ms = round(statistics.median(cpu), 1)
    result.queries = queries[-1]
    result.queries_max = max(queries)
    if result.status != 200:
        result.note = f"HTTP {result.status}"
    return result


SWEEP_MODULES = ("governance.risk.tasks", "governance.risk.services")


def find_risk_sweep() -> tuple[str, Callable] | None:
    """The governance function (or Celery task) that recomputes every initiative's risk status:
    the first callable with "sweep" in its name, taking no required argument."""
    for module_name in SWEEP_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name, obj in sorted(vars(module).items()):
            if "sweep" not in name.lower() or not callable(obj) or inspect.isclass(obj):
                continue
            if getattr(obj, "__module__", module_name) != module_name:
                continue
            target = getattr(obj, "run", obj)  # a Celery task runs in-process with .run()
            try:
                params = inspect.signature(target).parameters.values()
            except (TypeError, ValueError):
                continue
            required = [
                p
                for p in params
                if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            ]
            if not required:
                return f"{module_name}.{name}", target
    return None


def time_risk_sweep(runs: int = 2, dotted_path: str = "") -> dict:
    """Seconds per full sweep: the first run changes levels, the next ones find them current.
    A sweep that takes `full` (the incremental one) runs `runs` times with `full=True`, then
    once as the hourly sweep does with nothing changed since ("incremental_seconds").

    `dotted_path` names the sweep explicitly; otherwise it is looked for in governance."""
    if dotted_path:
        from django.utils.module_loading import import_string

        obj = import_string(dotted_path)
        found = (dotted_path, getattr(obj, "run", obj))
    else:
        found = find_risk_sweep()
    if found is None:
        return {"available": False, "note": "no risk sweep function in this build"}
    name, sweep = found
    try:
        incremental = "full" in inspect.signature(sweep).parameters
    except (TypeError, ValueError):
        incremental = False
    seconds, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            if incremental:
                sweep(full=True)
            else:
                sweep()
            seconds.append(round(time.perf_counter() - started, 2))
        queries.append(len(captured))
    result = {"available": True, "function": name, "seconds": seconds, "queries": queries}
    if incremental:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            sweep()
            result["incremental_seconds"] = round(time.perf_counter() - started, 3)
        result["incremental_queries"] = len(captured)
    return result
