"""The suite runs where CI says it runs: on PostgreSQL (the real Celery workers through Redis
are exercised by the tasks tests of each app).

Cross-cutting: this checks the test run itself, not a module of the portal."""

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
