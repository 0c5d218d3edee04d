"""Session reminders: sent when due, exactly once, by e-mail and in the app."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from governance.notifications.models import Delivery, Notification
from governance.sessions.reminders import due_reminder_session_ids
from governance.sessions.reminders import send_session_reminder as send_session_reminder_now
from governance.sessions.services import cancel_session, move_session
from governance.sessions.tasks import send_due_reminders, send_session_reminder
from tests import factories
from tests.governance.conftest import soon


# Two participants besides the sponsor (the conftest's series has one): each reminder goes
# to three people.
@pytest.fixture
def series(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    return factories.working_series(
        initiative=initiative,
        user=users["sponsor"],
        participants=[users["reviewer"], users["other_reviewer"]],
    )


def test_due_reminder_goes_out_once_by_email_and_in_app(series, users):
    session = soon(series)
    assert due_reminder_session_ids() == [session.pk]
    assert send_due_reminders() == 6  # 3 people × (e-mail + in-app)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "other_reviewer@example.com",
        "reviewer@example.com",
        "sponsor@example.com",
    ]
    assert "Working session for" in mail.outbox[0].subject
    assert Notification.objects.filter(user=users["reviewer"]).count() == 1
    # Running again (beat twice, a retried task) sends nothing more.
    assert send_due_reminders() == 0
    assert send_session_reminder(session.pk) == 0
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(session=session).count() == 6


def test_not_due_yet_withdrawn_and_cancelled_sessions_get_no_reminder(series, users):
    session = soon(series, hours=30)
    assert due_reminder_session_ids() == []
    series.reminder_lead_minutes = 48 * 60
    series.save()
    assert due_reminder_session_ids() == [session.pk]
    factories.make_status(series.initiative, "withdrawn")
    assert due_reminder_session_ids() == []
    factories.make_status(series.initiative, "in_review")
    cancel_session(session=session, user=users["sponsor"])
    assert due_reminder_session_ids() == []
    assert send_session_reminder(session.pk) == 0
    assert mail.outbox == []


def test_reminders_due_during_an_outage_go_out_once_afterwards(series):
    """Nothing ran for a day (broker down); the next run finds the due reminder."""
    session = soon(series, hours=1)
    later = timezone.now() + timedelta(minutes=30)
    assert due_reminder_session_ids(now=later) == [session.pk]
    assert send_session_reminder_now(session.pk, now=later) == 6
    assert send_session_reminder_now(session.pk, now=later) == 0


def test_a_moved_session_is_reminded_again_for_its_new_time(series, users):
    session = soon(series)
    send_session_reminder(session.pk)
    move_session(
        session=session, user=users["sponsor"], starts_at=session.starts_at + timedelta(hours=2)
    )
    assert send_session_reminder(session.pk) == 6
    assert len(mail.outbox) == 6
