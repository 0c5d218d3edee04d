"""The portfolio heat map and table are sorted and paged in the database, so the dashboard
costs the same with a large portfolio; every figure above them still counts everything."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.dashboard.selectors.filters import DashboardFilters, dashboard_initiatives
from governance.dashboard.selectors.portfolio import PORTFOLIO_PAGE_SIZE, portfolio_rows
from initiatives.models import Initiative
from reviews.models import ConcernAssessment


def _portfolio(users, count: int) -> list[Initiative]:
    made = []
    for n in range(count):
        initiative = Initiative.objects.create(
            title=f"Initiative {n:03d}", sponsor=users["sponsor"], status="in_review"
        )
        # Every third one is not assessed on security: "n/a" must sort as the lowest.
        if n % 3:
            ConcernAssessment.objects.create(initiative=initiative, area="security", readiness=n)
        made.append(initiative)
    return made


@pytest.mark.django_db
def test_pages_hold_25_rows_and_together_the_whole_portfolio(client, users):
    made = _portfolio(users, 60)
    client.force_login(users["executive"])
    first = client.get("/governance/dashboard/")
    third = client.get("/governance/dashboard/", {"page": 3})
    assert len(first.context["data"].rows) == PORTFOLIO_PAGE_SIZE == 25
    assert len(third.context["data"].rows) == 10
    assert first.context["data"].funnel.by_status["in_review"] == 60  # figures count all
    seen = [
        row.initiative.pk
        for page in (1, 2, 3)
        for row in client.get("/governance/dashboard/", {"page": page}).context["data"].rows
    ]
    assert seen == [i.pk for i in made]
    assert 'id="portfolio-count">60<' in first.content.decode()


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


@pytest.mark.django_db
def test_a_page_costs_the_same_queries_at_30_and_at_120_initiatives(client, users):
    client.force_login(users["executive"])
    _portfolio(users, 30)
    client.get("/governance/dashboard/")
    with CaptureQueriesContext(connection) as small:
        client.get("/governance/dashboard/", {"sort": "-readiness", "page": 2})
    _portfolio(users, 90)
    with CaptureQueriesContext(connection) as large:
        client.get("/governance/dashboard/", {"sort": "-readiness", "page": 2})
    assert len(large) == len(small)
