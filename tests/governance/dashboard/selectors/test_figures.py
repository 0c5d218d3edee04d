"""The dashboard's figures (funnel, partnership time and health, blockers) against a
hand-computed portfolio (tests/governance/dashboard/dashboard_fixture.py)."""

from datetime import date

import pytest
from django.utils import timezone

from governance.dashboard.selectors.figures import (
    all_figures,
    blockers,
    escalations,
    funnel,
    initiative_counts,
    partnership_health,
    partnership_route_taken,
    partnership_time,
    recent_months,
    vendor_selected_before_it,
)
from governance.dashboard.selectors.filters import DashboardFilters
from governance.decisions.models import Decision
from initiatives.models import Initiative
from reviews.models import DesignInput
from tests.governance.dashboard import dashboard_fixture
from tests.governance.dashboard.conftest import _portfolio, vendor_selection
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


def _initiative(users, title="x", **fields) -> Initiative:
    return Initiative.objects.create(title=title, sponsor=users["sponsor"], **fields)


@pytest.mark.django_db
class TestFunnel:
    def test_ai_act_classes_with_the_unscreened_as_none_zeros_included(self, users):
        # The two high-risk ones in different phases: two rows of the counts to add up.
        for ai_act_class, phase in [
            ("high_risk", "idea"),
            ("high_risk", "design"),
            ("minimal", "idea"),
            ("", "idea"),
        ]:
            _initiative(users, ai_act_class=ai_act_class, phase=phase, status="submitted")
        counts = funnel(Initiative.objects.all())
        assert counts.by_ai_act == {
            "prohibited": 0,
            "high_risk": 2,
            "transparency": 0,
            "minimal": 1,
            "none": 1,
        }

    def test_a_value_no_longer_among_the_choices_is_counted_not_dropped(self, users):
        # A row written before a phase, status or class was renamed: the dashboard keeps
        # counting it under its stored value (and in the total) instead of failing.
        _initiative(users, status="submitted", phase="design")
        stale = _initiative(users, status="submitted")
        Initiative.objects.filter(pk=stale.pk).update(
            phase="retired", status="archived", risk_level="grey", ai_act_class="legacy"
        )
        counts = funnel(Initiative.objects.all())
        assert counts.total == 2
        assert (counts.by_phase["retired"], counts.by_phase["design"]) == (1, 1)
        assert (counts.by_status["archived"], counts.by_status["submitted"]) == (1, 1)
        assert (counts.by_risk["grey"], counts.by_risk["on_track"]) == (1, 1)
        assert (counts.by_ai_act["legacy"], counts.by_ai_act["none"]) == (1, 1)

    def test_the_counts_read_once_give_the_same_funnel_and_health(self, portfolio, users):
        """The page reads `initiative_counts` once for the funnel and the involvement figure;
        both must equal what each computes on its own."""
        visible = initiatives(users["executive"])
        counts = initiative_counts(visible)
        assert funnel(visible, counts) == funnel(visible)
        assert partnership_health(visible, now=NOW, counts=counts) == partnership_health(
            visible, now=NOW
        )


@pytest.mark.django_db
class TestPartnershipTime:
    def test_only_initiatives_both_submitted_and_ready_are_counted(self, users):
        _initiative(users, submitted_at=at(3, 1), ready_for_build_at=at(3, 11))  # 10 days
        _initiative(users, submitted_at=at(3, 1))  # not ready yet
        _initiative(users, ready_for_build_at=at(3, 5))  # ready, never submitted (imported)
        time = partnership_time(Initiative.objects.all(), months=1, today=TODAY)
        assert (time.count, time.median_days) == (1, 10.0)
        assert [(m.month, m.count) for m in time.by_month] == [("2026-03", 1)]

    def test_twelve_months_ending_with_this_month_by_default(self, users):
        time = partnership_time(Initiative.objects.none())
        months = [m.month for m in time.by_month]
        assert len(months) == 12
        assert months[-1] == timezone.localdate().strftime("%Y-%m")
        assert months == recent_months(12, timezone.localdate())

    def test_recent_months_cross_the_year_backwards(self):
        assert recent_months(3, date(2026, 1, 31)) == ["2025-11", "2025-12", "2026-01"]
        assert recent_months(2, date(2026, 12, 1)) == ["2026-11", "2026-12"]
        assert recent_months(13, date(2026, 5, 5))[0] == "2025-05"


@pytest.mark.django_db
class TestPartnershipHealth:
    def test_shares_are_rounded_to_three_decimals(self, users):
        now = NOW
        early, _, late = (
            _initiative(users, phase_at_it_involvement=phase)
            for phase in ("idea", "design", "build")
        )
        _initiative(users)  # IT not involved: neither early nor late
        dashboard_fixture._sessions(
            early,
            users,
            [(at(3, 1), "held"), (at(3, 8), "held"), (at(3, 15), "planned")],
        )
        health = partnership_health(Initiative.objects.all(), now=now)
        assert (health.involved, health.early, health.late) == (3, 2, 1)
        assert health.early_share == 0.667
        assert (health.sessions_held, health.sessions_planned_past) == (2, 1)
        assert health.sessions_share == 0.667

    def test_vendor_before_it_route_taken_and_escalations_after_the_offer(self, portfolio, users):
        executive = users["executive"]
        for before, initiative in [(True, portfolio.b), (True, portfolio.b), (False, portfolio.a)]:
            vendor_selection(initiative, users["sponsor"], before_it=before)
        for _ in range(2):
            DesignInput.objects.create(
                initiative=portfolio.c,
                area="security",
                title="concern",
                raised_by=users["sponsor"],
                instead_of_escalation=True,
            )
        Decision.objects.create(
            initiative=portfolio.d,
            kind="escalation",
            summary="after the offer",
            decided_by=users["sponsor"],
            partnership_offered=True,
            discussed_in_session="no",
        )
        health = partnership_health(initiatives(executive), now=NOW)
        assert health.vendor_before_it == 1  # B, counted once for its two selections
        assert health.route_taken == 2
        assert (health.escalations, health.escalated_after_offer) == (3, 1)
        assert {i.pk for i in vendor_selected_before_it(initiatives(executive))} == {portfolio.b.pk}
        route = partnership_route_taken(initiatives(executive))
        assert {d.title for d in route} == {"concern"} and route.count() == 2
        # Narrowed by a filter, only the rows of the initiatives left are counted.
        at_s1 = partnership_health(initiatives(executive, site=portfolio.s1.pk), now=NOW)
        assert (at_s1.vendor_before_it, at_s1.route_taken) == (1, 0)
        assert (at_s1.escalations, at_s1.escalated_after_offer) == (1, 0)


@pytest.mark.django_db
class TestEscalationsAndBlockers:
    def _escalation(self, users, initiative, decided_at, **fields) -> Decision:
        decision = Decision.objects.create(
            initiative=initiative,
            kind="escalation",
            summary=f"escalation {decided_at:%d %b}",
            decided_by=users["executive"],
            **fields,
        )
        Decision.objects.filter(pk=decision.pk).update(decided_at=decided_at)
        return decision

    def test_escalations_newest_first_and_after_the_offer(self, users):
        initiative = _initiative(users, status="in_review")
        older = self._escalation(users, initiative, at(3, 1))
        first_same_day = self._escalation(users, initiative, at(3, 5), partnership_offered=True)
        second_same_day = self._escalation(users, initiative, at(3, 5))
        backdated = self._escalation(users, initiative, at(2, 1))  # recorded last, decided first
        Decision.objects.create(
            initiative=initiative, kind="approval", summary="x", decided_by=users["executive"]
        )
        listed = escalations(Initiative.objects.all())
        # Newest decision first; of two on the same moment the one recorded last comes first.
        assert list(listed) == [second_same_day, first_same_day, older, backdated]
        assert list(escalations(Initiative.objects.all(), after_offer=True)) == [first_same_day]

    def test_the_dashboard_shows_the_five_newest_escalations_and_ten_blockers(self, users):
        initiative = _initiative(users, status="in_review")
        made = [self._escalation(users, initiative, at(3, day)) for day in range(1, 8)]
        for day in range(1, 13):
            dashboard_fixture._input(
                initiative, "security", f"Blocker {day:02d}", "high", "raised", at(2, day), users
            )
        data = all_figures(users["executive"], DashboardFilters())
        assert data.recent_escalations == made[::-1][:5]
        assert data.blockers.total == 12
        assert [d.title for d in data.blockers.items] == [f"Blocker {n:02d}" for n in range(1, 11)]

    def test_without_a_page_or_sort_the_first_page_by_reference(self, users):
        # The API asks for the figures without a page: it gets the portfolio's first page.
        made = _portfolio(users, 30)
        data = all_figures(users["executive"], DashboardFilters())
        assert data.sort == "reference"
        assert data.page.number == 1
        assert [row.initiative.pk for row in data.rows] == [i.pk for i in made[:25]]

    def test_blockers_are_ordered_by_when_they_were_raised_not_recorded(self, users):
        initiative = _initiative(users, status="in_review")
        for title, raised in [("Raised 5 Mar", at(3, 5)), ("Raised 1 Mar", at(3, 1))]:
            dashboard_fixture._input(initiative, "vendor", title, "high", "raised", raised, users)
        items = blockers(Initiative.objects.filter(status="in_review")).items
        assert [d.title for d in items] == ["Raised 1 Mar", "Raised 5 Mar"]
