"""Reminders, digests and nudges: sent when due, exactly once, by e-mail and in the app."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from governance.notifications.models import Delivery, Notification
from governance.notifications.tasks import send_overdue_nudges, send_reviewer_digests
from governance.sessions.models import WorkingSession
from governance.sessions.reminders import due_reminder_session_ids
from governance.sessions.reminders import send_session_reminder as send_session_reminder_now
from governance.sessions.services import cancel_session, move_session
from governance.sessions.tasks import send_due_reminders, send_session_reminder
from reviews.models import ConcernAssessment, DesignInput, ReviewAssignment
from reviews.services.assessments import ensure_assessments
from tests import factories


@pytest.fixture
def series(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    return factories.working_series(
        initiative=initiative,
        user=users["sponsor"],
        participants=[users["reviewer"], users["other_reviewer"]],
    )


def soon(series, hours=3) -> WorkingSession:
    """Make the first occurrence start in a few hours (inside the 24 h lead time)."""
    session = series.sessions.order_by("starts_at").first()
    at = timezone.now() + timedelta(hours=hours)
    WorkingSession.objects.filter(pk=session.pk).update(starts_at=at, scheduled_for=at)
    session.refresh_from_db()
    return session


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


def test_weekly_digest_lists_the_reviewer_queue_once_a_week(series, users):
    initiative = series.initiative
    ensure_assessments(initiative)
    ReviewAssignment.objects.create(
        initiative=initiative,
        reviewer=users["reviewer"],
        concern_area="security",
        assigned_by=users["it_lead"],
    )
    ConcernAssessment.objects.filter(initiative=initiative, area="architecture").update(
        reviewer=users["reviewer"]
    )
    sent = send_reviewer_digests()
    assert sent >= 2
    digest = [m for m in mail.outbox if m.to == ["reviewer@example.com"]]
    assert len(digest) == 1
    assert "2 open assessment(s)" in digest[0].subject
    assert "Security & data exposure" in digest[0].body
    assert "Architecture & integration" in digest[0].body
    assert send_reviewer_digests() == 0


def test_overdue_nudge_goes_to_the_owner_once_a_day(series, users):
    common = {"initiative": series.initiative, "raised_by": users["reviewer"], "area": "security"}
    DesignInput.objects.create(
        title="Residency",
        owner=users["sponsor"],
        due_date=date.today() - timedelta(days=1),
        **common,
    )
    DesignInput.objects.create(
        title="Not due", owner=users["sponsor"], due_date=date.today() + timedelta(days=5), **common
    )
    DesignInput.objects.create(
        title="Done",
        owner=users["sponsor"],
        due_date=date.today() - timedelta(days=9),
        status="incorporated",
        **common,
    )
    assert send_overdue_nudges() == 2
    assert len(mail.outbox) == 1
    assert "Residency" in mail.outbox[0].body and "Not due" not in mail.outbox[0].body
    assert send_overdue_nudges() == 0


def test_notification_list_bell_and_mark_read(client, series, users, django_assert_max_num_queries):
    send_session_reminder(soon(series).pk)
    Notification.objects.create(user=users["other_sponsor"], text="Not yours")
    client.force_login(users["reviewer"])
    page = client.get(reverse("notifications:list"))
    html = page.content.decode()
    assert "Working session for" in html and "Not yours" not in html
    assert 'id="unread-count">1<' in html

    note = Notification.objects.get(user=users["reviewer"])
    response = client.post(reverse("notifications:read"), {"id": note.pk, "next": note.link})
    assert response.status_code == 302 and response["Location"] == note.link
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("notifications:list")).content.decode()
    # Someone else cannot mark it (or anything of another user).
    other = Notification.objects.get(user=users["other_sponsor"])
    client.post(reverse("notifications:read"), {"id": other.pk})
    other.refresh_from_db()
    assert other.read_at is None


def test_bell_costs_one_query(rf, users, django_assert_num_queries):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = users["reviewer"]
    template = Template("{% load notification_tags %}{% unread_notification_count as n %}{{ n }}")
    users["reviewer"].notifications.create(text="Hello")
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "1"
        template.render(Context({"request": request}))


def test_marking_an_id_that_cannot_exist_marks_nothing(client, users):
    note = Notification.objects.create(user=users["reviewer"], text="One")
    client.force_login(users["reviewer"])
    for raw in ("99999999999999999999", "²"):  # were a 500 (OverflowError, ValueError)
        response = client.post(reverse("notifications:read"), {"id": raw})
        assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is None
