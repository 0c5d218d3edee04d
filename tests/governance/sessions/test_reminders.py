"""Session reminders: sent when due, exactly once, by e-mail and in the app."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from governance.notifications import events
from governance.notifications.models import Delivery, Notification, OwnEventKind
from governance.sessions.models import WorkingSession
from governance.sessions.reminders import due_reminder_session_ids
from governance.sessions.reminders import send_session_reminder as send_session_reminder_now
from governance.sessions.services import cancel_session, move_session
from governance.sessions.tasks import send_due_reminders, send_session_reminder
from harmony_portal.models import LanguagePreference
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


# --- What the reminder says, to whom, and exactly when it falls due ------------------------

# Tuesday 5 March 2030, 10:00 in Berlin (UTC+1 in winter).
STARTS = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)


def _starting(series, at=STARTS, **fields) -> WorkingSession:
    session = series.sessions.order_by("starts_at").first()
    WorkingSession.objects.filter(pk=session.pk).update(starts_at=at, scheduled_for=at, **fields)
    session.refresh_from_db()
    return session


def test_the_reminder_names_the_initiative_local_time_length_place_and_page(series, users):
    session = _starting(series)
    initiative = series.initiative
    sent = send_session_reminder_now(session.pk, now=STARTS - timedelta(hours=2))
    assert sent == 6
    subject = (
        f"Working session for {initiative.reference} {initiative.title} "
        "on Tue 05 Mar 2030, 10:00 (Europe/Berlin)"
    )
    page = reverse("sessions:session", args=[session.pk])
    email = next(m for m in mail.outbox if m.to == ["reviewer@example.com"])
    assert email.subject == f"[Harmony] {subject}"
    assert email.body == (
        f"The standing IT working session of {initiative.reference} “{initiative.title}” "
        "starts Tuesday 05 March 2030 at 10:00 (Europe/Berlin), 60 minutes, at Teams.\n"
        "The agenda (open design inputs, questions, overdue items) is on the session page."
        f"\n\n{settings.PORTAL_BASE_URL}{page}\n"
    )
    note = Notification.objects.get(user=users["reviewer"])
    assert (note.text, note.link) == (subject, page)
    assert set(Delivery.objects.values_list("key", flat=True)) == {
        f"{session.pk}@{STARTS.isoformat()}"
    }


def test_a_reminder_without_a_place_says_none(series):
    session = _starting(series, location="")
    initiative = series.initiative
    send_session_reminder_now(session.pk, now=STARTS - timedelta(hours=2))
    assert mail.outbox[0].body.startswith(
        f"The standing IT working session of {initiative.reference} “{initiative.title}” "
        "starts Tuesday 05 March 2030 at 10:00 (Europe/Berlin), 60 minutes.\n"
        "The agenda (open design inputs, questions, overdue items) is on the session page."
    )


def test_each_person_reads_the_reminder_in_their_language(series, users):
    LanguagePreference.objects.create(user=users["reviewer"], language="de")
    session = _starting(series)
    send_session_reminder_now(session.pk, now=STARTS - timedelta(hours=2))
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["reviewer@example.com"].startswith(
        f"[Harmony] Arbeitssitzung zu {series.initiative.reference} "
    )
    assert subjects["sponsor@example.com"].startswith(
        f"[Harmony] Working session for {series.initiative.reference} "
    )


def test_chat_and_webhooks_hear_of_a_reminder_once_in_the_portals_language(series, users):
    """One event per occurrence and start time for the other channels, whatever language
    each person reads their own reminder in."""
    LanguagePreference.objects.create(user=users["reviewer"], language="de")
    session = _starting(series)
    initiative = series.initiative
    received = []
    events.subscribe(received.append)
    try:
        send_session_reminder_now(session.pk, now=STARTS - timedelta(hours=2))
    finally:
        events._subscribers.remove(received.append)
    english = next(m for m in mail.outbox if m.to == ["sponsor@example.com"])
    [event] = received
    assert {k: event[k] for k in ("kind", "key", "initiative_id", "title", "text", "link")} == {
        "kind": OwnEventKind.SESSION_REMINDER,
        "key": f"session.reminder:{session.pk}@{STARTS.isoformat()}",
        "initiative_id": initiative.pk,
        "title": english.subject.removeprefix("[Harmony] "),
        "text": english.body.partition("\n\n")[0],
        "link": reverse("sessions:session", args=[session.pk]),
    }


def test_inactive_people_get_no_reminder_and_a_participating_sponsor_gets_one(series, users):
    series.participants.add(users["sponsor"])
    users["other_reviewer"].is_active = False
    users["other_reviewer"].save()
    session = _starting(series)
    assert send_session_reminder_now(session.pk, now=STARTS - timedelta(hours=2)) == 4
    assert sorted(m.to[0] for m in mail.outbox) == ["reviewer@example.com", "sponsor@example.com"]
    users["sponsor"].is_active = False
    users["sponsor"].save()
    series.participants.remove(users["sponsor"])
    next_one = _starting(series, at=STARTS + timedelta(hours=1))  # the next occurrence
    assert send_session_reminder_now(next_one.pk, now=STARTS - timedelta(hours=2)) == 2
    assert mail.outbox[-1].to == ["reviewer@example.com"]


def test_a_session_that_has_started_gets_no_reminder(series):
    session = _starting(series)
    assert send_session_reminder_now(session.pk, now=STARTS) == 0
    assert send_session_reminder_now(session.pk, now=STARTS - timedelta(microseconds=1)) == 6


def test_a_reminder_falls_due_exactly_at_its_lead_time(series):
    """The default lead time is a day: due at 24 h before the start, not a moment sooner."""
    session = _starting(series)
    lead = timedelta(minutes=series.reminder_lead_minutes)
    assert due_reminder_session_ids(now=STARTS - lead - timedelta(microseconds=1)) == []
    assert due_reminder_session_ids(now=STARTS - lead) == [session.pk]
    assert due_reminder_session_ids(now=STARTS - timedelta(microseconds=1)) == [session.pk]
    assert due_reminder_session_ids(now=STARTS) == []


def test_the_longest_lead_time_reaches_fourteen_days_ahead(series):
    series.reminder_lead_minutes = 14 * 24 * 60
    series.save()
    session = _starting(series)
    assert due_reminder_session_ids(now=STARTS - timedelta(days=14)) == [session.pk]
    assert due_reminder_session_ids(now=STARTS - timedelta(days=14, microseconds=1)) == []


def test_a_paused_series_calls_nobody(series):
    session = _starting(series)
    due = STARTS - timedelta(hours=2)
    assert due_reminder_session_ids(now=due) == [session.pk]
    series.active = False
    series.save()
    assert due_reminder_session_ids(now=due) == []


def test_the_time_is_given_in_the_series_own_zone(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    tokyo = factories.working_series(
        initiative=initiative, user=users["sponsor"], time_zone="Asia/Tokyo"
    )
    session = _starting(tokyo)
    send_session_reminder_now(session.pk, now=STARTS - timedelta(hours=2))
    assert mail.outbox[0].subject.endswith("on Tue 05 Mar 2030, 18:00 (Asia/Tokyo)")
    assert "starts Tuesday 05 March 2030 at 18:00 (Asia/Tokyo)" in mail.outbox[0].body


def test_the_sponsor_is_reminded_even_when_no_longer_listed_as_participant(series, users):
    """A handover or an edit in the admin can leave the sponsor off the list: still called."""
    series.participants.remove(users["sponsor"])
    session = _starting(series)
    assert send_session_reminder_now(session.pk, now=STARTS - timedelta(hours=2)) == 6
    assert "sponsor@example.com" in [m.to[0] for m in mail.outbox]
