"""The dashboard's figures (funnel, partnership time and health, blockers) against a
hand-computed portfolio (tests/governance/dashboard/dashboard_fixture.py)."""

import pytest
from django.utils import timezone

from governance.dashboard.selectors.figures import (
    blockers,
    funnel,
    partnership_health,
    partnership_time,
)
from initiatives.models import Initiative
from tests.governance.dashboard.dashboard_fixture import EXPECTED, NOW, TODAY, at
from tests.governance.dashboard.selectors.conftest import initiatives


@pytest.mark.django_db
class TestFigures:
    def test_funnel_counts_each_phase_and_status(self, portfolio, users):
        counts = funnel(initiatives(users["executive"]))
        assert counts.total == 5
        assert counts.by_phase == EXPECTED["by_phase"]
        assert counts.by_status == EXPECTED["by_status"]
        # E is a draft: no risk status yet.
        assert counts.by_risk == {"on_track": 1, "at_risk": 2, "blocked": 1}

    def test_partnership_time_median_overall_and_by_month(self, portfolio, users):
        time = partnership_time(initiatives(users["executive"]), months=3, today=TODAY)
        assert time.count == 3
        assert time.median_days == EXPECTED["median_days"]
        assert {m.month: (m.count, m.median_days) for m in time.by_month} == EXPECTED["by_month"]

    def test_partnership_time_keeps_fractions_of_days(self, users):
        sponsor = users["sponsor"]
        Initiative.objects.create(
            title="x", sponsor=sponsor, submitted_at=at(1, 1), ready_for_build_at=at(1, 2)
        )
        Initiative.objects.create(
            title="y",
            sponsor=sponsor,
            submitted_at=at(1, 1),
            ready_for_build_at=at(1, 3) + timezone.timedelta(hours=12),
        )
        time = partnership_time(Initiative.objects.all(), months=1, today=TODAY)
        assert time.median_days == 1.8  # median of 1 and 2.5 days = 1.75, one decimal

    def test_partnership_health(self, portfolio, users):
        health = partnership_health(initiatives(users["executive"]), now=NOW)
        assert (health.involved, health.early, health.late) == (4, 3, 1)
        assert health.early_share == EXPECTED["early_share"]
        assert health.escalations == EXPECTED["escalations"]
        assert health.incorporated == EXPECTED["incorporated"]
        assert health.sessions_held == EXPECTED["sessions_held"]
        assert health.sessions_planned_past == EXPECTED["sessions_planned_past"]
        assert health.sessions_cancelled == EXPECTED["sessions_cancelled"]
        assert health.sessions_share == EXPECTED["sessions_share"]

    def test_empty_portfolio_has_no_shares_instead_of_dividing_by_zero(self, users):
        health = partnership_health(Initiative.objects.none())
        assert health.early_share is None and health.sessions_share is None
        assert partnership_time(Initiative.objects.none()).median_days is None

    def test_blockers_are_open_high_inputs_oldest_first_with_owner(self, portfolio, users):
        result = blockers(initiatives(users["executive"]), limit=2)
        assert result.total == 3
        assert [d.title for d in result.items] == EXPECTED["blockers"][:2]
        assert result.items[0].owner == users["reviewer"]
        assert result.items[1].owner is None
