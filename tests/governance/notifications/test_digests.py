"""The weekly reviewer digest and the daily overdue nudge: sent when due, once per period."""

from datetime import date, timedelta

from django.core import mail

from governance.notifications.tasks import send_overdue_nudges, send_reviewer_digests
from reviews.models import ConcernAssessment, DesignInput, ReviewAssignment
from reviews.services.assessments import ensure_assessments


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
    assert "2 open assessments" in digest[0].subject
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
