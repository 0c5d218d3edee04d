"""Probes for the orchestrator: /healthz says the process answers, /readyz that it can serve
requests. Both are open without login and never touch a session.

Readiness depends on the database alone: every request needs it, and none needs the broker
(writes record their background work in the outbox, which the relay hands to Celery later).
A broker outage therefore reads "degraded", 200, so web processes stay in rotation while
background work waits. Callers learn which dependency is down, never why: the error (host,
port, driver message) goes to the log only.
"""

import logging
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

from core.handlers import retry_after_seconds
from outbox.selectors import backlog

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """Liveness: the process is up. No database, so a slow database does not restart it."""
    return JsonResponse({"status": "ok"})


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _check_broker() -> dict:
    timeout = settings.READINESS_BROKER_TIMEOUT
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}))
    options.setdefault("socket_connect_timeout", timeout)
    options.setdefault("socket_timeout", timeout)
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options=options
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    return {}


def _check_outbox() -> dict:
    """Work waiting for the broker: how much, and how long the oldest has waited."""
    return backlog()


# name → (check, whether requests need it, the check it reads through). In this order.
CHECKS = {
    "database": (_check_database, True, None),
    "broker": (_check_broker, False, None),
    "outbox": (_check_outbox, False, "database"),
}


@never_cache
def readyz(request):
    """200 "ok" when every check passes, 200 "degraded" when only optional ones fail, 503
    with Retry-After when the database cannot be reached."""
    results = {}
    for name, (check, _, needs) in CHECKS.items():
        started = time.perf_counter()
        if needs and results[needs]["status"] != "ok":
            results[name] = {"status": "unavailable", "ms": 0.0}
            continue
        try:
            results[name] = {"status": "ok", **check()}
        except Exception:  # any failure means "unavailable"; the reason goes to the log only
            logger.warning("Readiness check %r failed", name, exc_info=True)
            results[name] = {"status": "unavailable"}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    ready = all(results[n]["status"] == "ok" for n, (_, required, _) in CHECKS.items() if required)
    if not ready:
        status = "unavailable"
    elif all(r["status"] == "ok" for r in results.values()):
        status = "ok"
    else:
        status = "degraded"
    response = JsonResponse({"status": status, "checks": results}, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = str(retry_after_seconds())
    return response
