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
