"""Fixtures and helpers of the working-session tests."""

import icalendar
import pytest

from tests import factories


@pytest.fixture
def series(initiative, users):
    return factories.working_series(
        initiative=initiative, user=users["sponsor"], participants=[users["reviewer"]]
    )


def parse(body: bytes) -> icalendar.Calendar:
    cal = icalendar.Calendar.from_ical(body)
    cal.validate()
    return cal
