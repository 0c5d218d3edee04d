"""Fixtures and helpers shared by the IT review tests."""

import pytest

from initiatives.models import VendorCandidate
from reviews import services
from tests import factories


@pytest.fixture
def reviewed(users):
    """An initiative in review with `reviewer` assigned for all areas."""
    return factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )


def events(initiative, action=None):
    from audit.models import AuditEvent

    qs = AuditEvent.objects.filter(initiative=initiative)
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("id"))


def _evaluation(users, vendors, criteria):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    vendor_rows = [VendorCandidate.objects.create(initiative=initiative, name=n) for n in vendors]
    crit_rows = [
        services.save_criterion(initiative=initiative, user=users["reviewer"], name=n, weight=w)
        for n, w in criteria
    ]
    return initiative, vendor_rows, crit_rows
