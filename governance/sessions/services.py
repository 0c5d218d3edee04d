"""Standing IT working sessions: the series (cadence, people) and its occurrences.

The series creates its upcoming occurrences over a rolling horizon; one occurrence can be
moved or cancelled without touching the others. Changing the cadence regenerates only the
future occurrences that are still planned, unmoved and without notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import diff_fields, record_event
from core.errors import RuleError, TransitionNotAllowed
from core.wording import in_sentence
from initiatives.models import ACTIVE_STATUSES, Initiative, Status
from outbox import enqueue

from . import invitations
from .models import Cadence, SessionStatus, WorkingSeries, WorkingSession
from .permissions import can_record, can_schedule, require

HORIZON_DAYS = getattr(settings, "WORKING_SESSION_HORIZON_DAYS", 84)
SERIES_FIELDS = (
    "cadence",
    "weekday",
    "start_time",
    "time_zone",
    "duration_minutes",
    "location",
    "starts_on",
    "reminder_lead_minutes",
    "active",
)


# --- Occurrence slots --------------------------------------------------------------------


def _slot_dates(series: WorkingSeries, start: date, end: date) -> Iterable[date]:
    """Local dates of the cadence's slots between start and end (inclusive)."""
    first = series.starts_on + timedelta(days=(series.weekday - series.starts_on.weekday()) % 7)
    if series.cadence == Cadence.MONTHLY:
        # The n-th weekday of every month, n taken from the first occurrence (at most 4th).
        nth = min((first.day - 1) // 7, 3)
        year, month = first.year, first.month
        while True:
            first_day = date(year, month, 1)
            offset = (series.weekday - first_day.weekday()) % 7
            day = first_day + timedelta(days=offset + 7 * nth)
            if day > end:
                return
            if day >= start and day >= first:
                yield day
            month += 1
            if month > 12:
                year, month = year + 1, 1
    step = 7 if series.cadence == Cadence.WEEKLY else 14
    if first < start:
        first += timedelta(days=step * ((start - first).days // step))
    day = first
    while day <= end:
        if day >= start:
            yield day
        day += timedelta(days=step)


def slot_datetimes(series: WorkingSeries, start: date, end: date) -> list[datetime]:
    """Aware datetimes of the slots, in the series' own time zone (DST handled by zoneinfo)."""
    tz = ZoneInfo(series.time_zone)
    return [
        datetime.combine(d, series.start_time, tzinfo=tz) for d in _slot_dates(series, start, end)
    ]


def extend_horizon(series: WorkingSeries, now: datetime | None = None) -> int:
    """Create the missing occurrences up to the horizon. Idempotent: the unique
    (series, scheduled_for) constraint ignores slots that already exist. Returns how many
    new rows were attempted."""
    if not series.active:
        return 0
    now = now or timezone.now()
    tz = ZoneInfo(series.time_zone)
    today = now.astimezone(tz).date()
    slots = [
        s for s in slot_datetimes(series, today, today + timedelta(days=HORIZON_DAYS)) if s > now
    ]
    WorkingSession.objects.bulk_create(
        [
            WorkingSession(
                series=series,
                initiative_id=series.initiative_id,
                scheduled_for=s,
                starts_at=s,
                duration_minutes=series.duration_minutes,
                location=series.location,
            )
            for s in slots
        ],
        ignore_conflicts=True,
    )
    return len(slots)


def _regenerable(series: WorkingSeries, now: datetime) -> QuerySet[WorkingSession]:
    """Future occurrences a cadence change may replace: planned, unmoved, without notes."""
    return series.sessions.filter(
        status=SessionStatus.PLANNED,
        starts_at__gt=now,
        starts_at=F("scheduled_for"),
        notes="",
        decisions="",
        sequence=0,
    )


# --- Services ----------------------------------------------------------------------------


def _validate_series_fields(fields: dict[str, Any]) -> None:
    errors = []
    if "cadence" in fields and fields["cadence"] not in Cadence.values:
        errors.append(gettext("Cadence must be weekly, every two weeks or monthly."))
    if "weekday" in fields and not 0 <= int(fields["weekday"]) <= 6:
        errors.append(gettext("Weekday must be 0 (Monday) to 6 (Sunday)."))
    if "time_zone" in fields and fields["time_zone"] not in available_timezones():
        errors.append(gettext("Unknown time zone: %(zone)s.") % {"zone": fields["time_zone"]})
    if "duration_minutes" in fields and not 15 <= int(fields["duration_minutes"]) <= 480:
        errors.append(gettext("Duration must be between 15 and 480 minutes."))
    if "reminder_lead_minutes" in fields and not 0 <= int(fields["reminder_lead_minutes"]) <= (
        14 * 24 * 60
    ):
        errors.append(gettext("Reminder lead time must be between 0 minutes and 14 days."))
    if errors:
        raise RuleError(" ".join(errors))


@transaction.atomic
def set_series(
    *,
    initiative: Initiative,
    user,
    fields: dict[str, Any],
    participants: Iterable | None = None,
    source: str | None = None,
) -> WorkingSeries:
    """Create or change the initiative's standing working session and its upcoming occurrences.

    The sponsor and co-sponsors are always participants. A changed cadence, weekday, time or
    time zone replaces future planned occurrences that nobody moved; moved, cancelled, held
    and annotated occurrences stay as they are.
    """
    require(
        can_schedule(user, initiative),
        gettext("Only the sponsor side or an IT lead sets the cadence."),
    )
    if initiative.status not in ACTIVE_STATUSES:
        raise TransitionNotAllowed(
            gettext("A standing working session needs an initiative submitted to IT.")
        )
    _validate_series_fields(fields)
    fields = {k: v for k, v in fields.items() if k in SERIES_FIELDS}
    series = (
        WorkingSeries.objects.select_for_update(no_key=True).filter(initiative=initiative).first()
    )
    now = timezone.now()
    created = series is None
    if created:
        fields.setdefault("starts_on", timezone.localdate())
        series = WorkingSeries(initiative=initiative, created_by=user, **fields)
        before: dict[str, Any] = {}
    else:
        before = {f: _plain(getattr(series, f)) for f in SERIES_FIELDS}
        for name, value in fields.items():
            setattr(series, name, value)
    series.full_clean(exclude=["initiative", "created_by", "participants"])
    series.save()
    after = {f: _plain(getattr(series, f)) for f in SERIES_FIELDS}
    changes = diff_fields(before, after)

    wanted = {initiative.sponsor_id, *initiative.co_sponsors.values_list("pk", flat=True)}
    if participants is not None:
        wanted |= {getattr(p, "pk", p) for p in participants}
    old_people = set(series.participants.values_list("pk", flat=True))
    if (participants is not None or created) and wanted != old_people:
        series.participants.set(wanted)
        changes["participants"] = [sorted(old_people), sorted(wanted)]

    slot_fields = {"cadence", "weekday", "start_time", "time_zone", "starts_on", "active"}
    if not created and slot_fields & changes.keys():
        doomed = _regenerable(series, now).select_related("series", "initiative")
        # Those invited to an occurrence that goes away get its cancellation.
        for facts in invitations.invited_to_deleted(doomed):
            enqueue(
                invitations.CANCEL_DELETED_TASK,
                {"facts": facts},
                key=f"session-invitation:{facts['session_id']}#deleted",
            )
        _regenerable(series, now).delete()
    if not created and {"duration_minutes", "location"} & changes.keys():
        _regenerable(series, now).update(
            duration_minutes=series.duration_minutes, location=series.location
        )
    extend_horizon(series, now)
    _enqueue_series_invitations(series)
    if created or changes:
        record_event(
            actor=user,
            action="working_series.created" if created else "working_series.changed",
            obj=series,
            initiative=initiative,
            changes=changes,
            source=source,
        )
    return series


def _enqueue_series_invitations(series: WorkingSeries) -> None:
    if series.active:
        enqueue(
            invitations.SERIES_TASK,
            {"series_id": series.pk},
            key=f"series-invitations:{series.pk}",
        )


def _enqueue_invitation(session: WorkingSession) -> None:
    """The moved or cancelled occurrence's new SEQUENCE goes to the invited, after commit."""
    enqueue(
        invitations.INVITE_TASK,
        {"session_id": session.pk},
        key=f"session-invitation:{session.pk}#{session.sequence}",
    )


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _locked_session(session: WorkingSession) -> WorkingSession:
    return (
        WorkingSession.objects.select_for_update(of=("self",), no_key=True)
        .select_related("initiative", "series")
        .get(pk=session.pk)
    )


@transaction.atomic
def move_session(
    *,
    session: WorkingSession,
    user,
    starts_at: datetime,
    duration_minutes: int | None = None,
    location: str | None = None,
    source: str | None = None,
) -> WorkingSession:
    """Move one occurrence; the series and its other occurrences stay as they are."""
    session = _locked_session(session)
    require(
        can_schedule(user, session.initiative),
        gettext("Only the sponsor side or an IT lead moves it."),
    )
    if session.status != SessionStatus.PLANNED:
        raise TransitionNotAllowed(
            gettext("A %(lower)s session cannot move.")
            % {"lower": in_sentence(session.get_status_display())}
        )
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, ZoneInfo(session.series.time_zone))
    if duration_minutes is not None and not 15 <= int(duration_minutes) <= 480:
        raise RuleError(gettext("Duration must be between 15 and 480 minutes."))
    before = {
        "starts_at": session.starts_at.isoformat(),
        "duration_minutes": session.duration_minutes,
        "location": session.location,
    }
    session.starts_at = starts_at
    if duration_minutes is not None:
        session.duration_minutes = int(duration_minutes)
    if location is not None:
        session.location = location
    after = {
        "starts_at": session.starts_at.isoformat(),
        "duration_minutes": session.duration_minutes,
        "location": session.location,
    }
    changes = diff_fields(before, after)
    if not changes:
        return session
    session.sequence += 1
    session.save(update_fields=["starts_at", "duration_minutes", "location", "sequence"])
    _enqueue_invitation(session)
    record_event(
        actor=user,
        action="working_session.moved",
        obj=session,
        initiative=session.initiative,
        changes=changes,
        source=source,
    )
    return session


@transaction.atomic
def cancel_session(
    *, session: WorkingSession, user, reason: str = "", source: str | None = None
) -> WorkingSession:
    """Cancel one occurrence. It stays in the series (and in calendars, as cancelled)."""
    session = _locked_session(session)
    require(
        can_schedule(user, session.initiative),
        gettext("Only the sponsor side or an IT lead cancels."),
    )
    if session.status != SessionStatus.PLANNED:
        raise TransitionNotAllowed(
            gettext("A %(lower)s session cannot be cancelled.")
            % {"lower": in_sentence(session.get_status_display())}
        )
    session.status = SessionStatus.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence"])
    _enqueue_invitation(session)
    changes: dict[str, Any] = {"status": [SessionStatus.PLANNED, SessionStatus.CANCELLED]}
    if reason:
        changes["reason"] = reason
    record_event(
        actor=user,
        action="working_session.cancelled",
        obj=session,
        initiative=session.initiative,
        changes=changes,
        source=source,
    )
    return session


@transaction.atomic
def record_session(
    *,
    session: WorkingSession,
    user,
    notes: str,
    decisions: str = "",
    attendees: Iterable | None = None,
    source: str | None = None,
) -> WorkingSession:
    """Record what happened: notes, decisions and who attended. The session counts as held."""
    session = _locked_session(session)
    require(can_record(user, session), gettext("You may not record this working session."))
    if session.status == SessionStatus.CANCELLED:
        raise TransitionNotAllowed(gettext("A cancelled session cannot be recorded."))
    if session.starts_at > timezone.now():
        raise TransitionNotAllowed(gettext("A session can be recorded once it has started."))
    before = {"status": session.status, "notes": session.notes, "decisions": session.decisions}
    old_people = sorted(session.attendees.values_list("pk", flat=True))
    session.status = SessionStatus.HELD
    session.notes = notes
    session.decisions = decisions
    session.save(update_fields=["status", "notes", "decisions"])
    changes = diff_fields(
        before, {"status": session.status, "notes": session.notes, "decisions": decisions}
    )
    if attendees is not None:
        new_people = sorted({getattr(a, "pk", a) for a in attendees})
        if new_people != old_people:
            session.attendees.set(new_people)
            changes["attendees"] = [old_people, new_people]
    if not changes:
        return session
    record_event(
        actor=user,
        action="working_session.recorded",
        obj=session,
        initiative=session.initiative,
        changes=changes,
        source=source,
    )
    return session


def extend_all_horizons(now: datetime | None = None) -> int:
    """Create missing upcoming occurrences for every active series (the daily task)."""
    count = 0
    for series in WorkingSeries.objects.filter(active=True).exclude(
        initiative__status__in=[Status.DRAFT, Status.WITHDRAWN]
    ):
        count += extend_horizon(series, now)
        # Occurrences entering the invitation window are invited (once: `Delivery` rows).
        _enqueue_series_invitations(series)
    return count


# --- Reads -------------------------------------------------------------------------------
