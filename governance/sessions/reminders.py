"""Reminders of upcoming working sessions, sent to every participant once per occurrence
(a moved occurrence is reminded again: its key includes the start time)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from core.people import speaking_to
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
    subject, body = reminder_words(session, local)
    link = reverse("sessions:session", args=[session.pk])
    # A moved session is a new appointment: remind again for the new time.
    key = f"{session.pk}@{session.starts_at.isoformat()}"
    count = 0
    for user in session_recipients(session):
        with speaking_to(user):
            subject_in_their_language, body_in_their_language = reminder_words(session, local)
        count += len(
            deliver(
                user=user,
                kind=DeliveryKind.SESSION_REMINDER,
                key=key,
                subject=subject_in_their_language,
                body=body_in_their_language,
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


def reminder_words(session: WorkingSession, local: datetime) -> tuple[str, str]:
    """The reminder's subject and body in the active language."""
    initiative = session.initiative
    zone = session.series.time_zone
    words = {
        "reference": initiative.reference,
        "title": initiative.title,
        "when": formats.date_format(local, "D d M Y, H:i"),
        "day": formats.date_format(local, "l d F Y"),
        "time": formats.time_format(local, "H:i"),
        "zone": zone,
        "minutes": session.duration_minutes,
        "location": session.location,
    }
    subject = gettext("Working session for %(reference)s %(title)s on %(when)s (%(zone)s)") % words
    if session.location:
        starts = gettext(
            "The standing IT working session of %(reference)s “%(title)s” starts %(day)s at "
            "%(time)s (%(zone)s), %(minutes)s minutes, at %(location)s."
        )
    else:
        starts = gettext(
            "The standing IT working session of %(reference)s “%(title)s” starts %(day)s at "
            "%(time)s (%(zone)s), %(minutes)s minutes."
        )
    body = (
        starts % words
        + "\n"
        + gettext(
            "The agenda (open design inputs, questions, overdue items) is on the session page."
        )
    )
    return subject, body


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
