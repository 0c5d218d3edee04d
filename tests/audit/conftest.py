"""Fixtures and helpers of the audit trail tests."""

import pytest
from django.db import connection

from audit.models import AuditEvent
from tests import factories


def tamper(sql: str, params=()) -> None:
    """Change the table behind the app's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks must run first, or ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE governance_auditevent DISABLE TRIGGER governance_auditevent_immutable"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE governance_auditevent ENABLE TRIGGER governance_auditevent_immutable"
            )


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
