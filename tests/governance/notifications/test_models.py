"""Delivery rows: the database refuses a second delivery of the same message."""

import pytest
from django.db import IntegrityError

from governance.notifications.models import Delivery
from governance.sessions.tasks import send_session_reminder
from tests.governance.conftest import soon


def test_the_database_refuses_a_second_delivery(series, users):
    session = soon(series)
    send_session_reminder(session.pk)
    with pytest.raises(IntegrityError):
        Delivery.objects.create(
            kind="session_reminder",
            key=f"{session.pk}@{session.starts_at.isoformat()}",
            user=users["reviewer"],
            channel="email",
        )
