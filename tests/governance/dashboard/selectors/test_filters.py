"""The dashboard's filters and visibility narrow every figure."""

import pytest

from governance.dashboard.selectors.figures import (
    blockers,
    funnel,
    partnership_health,
    partnership_time,
)
from tests.governance.dashboard.dashboard_fixture import NOW
from tests.governance.dashboard.selectors.conftest import initiatives


@pytest.mark.django_db
class TestFigures:
    def test_filters_narrow_every_figure(self, portfolio, users):
        qs = initiatives(users["executive"], site=portfolio.s1.pk)
        assert funnel(qs).total == 3  # A, B, E
        health = partnership_health(qs, now=NOW)
        assert (health.involved, health.early, health.escalations) == (2, 1, 1)
        assert health.incorporated == 2
        assert partnership_time(qs).median_days == 25.0  # A 40, B 10
        qs = initiatives(users["executive"], business_unit=portfolio.maintenance.pk, phase="design")
        assert [i.pk for i in qs] == [portfolio.d.pk]
        assert blockers(qs).total == 2

    def test_visibility_applies_to_the_figures(self, portfolio, users):
        # Without a portfolio role the set shrinks to what the user may see: no drafts and no
        # confidential initiatives of others.
        seen = set(initiatives(users["norole"]).values_list("pk", flat=True))
        assert seen == {portfolio.a.pk, portfolio.b.pk, portfolio.d.pk}
