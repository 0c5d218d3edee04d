"""Standing working sessions: occurrences, moving and cancelling one, cadence changes."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import RuleError, TransitionNotAllowed
from governance.sessions.models import SessionStatus, WorkingSeries, WorkingSession
from governance.sessions.services import (
    cancel_session,
    extend_all_horizons,
    extend_horizon,
    move_session,
    record_session,
    set_series,
    slot_datetimes,
)
from tests import factories
from tests.conftest import attempt

BERLIN = ZoneInfo("Europe/Berlin")


def test_series_creates_the_upcoming_weekly_occurrences_in_local_time(series, users):
    occurrences = list(series.sessions.order_by("starts_at"))
    assert 11 <= len(occurrences) <= 13  # twelve weeks ahead
    assert all(s.starts_at > timezone.now() for s in occurrences)
    for s in occurrences:
        local = s.starts_at.astimezone(BERLIN)
        assert (local.weekday(), local.time()) == (1, time(10, 0))  # DST-proof local time
    assert set(series.participants.values_list("username", flat=True)) == {"sponsor", "reviewer"}
    # Idempotent: extending again creates nothing new.
    extend_horizon(series)
    assert series.sessions.count() == len(occurrences)


def test_slots_for_each_cadence():
    series = WorkingSeries(
        cadence="biweekly",
        weekday=2,
        start_time=time(9, 0),
        time_zone="America/New_York",
        starts_on=date(2026, 1, 1),
    )
    slots = slot_datetimes(series, date(2026, 3, 1), date(2026, 3, 31))
    assert [s.date() for s in slots] == [date(2026, 3, 4), date(2026, 3, 18)]
    # 9:00 local on both sides of the US DST switch on 8 March.
    assert [s.utcoffset() for s in slots] == [timedelta(hours=-5), timedelta(hours=-4)]
    series.cadence = "monthly"
    series.starts_on = date(2026, 1, 13)  # 2nd Tuesday → Wednesday the 14th: 2nd Wednesday
    slots = slot_datetimes(series, date(2026, 1, 1), date(2026, 4, 30))
    assert [s.date() for s in slots] == [
        date(2026, 1, 14),
        date(2026, 2, 11),
        date(2026, 3, 11),
        date(2026, 4, 8),
    ]


def test_who_may_set_the_cadence(initiative, users):
    with pytest.raises(PermissionDenied):
        factories.working_series(initiative=initiative, user=users["reviewer"])
    with pytest.raises(PermissionDenied):
        factories.working_series(initiative=initiative, user=users["other_sponsor"])
    assert factories.working_series(initiative=initiative, user=users["it_lead"]).pk


def test_drafts_have_no_standing_session(users):
    draft = factories.draft_initiative(sponsor=users["sponsor"])
    with pytest.raises(TransitionNotAllowed):
        factories.working_series(initiative=draft, user=users["sponsor"])


def test_bad_fields_are_refused(initiative, users):
    with pytest.raises(RuleError, match="time zone"):
        factories.working_series(initiative=initiative, user=users["sponsor"], time_zone="Mars")
    assert not WorkingSeries.objects.exists()


def test_move_and_cancel_one_occurrence_keep_the_series(series, users):
    first, second, third = series.sessions.order_by("starts_at")[:3]
    new_time = first.starts_at + timedelta(days=1, hours=3)
    moved = move_session(session=first, user=users["it_lead"], starts_at=new_time)
    assert moved.starts_at == new_time and moved.is_moved and moved.sequence == 1
    cancelled = cancel_session(session=second, user=users["sponsor"], reason="Holiday")
    assert cancelled.status == SessionStatus.CANCELLED
    third.refresh_from_db()
    assert third.status == SessionStatus.PLANNED and not third.is_moved
    with pytest.raises(TransitionNotAllowed):
        move_session(session=second, user=users["sponsor"], starts_at=new_time)
    with pytest.raises(PermissionDenied):
        cancel_session(session=third, user=users["reviewer"])


def test_cadence_change_regenerates_only_untouched_future_occurrences(series, users):
    first, second = series.sessions.order_by("starts_at")[:2]
    moved_to = first.starts_at + timedelta(hours=2)
    move_session(session=first, user=users["sponsor"], starts_at=moved_to)
    cancel_session(session=second, user=users["sponsor"])

    set_series(
        initiative=series.initiative,
        user=users["sponsor"],
        fields={"weekday": 3, "start_time": time(14, 30)},
    )
    remaining = series.sessions.order_by("starts_at")
    assert remaining.filter(pk=first.pk, starts_at=moved_to).exists()
    assert remaining.filter(pk=second.pk, status=SessionStatus.CANCELLED).exists()
    regenerated = remaining.exclude(pk__in=[first.pk, second.pk])
    assert regenerated.count() >= 11
    for s in regenerated:
        local = s.starts_at.astimezone(BERLIN)
        assert (local.weekday(), local.time()) == (3, time(14, 30))


def test_record_notes_and_attendance(series, users):
    session = series.sessions.order_by("starts_at").first()
    with pytest.raises(TransitionNotAllowed, match="once it has started"):
        record_session(session=session, user=users["reviewer"], notes="Too early")
    WorkingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(PermissionDenied):
        record_session(session=session, user=users["other_reviewer"], notes="x")
    # The initiative's assigned reviewer records (review permission on the initiative).
    from initiatives.services import grant_membership

    grant_membership(series.initiative, users["other_reviewer"], can_review=True)
    recorded = record_session(
        session=session,
        user=users["other_reviewer"],
        notes="Agreed the integration pattern.",
        decisions="Read-only MES access.",
        attendees=[users["sponsor"], users["reviewer"]],
    )
    assert recorded.status == SessionStatus.HELD
    assert set(recorded.attendees.values_list("username", flat=True)) == {"sponsor", "reviewer"}


def test_each_change_records_exactly_one_audit_event(initiative, users):
    def events(action):
        return AuditEvent.objects.filter(initiative=initiative, action=action)

    series = factories.working_series(initiative=initiative, user=users["sponsor"])
    assert events("working_series.created").count() == 1
    set_series(initiative=initiative, user=users["sponsor"], fields={"weekday": 4})
    change = events("working_series.changed").get()
    assert change.changes == {"weekday": [1, 4]}
    # Saving the same values again is no change and no event.
    set_series(initiative=initiative, user=users["sponsor"], fields={"weekday": 4})
    assert events("working_series.changed").count() == 1

    first, second = series.sessions.order_by("starts_at")[:2]
    move_session(
        session=first, user=users["sponsor"], starts_at=first.starts_at + timedelta(hours=1)
    )
    cancel_session(session=second, user=users["sponsor"], reason="Shutdown")
    assert events("working_session.moved").count() == 1
    cancelled = events("working_session.cancelled").get()
    assert cancelled.changes["reason"] == "Shutdown"
    WorkingSession.objects.filter(pk=first.pk).update(starts_at=timezone.now())
    record_session(session=first, user=users["it_lead"], notes="Notes")
    assert events("working_session.recorded").count() == 1
    assert events_of_sessions(initiative).count() == 5


def events_of_sessions(initiative):
    return AuditEvent.objects.filter(initiative=initiative, action__startswith="working_")


def test_extend_all_horizons_adds_new_weeks(series):
    last = series.sessions.order_by("-starts_at").first()
    later = datetime.now(tz=BERLIN) + timedelta(days=28)
    assert extend_all_horizons(now=later) > 0
    assert series.sessions.order_by("-starts_at").first().starts_at > last.starts_at


# One occurrence's transitions written out: action → (states it starts from, who may take it).
# "reviewer" is a participant of the series; "other_reviewer" is assigned to the initiative.
SCHEDULERS = {"sponsor", "it_lead"}
SESSION_FLOW = {
    "move": ({"planned", "started"}, SCHEDULERS),
    "cancel": ({"planned", "started"}, SCHEDULERS),
    "record": ({"started", "held"}, SCHEDULERS | {"reviewer", "other_reviewer"}),
}
SESSION_ACTORS = ("sponsor", "reviewer", "other_reviewer", "it_lead", "executive", "norole")


@pytest.mark.parametrize("state", ["planned", "started", "held", "cancelled"])
@pytest.mark.parametrize("action", list(SESSION_FLOW))
def test_every_session_action_from_every_state_for_every_role(series, users, state, action):
    from initiatives.services import grant_membership

    grant_membership(series.initiative, users["other_reviewer"], can_review=True)
    session = series.sessions.order_by("starts_at").first()
    started = timezone.now() - timedelta(hours=1)
    if state != "planned":
        WorkingSession.objects.filter(pk=session.pk).update(
            starts_at=started,
            status={"started": "planned"}.get(state, state),
        )
    session.refresh_from_db()
    run = {
        "move": lambda user: move_session(
            session=session, user=user, starts_at=session.starts_at + timedelta(hours=1)
        ),
        "cancel": lambda user: cancel_session(session=session, user=user),
        "record": lambda user: record_session(session=session, user=user, notes="Agreed"),
    }[action]
    states, who = SESSION_FLOW[action]
    for actor in SESSION_ACTORS:
        result = attempt(lambda actor=actor: run(users[actor]), session)
        if actor not in who:  # who may act is checked first
            expected = "PermissionDenied"
        else:
            expected = "allowed" if state in states else "TransitionNotAllowed"
        assert result.outcome == expected, actor
        past = {"move": "moved", "cancel": "cancelled", "record": "recorded"}[action]
        assert result.events == ([f"working_session.{past}"] if expected == "allowed" else [])
