"""Fixtures and helpers of the audit trail tests."""

import pytest

from audit.models import AuditEvent
from tests import factories


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("seq"))


@pytest.fixture
def initiative(users):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"], title="Vision QA")
    factories.satisfied_assessments(initiative)
    return initiative


@pytest.fixture
def confidential(users):
    return factories.submitted_initiative(sponsor=users["sponsor"], confidential=True)
