"""The suite runs where CI says it runs: PostgreSQL and a real Celery worker through Redis."""

import pytest
from django.db import connection

from tests.conftest import REQUIRE_SERVICES


@pytest.mark.django_db
def test_database_is_postgresql_when_services_are_required():
    if not REQUIRE_SERVICES:
        pytest.skip("local run: the embedded SQLite default is fine")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_login_page_is_styled_with_vendored_assets(client):
    response = client.get("/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    assert "cdn" not in body.lower()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/initiatives/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("7", 7),
        (" 12 ", 12),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("abc", None),
        ("", None),
        (None, None),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("9" * 30, None),
    ],
)
def test_ids_from_query_strings_are_read_one_way(raw, expected):
    from core.query_params import parse_id

    assert parse_id(raw) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("site", ["²", "99999999999999999999", "-1", "x"])
def test_pages_with_a_site_filter_never_crash_on_odd_ids(client, users, site):
    client.force_login(users["it_lead"])
    for url in ("/governance/dashboard/", "/reviews/", "/initiatives/"):
        assert client.get(url, {"site": site}).status_code == 200, url
    drill = client.get("/governance/dashboard/design-inputs/", {"initiative": site})
    assert drill.status_code == 200
