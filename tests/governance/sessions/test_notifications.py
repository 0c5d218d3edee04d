"""A moved or cancelled working session reaches its participants (not who moved it)."""

from datetime import timedelta

import pytest

from governance.notifications.models import Notification
from governance.sessions.services import cancel_session, move_session

pytestmark = pytest.mark.django_db


def texts(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_moved_and_cancelled_sessions_reach_participants(users, series, deliver_events):
    first, second = series.sessions.order_by("starts_at")[:2]
    move_session(
        session=first, user=users["sponsor"], starts_at=first.starts_at + timedelta(hours=2)
    )
    cancel_session(session=second, user=users["sponsor"], reason="Holiday")
    deliver_events()
    assert sum("moved" in t for t in texts(users["reviewer"])) == 1
    assert sum("cancelled" in t for t in texts(users["reviewer"])) == 1
    assert not any("moved" in t for t in texts(users["sponsor"]))
