"""The portfolio heat map and table: readiness per concern, sorted in the database."""

import pytest

from governance.dashboard.selectors.filters import DashboardFilters, dashboard_initiatives
from governance.dashboard.selectors.portfolio import (
    DEFAULT_SORT,
    READINESS_BANDS,
    clean_sort,
    portfolio_rows,
    readiness_band,
)
from tests.governance.dashboard.conftest import _portfolio
from tests.governance.dashboard.selectors.conftest import initiatives


@pytest.mark.django_db
class TestFigures:
    def test_heat_map_rows_keep_zero_apart_from_not_assessed(self, portfolio, users):
        rows = {r.initiative.pk: r for r in portfolio_rows(initiatives(users["executive"]))}
        a = rows[portfolio.a.pk]
        assert a.readiness == {
            "security": 80,
            "ownership": 100,
            "architecture": 0,
            "governance": None,
            "vendor": None,
            "performance": 60,
            "explainability": None,
        }
        assert a.assessed == 4
        assert a.overall == 60  # (80 + 100 + 0 + 60) / 4
        assert rows[portfolio.e.pk].overall is None
        assert (rows[portfolio.d.pk].open_total, rows[portfolio.d.pk].open_high) == (2, 2)
        assert (rows[portfolio.c.pk].open_total, rows[portfolio.c.pk].open_high) == (2, 1)

    def test_sorting(self, portfolio, users):
        qs = initiatives(users["executive"])
        order = [r.initiative.pk for r in portfolio_rows(qs, "-security")]
        assert order[:2] == [portfolio.a.pk, portfolio.d.pk]
        order = [r.initiative.pk for r in portfolio_rows(qs, "risk")]
        assert order[-1] == portfolio.d.pk  # blocked last
        assert clean_sort("nonsense; drop table") == DEFAULT_SORT


@pytest.mark.django_db
def test_sorting_by_readiness_puts_not_assessed_lowest_in_both_directions(users):
    made = _portfolio(users, 9)
    qs = dashboard_initiatives(users["executive"], DashboardFilters())
    ascending = [r.readiness["security"] for r in portfolio_rows(qs, "security")]
    descending = [r.readiness["security"] for r in portfolio_rows(qs, "-security")]
    assert ascending == [None, None, None, 1, 2, 4, 5, 7, 8]
    assert descending == [8, 7, 5, 4, 2, 1, None, None, None]
    # Ties keep the portfolio's order (reference), whichever way the column sorts.
    tied = [r.initiative.pk for r in portfolio_rows(qs, "-security")][-3:]
    assert tied == [made[0].pk, made[3].pk, made[6].pk]


@pytest.mark.parametrize(
    "value, band",
    [
        (None, "none"),
        (0, "low"),
        (24, "low"),
        (25, "medium"),
        (49, "medium"),
        (50, "good"),
        (74, "good"),
        (75, "ready"),
        (100, "ready"),
    ],
)
def test_readiness_band_edges(value, band):
    assert readiness_band(value) == band


def test_every_readiness_lies_in_the_range_its_band_lists():
    """The heat map colours a cell with `readiness_band`; the band drill-down selects with the
    ranges of READINESS_BANDS. Every value 0–100 must be in exactly its own band's range."""
    for value in range(0, 101):
        containing = [
            name
            for name, (low, high) in READINESS_BANDS.items()
            if low is not None and low <= value <= high
        ]
        assert containing == [readiness_band(value)], value
    assert READINESS_BANDS["none"] == (None, None)


@pytest.mark.django_db
def test_rows_read_in_chunks_are_the_rows_read_at_once(users, django_assert_num_queries):
    """The CSV export reads the portfolio in chunks (constant memory): every chunk size
    gives the same rows in the same order, with the areas ruled out marked across chunk
    edges, at one query to stream plus one per chunk."""
    from governance.dashboard.selectors.portfolio import iter_portfolio_rows
    from reviews.models import ConcernAssessment

    made = _portfolio(users, 7)
    for initiative in (made[1], made[2], made[5]):  # on both sides of a chunk edge of 2
        ConcernAssessment.objects.create(
            initiative=initiative, area="vendor", not_applicable_reason="Built in-house"
        )
    qs = dashboard_initiatives(users["executive"], DashboardFilters())

    def read(chunk_size):
        return [
            (r.initiative.pk, r.readiness, r.not_applicable)
            for r in iter_portfolio_rows(qs, "-security", chunk_size=chunk_size)
        ]

    whole = read(1000)
    assert len(whole) == 7
    assert {pk for pk, _, ruled_out in whole if ruled_out == {"vendor"}} == {
        made[1].pk,
        made[2].pk,
        made[5].pk,
    }
    with django_assert_num_queries(1 + 4):  # 7 rows in chunks of 2: 4 chunks
        assert read(2) == whole
    assert read(3) == read(7) == whole
