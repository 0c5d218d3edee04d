"""Fixtures of the notification tests."""

import pytest

from tests import factories


# The same series as tests/governance/sessions/test_reminders.py: a reminder of it reaches
# three people.
@pytest.fixture
def series(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    return factories.working_series(
        initiative=initiative,
        user=users["sponsor"],
        participants=[users["reviewer"], users["other_reviewer"]],
    )
