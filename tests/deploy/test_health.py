"""/healthz and /readyz: open without login; readiness really checks database and broker, and
says which one is down without saying why (that goes to the log)."""

import json
import logging
import time
from unittest.mock import ANY

import pytest
from pythonjsonlogger.json import JsonFormatter

from harmony_portal.logging import RequestIdFilter
from outbox import enqueue


def test_healthz_answers_without_login_or_database(client):
    # No django_db mark: any query would raise, so this proves the probe needs no database.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_degraded_but_ready_when_the_broker_is_down(client, settings, caplog):
    """Requests need only the database: the outbox keeps background work until the broker is
    back, so the web process stays in rotation and says what is degraded."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    settings.READINESS_BROKER_TIMEOUT = 0.5
    enqueue("initiatives.tasks.notify_it_of_submission", {"initiative_id": 1})
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"] == {"status": "unavailable", "ms": ANY}
    assert body["checks"]["outbox"]["pending"] == 1
    # Which dependency, never why: the address and the driver's words are in the log only.
    assert "127.0.0.1" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "harmony_portal.health"]
    assert [r.getMessage() for r in logged] == ["Readiness check 'broker' failed"]
    assert "127.0.0.1" in str(logged[0].exc_info[1])


@pytest.mark.django_db
def test_readyz_is_ready_with_database_and_redis(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
    assert {c["status"] for c in response.json()["checks"].values()} == {"ok"}


def test_readyz_is_unavailable_when_the_database_is_down(client, settings):
    # Without the django_db mark pytest-django blocks every query: the check must catch it.
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    checks = response.json()["checks"]
    assert checks["database"] == {"status": "unavailable", "ms": ANY}
    assert checks["outbox"] == {"status": "unavailable", "ms": 0.0}  # read from the database
    assert "Database access not allowed" not in response.content.decode()


def _logged_lines(client, path: str, **headers) -> tuple:
    records = []

    class Capture(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Capture()
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s"))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("harmony_portal.request")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)  # probes log at DEBUG, so they do not drown real traffic
    try:
        response = client.get(path, **headers)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return response, records


def test_request_log_is_one_json_line_with_the_request_id(client):
    response, records = _logged_lines(client, "/healthz", HTTP_X_REQUEST_ID="probe-42")
    assert response["X-Request-ID"] == "probe-42"
    line = json.loads(records[-1])
    assert line["request_id"] == "probe-42"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["levelname"] == "DEBUG"


def test_pages_are_logged_at_info_with_a_fresh_request_id(client):
    response, records = _logged_lines(client, "/login/")
    line = json.loads(records[-1])
    assert line["levelname"] == "INFO" and line["status"] == 200
    assert line["request_id"] == response["X-Request-ID"]


def test_request_id_from_outside_is_replaced_when_it_is_not_an_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nforged log line")
    assert response["X-Request-ID"] != "bad id\nforged log line"
    assert len(response["X-Request-ID"]) == 32
