"""Structured request logs: one line per request with a request id that every log line of the
request carries, so a log shipper can group them (LOG_FORMAT=json makes them JSON lines)."""

import contextvars
import logging
import re
import time
import uuid

from django.db import DatabaseError

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("harmony_portal.request")

# A proxy's id is reused only if it looks like an id, so a header cannot inject into logs.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
QUIET_PREFIXES = ("/healthz", "/readyz", "/static/")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (\"-\" outside a request, e.g. in Celery)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _user_id(request) -> int | None:
    """The signed-in user's id; None for anonymous requests and when the database that would
    say who it is cannot be reached (the 503 being logged)."""
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except DatabaseError:
        return None


class RequestLogMiddleware:
    """Gives each request an id (X-Request-ID from the proxy, or a new one), returns it in the
    response and logs method, path, status and duration when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            # Probes every few seconds and cached static files would drown the real traffic.
            quiet = request.path.startswith(QUIET_PREFIXES) and response.status_code < 400
            logger.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
