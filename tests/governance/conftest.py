"""Fixtures and helpers shared by the governance domains' tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.sessions.models import WorkingSession
from tests import factories


@pytest.fixture
def initiative(users):
    return factories.in_review_initiative(sponsor=users["sponsor"])


def soon(series, hours=3) -> WorkingSession:
    """Make the first occurrence start in a few hours (inside the 24 h lead time)."""
    session = series.sessions.order_by("starts_at").first()
    at = timezone.now() + timedelta(hours=hours)
    WorkingSession.objects.filter(pk=session.pk).update(starts_at=at, scheduled_for=at)
    session.refresh_from_db()
    return session
