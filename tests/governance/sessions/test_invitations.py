"""Calendar invitations through a real SMTP server on loopback (aiosmtpd), parsed back with
icalendar: organizer, attendees, sequence, cancellation, exactly once per SEQUENCE."""

import email
import socket
from datetime import timedelta

import icalendar
import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from governance.notifications.models import Delivery, DeliveryKind
from governance.sessions import invitations
from governance.sessions.models import SessionStatus
from governance.sessions.services import cancel_session, move_session
from tests import factories
from tests.receivers import run_outbox

pytestmark = pytest.mark.django_db
TASKS = "governance.sessions.tasks"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free loopback port, and the portal's SMTP backend aimed at it."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd connects to it once started)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def calendar_part(message):
    """(method parameter of the Content-Type, the parsed VCALENDAR)."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_param("method"), icalendar.Calendar.from_ical(
                part.get_payload(decode=True)
            )
    raise AssertionError("no text/calendar part")


def only_event(cal):
    (event,) = cal.walk("VEVENT")
    return event


@pytest.fixture
def series(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    return factories.working_series(
        initiative=initiative,
        user=users["it_lead"],
        participants=[users["reviewer"], users["it_lead"]],
    )


def first_session(series):
    return series.sessions.filter(status=SessionStatus.PLANNED).order_by("starts_at").first()


def test_setting_up_the_series_invites_everyone_to_the_next_weeks(smtp, users, series):
    assert run_outbox(TASKS) == 1
    window = timezone.now() + timedelta(days=invitations.INVITATION_DAYS)
    upcoming = series.sessions.filter(starts_at__lte=window).count()
    assert upcoming == 4  # weekly, four weeks ahead
    people = {users["sponsor"].email, users["reviewer"].email, users["it_lead"].email}
    assert len(smtp.messages) == 4 * len(people)
    assert {to for rcpt, _ in smtp.messages for to in rcpt} == people

    session = first_session(series)
    rcpt, message = next(
        (r, m)
        for r, m in smtp.messages
        if r == [users["reviewer"].email]
        and str(only_event(calendar_part(m)[1])["UID"]).startswith(f"working-session-{session.pk}@")
    )
    method, cal = calendar_part(message)
    assert method == "REQUEST" and cal["METHOD"] == "REQUEST"
    event = only_event(cal)
    assert str(event["UID"]) == f"working-session-{session.pk}@harmony-portal"
    assert event["SEQUENCE"] == 0
    assert str(event["ORGANIZER"]) == "mailto:harmony@example.com"
    assert event["ORGANIZER"].params["CN"] == "Harmony Portal"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {f"mailto:{p}" for p in people}
    assert all(p["ROLE"] == "REQ-PARTICIPANT" for p in attendees.values())
    assert event.decoded("DTSTART") == session.starts_at
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert cal.walk("VTIMEZONE")
    assert message["Subject"].startswith("[Harmony] Invitation: IT working session")


def test_each_sequence_goes_out_once(smtp, users, series):
    run_outbox(TASKS)
    sent = len(smtp.messages)
    session = first_session(series)
    assert invitations.send_session_invitations(session.pk) == 0
    assert invitations.send_series_invitations(series.pk) == 0
    assert len(smtp.messages) == sent
    assert (
        Delivery.objects.filter(kind=DeliveryKind.SESSION_INVITATION, key=f"{session.pk}#0").count()
        == 3
    )


def test_a_move_is_sent_with_a_higher_sequence(smtp, users, series):
    run_outbox(TASKS)
    smtp.messages.clear()
    session = first_session(series)
    later = session.starts_at + timedelta(hours=2)
    move_session(session=session, user=users["it_lead"], starts_at=later, location="Room 4.12")
    assert run_outbox(TASKS) == 1
    assert len(smtp.messages) == 3
    for _, message in smtp.messages:
        method, cal = calendar_part(message)
        event = only_event(cal)
        assert method == "REQUEST"
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTSTART") == later
        assert str(event["LOCATION"]) == "Room 4.12"
        assert str(event["UID"]) == f"working-session-{session.pk}@harmony-portal"


def test_a_cancelled_occurrence_is_sent_as_cancel(smtp, users, series):
    run_outbox(TASKS)
    smtp.messages.clear()
    session = first_session(series)
    cancel_session(session=session, user=users["sponsor"], reason="Plant shutdown")
    run_outbox(TASKS)
    assert len(smtp.messages) == 3
    for _, message in smtp.messages:
        method, cal = calendar_part(message)
        event = only_event(cal)
        assert method == "CANCEL" and cal["METHOD"] == "CANCEL"
        assert event["SEQUENCE"] == 1 and event["STATUS"] == "CANCELLED"
        assert len(event["ATTENDEE"]) == 3
        assert message["Subject"].startswith("[Harmony] Cancelled:")


def test_a_cadence_change_cancels_the_occurrences_it_replaces(smtp, users, series):
    from governance.sessions.services import set_series

    run_outbox(TASKS)
    invited = set(
        series.sessions.filter(starts_at__lte=timezone.now() + timedelta(days=28)).values_list(
            "pk", flat=True
        )
    )
    smtp.messages.clear()
    set_series(initiative=series.initiative, user=users["it_lead"], fields={"weekday": 3})
    run_outbox(TASKS)
    cancels = [calendar_part(m) for _, m in smtp.messages if calendar_part(m)[0] == "CANCEL"]
    requests = [calendar_part(m) for _, m in smtp.messages if calendar_part(m)[0] == "REQUEST"]
    cancelled_uids = {str(only_event(cal)["UID"]) for _, cal in cancels}
    assert cancelled_uids == {f"working-session-{pk}@harmony-portal" for pk in invited}
    assert len(cancels) == 3 * len(invited)
    assert all(only_event(cal)["SEQUENCE"] == 1 for _, cal in cancels)
    assert len(requests) == 3 * 4  # the new Thursdays
    assert all(only_event(cal).decoded("DTSTART").weekday() == 3 for _, cal in requests)


def test_people_without_e_mail_and_past_or_held_occurrences_get_nothing(smtp, users, series):
    users["reviewer"].email = ""
    users["reviewer"].save()
    session = first_session(series)
    assert invitations.send_session_invitations(session.pk) == 2
    assert invitations.send_session_invitations(session.pk, now=session.starts_at) == 0


def test_the_session_page_and_api_say_who_was_invited(smtp, users, series, api_as):
    from django.test import Client

    run_outbox(TASKS)
    session = first_session(series)
    client = Client()
    client.force_login(users["sponsor"])
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Invitation (update 0) e-mailed to" in page
    answer = api_as("reviewer").get(f"/api/working-sessions/{session.pk}/invitations/").json()
    assert answer["sequence"] == 0 and answer["method"] == "REQUEST"
    assert sorted(answer["sent_to"]) == ["it_lead", "reviewer", "sponsor"]
    cancel_session(session=session, user=users["sponsor"])
    answer = api_as("reviewer").get(f"/api/working-sessions/{session.pk}/invitations/").json()
    assert (answer["sequence"], answer["method"], answer["sent_to"]) == (1, "CANCEL", [])
    anonymous = api_as("anonymous").get(f"/api/working-sessions/{session.pk}/invitations/")
    assert anonymous.status_code in (401, 403)
