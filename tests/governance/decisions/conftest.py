"""Fixtures of the decision pages and API tests."""

import pytest

from tests import factories


@pytest.fixture
def initiative(users):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"], title="Vision QA")
    factories.satisfied_assessments(initiative)
    return initiative


@pytest.fixture
def confidential(users):
    return factories.submitted_initiative(sponsor=users["sponsor"], confidential=True)
