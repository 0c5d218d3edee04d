"""Pages: the initiative panels, the series form, a session's page and its forms, the calendar
file of an initiative and the personal calendar feed."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from governance.risk.services import recompute
from governance.sessions.calendar import feed_token
from governance.sessions.models import SessionStatus, WorkingSession
from reviews.models import DesignInput
from reviews.services.assessments import ensure_assessments
from tests import factories
from tests.governance.sessions.conftest import parse


def test_initiative_page_shows_risk_reasons_readiness_history_and_sessions(client, series, users):
    initiative = series.initiative
    ensure_assessments(initiative)
    DesignInput.objects.create(
        initiative=initiative,
        area="security",
        title="Data residency of images",
        severity="high",
        raised_by=users["reviewer"],
    )
    recompute([initiative.pk])
    client.force_login(users["executive"])
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert 'id="risk-status"' in html
    assert "High-severity design input open: Data residency of images" in html
    assert "Readiness of Security &amp; data exposure" in html
    assert "On track → <strong>At risk</strong>" in html
    assert 'id="working-sessions"' in html and "Weekly on Tuesdays" in html
    # The executive sees the calendar but may not change the cadence.
    assert reverse("sessions:initiative_ics", args=[initiative.pk]) in html
    assert reverse("sessions:series", args=[initiative.pk]) not in html


def test_initiative_page_query_count_stays_small(
    client, series, users, django_assert_max_num_queries
):
    client.force_login(users["sponsor"])
    url = series.initiative.get_absolute_url()
    client.get(url)
    # One query per panel (sections, reviews, vendors, decisions, risk, sessions…): about 30,
    # and the count does not depend on how many sessions or inputs there are. My work (shared
    # with the navigation count; its rows, then one read of their visible initiatives), Follow
    # and the conversation thread add about nine. Since issue 19 the navigation counts (4
    # queries) and the card reads only this initiative's rows (5), one more than one list.
    with django_assert_max_num_queries(44):
        assert client.get(url).status_code == 200


def test_series_form_shows_field_errors_and_keeps_input(client, users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    client.force_login(users["sponsor"])
    url = reverse("sessions:series", args=[initiative.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "cadence": "weekly",
            "weekday": 1,
            "start_time": "",
            "time_zone": "Europe/Berlin",
            "duration_minutes": 5,
            "location": "Room 12",
            "starts_on": timezone.localdate().isoformat(),
            "reminder_lead_hours": 24,
            "participants": "nobody-like-this",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unknown portal user(s): nobody-like-this." in html
    assert "This field is required." in html
    assert 'value="Room 12"' in html
    assert not hasattr(initiative, "working_series") or not WorkingSession.objects.exists()


def test_series_form_is_for_the_sponsor_side_and_it_leads(client, users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    url = reverse("sessions:series", args=[initiative.pk])
    client.force_login(users["reviewer"])
    assert client.get(url).status_code == 403
    client.force_login(users["it_lead"])
    assert client.get(url).status_code == 200
    confidential = factories.in_review_initiative(sponsor=users["sponsor"], confidential=True)
    client.force_login(users["norole"])
    assert client.get(reverse("sessions:series", args=[confidential.pk])).status_code == 404


def test_session_page_shows_agenda_and_move_cancel_forms(client, series, users):
    session = series.sessions.order_by("starts_at").first()
    DesignInput.objects.create(
        initiative=series.initiative,
        area="vendor",
        title="Exit clause",
        severity="medium",
        raised_by=users["reviewer"],
    )
    client.force_login(users["sponsor"])
    html = client.get(reverse("sessions:session", args=[session.pk])).content.decode()
    assert "Exit clause" in html and "Move this occurrence" in html

    new_start = (session.starts_at + timedelta(days=1)).astimezone(timezone.get_default_timezone())
    response = client.post(
        reverse("sessions:move", args=[session.pk]),
        {
            "starts_at": new_start.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 90,
            "location": "Room 7",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_moved and session.duration_minutes == 90 and session.location == "Room 7"

    client.post(reverse("sessions:cancel", args=[session.pk]), {"reason": "Audit week"})
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert AuditEvent.objects.filter(action="working_session.cancelled").count() == 1


def test_reviewer_cannot_move_but_participant_records_after_the_session(client, series, users):
    session = series.sessions.order_by("starts_at").first()
    client.force_login(users["reviewer"])
    response = client.post(
        reverse("sessions:move", args=[session.pk]),
        {"starts_at": "2030-01-01T10:00", "duration_minutes": 60},
    )
    assert response.status_code == 403
    WorkingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    response = client.post(
        reverse("sessions:record", args=[session.pk]),
        {
            "notes": "Agreed read-only access.",
            "decisions": "",
            "attendees": [users["reviewer"].pk, users["sponsor"].pk],
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert session.attendees.count() == 2
    html = client.get(reverse("sessions:session", args=[session.pk])).content.decode()
    assert "Agreed read-only access." in html


def test_hidden_initiative_sessions_answer_404(client, users):
    confidential = factories.in_review_initiative(sponsor=users["sponsor"], confidential=True)
    series = factories.working_series(initiative=confidential, user=users["sponsor"])
    session = series.sessions.first()
    client.force_login(users["norole"])
    assert client.get(reverse("sessions:session", args=[session.pk])).status_code == 404
    assert client.post(reverse("sessions:cancel", args=[session.pk])).status_code == 404


def test_initiative_ics_view_requires_visibility(client, series, users):
    url = reverse("sessions:initiative_ics", args=[series.initiative_id])
    client.force_login(users["reviewer"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert len(parse(response.content).events) == series.sessions.count()

    confidential = factories.in_review_initiative(sponsor=users["sponsor"], confidential=True)
    client.force_login(users["norole"])
    assert client.get(reverse("sessions:initiative_ics", args=[confidential.pk])).status_code == 404


def test_personal_feed_works_without_login_and_token_can_be_regenerated(client, series, users):
    token = feed_token(users["reviewer"]).token
    url = reverse("sessions:feed", args=[token])
    response = client.get(url)  # calendar apps do not sign in
    assert response.status_code == 200
    assert len(parse(response.content).events) == series.sessions.count()

    client.force_login(users["reviewer"])
    page = client.get(reverse("sessions:calendar"))
    assert token in page.content.decode()
    client.post(reverse("sessions:calendar"))
    client.logout()
    assert client.get(url).status_code == 404
    new_token = feed_token(users["reviewer"]).token
    assert new_token != token
    assert client.get(reverse("sessions:feed", args=[new_token])).status_code == 200
    assert client.get(reverse("sessions:feed", args=["not-a-token"])).status_code == 404


def test_an_initiative_without_sessions_has_a_valid_empty_calendar(client, users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    client.force_login(users["sponsor"])
    response = client.get(reverse("sessions:initiative_ics", args=[initiative.pk]))
    assert response.status_code == 200
    cal = parse(response.content)  # RFC 5545: one component at least, here the time zone
    assert cal.events == []
    assert [str(tz["TZID"]) for tz in cal.timezones] == ["Europe/Berlin"]


def test_a_feed_with_nothing_left_to_show_is_a_valid_empty_calendar(client, series, users):
    """A participant whose access was revoked keeps a feed address; it shows no sessions."""
    hidden = factories.in_review_initiative(sponsor=users["other_sponsor"], confidential=True)
    factories.working_series(
        initiative=hidden, user=users["it_lead"], participants=[users["norole"]]
    )
    for user in (users["norole"], users["executive"]):  # revoked, and never invited
        response = client.get(reverse("sessions:feed", args=[feed_token(user).token]))
        assert response.status_code == 200
        assert parse(response.content).events == []
