"""`core.lookups.among`: a list of ids as one array parameter on PostgreSQL (a reviewer's
thousands of ids are not placed one by one), a plain `IN (…)` on SQLite (`make run`), the
same rows as `__in` either way."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLite

from core.lookups import among
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_same_rows_as_in(users):
    made = [factories.submitted_initiative(sponsor=users["sponsor"]).pk for _ in range(3)]
    asked = [made[0], made[2], 10**9]
    assert set(Initiative.objects.filter(among(asked, "pk")).values_list("pk", flat=True)) == {
        made[0],
        made[2],
    }
    assert not Initiative.objects.filter(among([], "pk")).exists()


def test_postgresql_gets_one_array_parameter():
    assert connection.vendor == "postgresql"
    ids = list(range(1, 3001))
    sql, params = Initiative.objects.filter(among(ids, "pk")).query.sql_with_params()
    assert "= ANY(%s)" in sql and params == (ids,)


def test_sqlite_gets_a_plain_in():
    sqlite = SQLite({**connection.settings_dict, "ENGINE": "django.db.backends.sqlite3"})
    query = Initiative.objects.filter(among([4, 5], "pk")).values("pk").query
    sql, params = query.get_compiler(connection=sqlite).as_sql()
    assert '"initiatives_initiative"."id" IN (%s, %s)' in sql and params == (4, 5)
