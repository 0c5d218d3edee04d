"""The site's answers when a request cannot be served (core.handlers): a database that cannot
be reached is a 503 with Retry-After, a styled page or the `Error` JSON, never the driver's
message; a bug stays a 500; a body too large is a 413."""

import pytest
from django.db import OperationalError, connections
from django.test import Client, RequestFactory

from core.handlers import UNAVAILABLE, server_error
from tests.conftest import need_service
from tests.processes import free_port


@pytest.fixture
def database_down():
    """The default connection pointed at a closed port until the test ends."""
    connection = connections["default"]
    need_service("PostgreSQL", connection.vendor == "postgresql")
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    yield connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = port


@pytest.mark.django_db(transaction=True)
def test_pages_and_the_api_answer_503_when_the_database_is_down(database_down, caplog):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32  # looking the session up needs the database
    page = client.get("/initiatives/")
    api = client.get("/api/initiatives/", HTTP_AUTHORIZATION="Token abc")
    for response in (page, api):
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert database_down not in response.content.decode()
    assert api.json() == {"detail": UNAVAILABLE, "code": "service_unavailable"}
    html = page.content.decode()
    assert "Temporarily unavailable" in html and "bootstrap.min.css" in html
    # The driver's message, with the port, is logged for the people who run the portal.
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged and all(r.getMessage().startswith("Service Unavailable") for r in logged)
    assert f"port {database_down}" in str(logged[0].exc_info[1])


@pytest.mark.parametrize("path", ["/initiatives/", "/api/initiatives/"])
@pytest.mark.parametrize(
    "error, status",
    [
        (ValueError("a bug"), 500),  # a bug stays a bug
        (OperationalError("server closed the connection unexpectedly"), 503),
    ],
)
def test_only_an_unreachable_database_is_a_503(path, error, status):
    request = RequestFactory().get(path)
    try:
        raise error
    except Exception:
        response = server_error(request)
    assert response.status_code == status
    assert response.has_header("Retry-After") is (status == 503)
    assert b"server closed" not in response.content
