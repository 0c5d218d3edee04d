"""Time in partnership: PostgreSQL's medians (`percentile_cont`) against `statistics.median`,
and against the portable path SQLite takes, to the last bit, for random portfolios with odd
and even counts per month, in time zones whose months start at different instants."""

import math
import statistics
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from governance.dashboard.selectors.figures import (
    MICROSECONDS_PER_DAY,
    medians_in_python,
    medians_in_sql,
    partnership_time,
    recent_months,
)
from initiatives.models import Initiative
from tests.conftest import rolled_back

TODAY = date(2026, 3, 20)
MONTHS = recent_months(3, TODAY)  # 2026-01 … 2026-03
START = datetime(2025, 12, 15, tzinfo=UTC)  # some ready in December: counted overall only
DAY = MICROSECONDS_PER_DAY

# (microseconds after START the initiative reached ready for build, microseconds it took)
a_pair = st.tuples(
    st.integers(0, 110 * DAY),
    # Whole days and halves are where rounding is decided; a reading of ready before
    # submission (imported data) must not break the median either.
    st.one_of(
        st.integers(-2 * DAY, 400 * DAY),
        st.integers(0, 800).map(lambda half_days: half_days * DAY // 2),
    ),
)
ZONES = ["Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles", "UTC"]


def _make(users, pairs) -> None:
    sponsor = users["sponsor"]
    Initiative.objects.bulk_create(
        Initiative(
            title=f"pair {n}",
            sponsor=sponsor,
            ready_for_build_at=START + timedelta(microseconds=ready),
            submitted_at=START + timedelta(microseconds=ready - took),
        )
        for n, (ready, took) in enumerate(pairs)
    )


def _expected(pairs, zone) -> tuple:
    """Count and median (microseconds) overall and per month, computed in Python alone."""
    per_month: dict[str, list[int]] = {month: [] for month in MONTHS}
    for ready, took in pairs:
        month = (START + timedelta(microseconds=ready)).astimezone(zone).strftime("%Y-%m")
        per_month.get(month, []).append(took)

    def counted(values):
        return len(values), (float(statistics.median(values)) if values else None)

    return counted([took for _, took in pairs]), [counted(per_month[m]) for m in MONTHS]


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's")


@pytest.mark.django_db
@given(pairs=st.lists(a_pair, max_size=12), zone=st.sampled_from(ZONES))
def test_sql_medians_equal_statistics_median_and_the_portable_path(users, pairs, zone):
    with rolled_back(), timezone.override(ZoneInfo(zone)):
        _make(users, pairs)
        initiatives = Initiative.objects.all()
        expected = _expected(pairs, ZoneInfo(zone))
        assert medians_in_python(initiatives, MONTHS) == expected
        if connection.vendor != "postgresql":
            return  # SQLite has no percentile_cont: the portable path is the figure
        in_sql = medians_in_sql(initiatives, MONTHS)
        assert in_sql == expected
        # The figure in days, rounded, is the median's; and it is the median of the days as
        # the dashboard took it before (each duration in days first), up to the last bits.
        time = partnership_time(initiatives, months=3, today=TODAY)
        overall = in_sql[0][1]
        assert time.median_days == (None if overall is None else round(overall / DAY, 1))
        if pairs:
            days = statistics.median(took / DAY for _, took in pairs)
            assert math.isclose(overall / DAY, days, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "days, median",
    [
        ([10], 10.0),
        ([1, 2.5], 1.8),  # 1.75 exactly: rounded half to even, as Python's round does
        ([3, 1, 2], 2.0),
        ([4, 1, 3, 2], 2.5),
        ([0.1, 0.2], 0.1),  # 0.15 days is 12,960 s: as a double a hair below 0.15
        ([1 / 3, 1 / 3 + 1 / 86_400_000_000], 0.3),
    ],
)
def test_odd_and_even_counts(users, days, median):
    _postgresql_only()
    took = [round(d * DAY) for d in days]
    _make(users, [(40 * DAY, t) for t in took])  # all ready on 24 January
    initiatives = Initiative.objects.all()
    time = partnership_time(initiatives, months=3, today=TODAY)
    assert time.median_days == median
    assert {m.month: (m.count, m.median_days) for m in time.by_month}["2026-01"] == (
        len(days),
        median,
    )
    assert medians_in_sql(initiatives, MONTHS) == medians_in_python(initiatives, MONTHS)


@pytest.mark.django_db
def test_overall_and_every_month_in_one_query_without_a_row_per_initiative(users):
    _postgresql_only()
    _make(users, [(n * DAY, (n % 7) * DAY) for n in range(100)])
    with CaptureQueriesContext(connection) as queries:
        time = partnership_time(Initiative.objects.all(), months=12, today=TODAY)
    assert len(queries) == 1
    assert "PERCENTILE_CONT(0.5) WITHIN GROUP" in queries[0]["sql"]
    assert time.count == 100 and len(time.by_month) == 12
