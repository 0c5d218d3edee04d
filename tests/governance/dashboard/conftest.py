"""The hand-computed portfolio of dashboard_fixture.py, and a plain portfolio of a given size."""

import pytest

from initiatives.models import Initiative
from reviews.models import ConcernAssessment
from tests.governance.dashboard import dashboard_fixture


@pytest.fixture
def portfolio(users):
    return dashboard_fixture.build(users)


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
