"""Calendar output: valid RFC 5545 that parses back with icalendar, per initiative and per user."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from governance.sessions.calendar import feed_sessions, initiative_calendar
from governance.sessions.models import WorkingSession
from governance.sessions.services import cancel_session, move_session
from tests import factories
from tests.governance.sessions.conftest import parse


# A titled initiative (the conftest's series is not): the events' SUMMARY names it.
@pytest.fixture
def series(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"], title="Weld seams")
    return factories.working_series(
        initiative=initiative, user=users["sponsor"], participants=[users["reviewer"]]
    )


def test_initiative_ics_parses_back_with_time_zone_and_changes(series, users):
    first, second = series.sessions.order_by("starts_at")[:2]
    move_session(
        session=first, user=users["sponsor"], starts_at=first.starts_at + timedelta(hours=2)
    )
    cancel_session(session=second, user=users["sponsor"])
    cal = parse(initiative_calendar(series.initiative))

    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    assert [str(tz["TZID"]) for tz in cal.timezones] == ["Europe/Berlin"]
    assert cal.get_missing_tzids() == set()
    events = cal.events
    assert len(events) == series.sessions.count()
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events)  # stable, unique UIDs

    moved = by_uid[f"working-session-{first.pk}@harmony-portal"]
    start = moved.decoded("DTSTART")
    assert moved["DTSTART"].params["TZID"] == "Europe/Berlin"
    first.refresh_from_db()
    assert start == first.starts_at
    assert moved.decoded("DTEND") - start == timedelta(minutes=60)
    assert int(moved["SEQUENCE"]) == 1
    assert "Weld seams" in str(moved["SUMMARY"])
    assert str(by_uid[f"working-session-{second.pk}@harmony-portal"]["STATUS"]) == "CANCELLED"
    for event in events:
        assert event.get("DTSTAMP") is not None


def test_personal_feed_lists_only_own_sessions_of_visible_initiatives(series, users):
    hidden = factories.in_review_initiative(sponsor=users["other_sponsor"], confidential=True)
    factories.working_series(
        initiative=hidden, user=users["it_lead"], participants=[users["norole"]]
    )
    # norole was a participant of the confidential initiative but is not one of its people.
    assert not feed_sessions(users["norole"]).exists()
    assert set(feed_sessions(users["reviewer"]).values_list("initiative", flat=True)) == {
        series.initiative_id
    }
    assert feed_sessions(users["sponsor"]).count() == series.sessions.count()


def test_events_use_each_series_time_zone(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    series = factories.working_series(
        initiative=initiative, user=users["sponsor"], time_zone="America/Mexico_City"
    )
    cal = parse(initiative_calendar(initiative))
    assert [str(tz["TZID"]) for tz in cal.timezones] == ["America/Mexico_City"]
    session = WorkingSession.objects.filter(series=series).earliest("starts_at")
    event = cal.events[0]
    local = session.starts_at.astimezone(ZoneInfo("America/Mexico_City"))
    assert event.decoded("DTSTART").replace(tzinfo=None) == local.replace(tzinfo=None)
