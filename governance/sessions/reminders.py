"""Reminders of upcoming working sessions, sent to every participant once per occurrence
(a moved occurrence is reminded again: its key includes the start time)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from governance.notifications.events import make_event, publish
from governance.notifications.models import DeliveryKind, OwnEventKind
from governance.notifications.services import deliver
from initiatives.models import Status

from .models import SessionStatus, WorkingSession

# The reminder task looks this far ahead; a series' lead time cannot exceed it.
MAX_LEAD = timedelta(days=14)


def session_recipients(session: WorkingSession) -> list:
    """Participants of the series plus the sponsor, active users only."""
    people = {p.pk: p for p in session.series.participants.all() if p.is_active}
    sponsor = session.initiative.sponsor
    if sponsor.is_active:
        people.setdefault(sponsor.pk, sponsor)
    return list(people.values())


def send_session_reminder(session_id: int, now: datetime | None = None) -> int:
    """Remind every participant of one planned, upcoming occurrence. Returns messages sent."""
    now = now or timezone.now()
    session = (
        WorkingSession.objects.select_related("series", "initiative__sponsor")
        .prefetch_related("series__participants")
        .filter(pk=session_id, status=SessionStatus.PLANNED, starts_at__gt=now)
        .first()
    )
    if session is None:
        return 0
    initiative = session.initiative
    local = timezone.localtime(session.starts_at, timezone=_zone(session.series.time_zone))
    subject = (
        f"Working session for {initiative.reference} {initiative.title} "
        f"on {local:%a %d %b %Y, %H:%M} ({session.series.time_zone})"
    )
    body = (
        f"The standing IT working session of {initiative.reference} “{initiative.title}” "
        f"starts {local:%A %d %B %Y at %H:%M} ({session.series.time_zone}), "
        f"{session.duration_minutes} minutes"
        + (f", at {session.location}" if session.location else "")
        + ".\nThe agenda (open design inputs, questions, overdue items) is on the session page."
    )
    link = reverse("sessions:session", args=[session.pk])
    # A moved session is a new appointment: remind again for the new time.
    key = f"{session.pk}@{session.starts_at.isoformat()}"
    count = 0
    for user in session_recipients(session):
        count += len(
            deliver(
                user=user,
                kind=DeliveryKind.SESSION_REMINDER,
                key=key,
                subject=subject,
                body=body,
                link=link,
                session=session,
            )
        )
    # Chat and webhook channels hear of it once per occurrence and start time.
    publish(
        make_event(
            kind=OwnEventKind.SESSION_REMINDER,
            key=f"session.reminder:{key}",
            initiative_id=initiative.pk,
            title=subject,
            text=body,
            link=link,
        )
    )
    return count


def due_reminder_session_ids(now: datetime | None = None) -> list[int]:
    """Planned occurrences whose reminder time has come and that have not started yet.

    After a broker outage the next run finds every reminder that fell due meanwhile; the
    deliveries table keeps those already sent from going out twice.
    """
    now = now or timezone.now()
    rows = WorkingSession.objects.filter(
        status=SessionStatus.PLANNED,
        starts_at__gt=now,
        starts_at__lte=now + MAX_LEAD,
        series__active=True,
        # A withdrawn initiative keeps its history but nobody is called to its sessions.
        initiative__status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.READY_FOR_BUILD],
    ).values_list("pk", "starts_at", "series__reminder_lead_minutes")
    return [pk for pk, at, lead in rows if at - timedelta(minutes=lead) <= now]


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
