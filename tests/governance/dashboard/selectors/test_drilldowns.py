"""The lists behind the figures go through visibility."""

import pytest

from governance.dashboard.selectors.drilldowns import (
    DesignInputCriteria,
    InitiativeCriteria,
    drilldown_design_inputs,
    drilldown_escalations,
    drilldown_initiatives,
    drilldown_sessions,
)
from governance.dashboard.selectors.filters import DashboardFilters

ALL = DashboardFilters()


@pytest.mark.django_db
class TestFigures:
    def test_drilldowns_go_through_visibility(self, portfolio, users):
        # C is confidential: a user without a portfolio role never gets its rows.
        norole = users["norole"]
        blocking = DesignInputCriteria(state="blocking")
        listed = drilldown_design_inputs(norole, ALL, blocking)
        assert {d.initiative_id for d in listed} == {portfolio.d.pk}
        confidential = DesignInputCriteria(initiative=portfolio.c.pk)
        assert not drilldown_design_inputs(norole, ALL, confidential).exists()
        every = InitiativeCriteria()
        assert portfolio.c not in drilldown_initiatives(norole, ALL, every)
        assert drilldown_initiatives(users["executive"], ALL, every).count() == 5
        assert drilldown_escalations(norole, ALL).count() == 2  # B and D
        assert not drilldown_sessions(norole, ALL, "held").filter(initiative=portfolio.c).exists()
