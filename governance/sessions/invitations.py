"""Calendar invitations (iTIP, RFC 5546) of the standing working sessions, by e-mail.

Each occurrence is one meeting: `METHOD:REQUEST` with the portal's mailbox as ORGANIZER and
every participant as ATTENDEE, the same UID as the feeds (so a subscribed calendar and the
invitation are one event), and the occurrence's SEQUENCE, which grows when it is moved or
cancelled; a cancelled occurrence is sent as `METHOD:CANCEL` to those who were invited. The
e-mail carries the calendar as a `text/calendar; method=…` alternative part, which Outlook
and Google Calendar show as a meeting with its buttons.

Exactly once per occurrence, person and SEQUENCE: a `Delivery` row (kind
`session_invitation`, key `"<session id>#<sequence>"`) is inserted in the transaction that
sends. The rows keep no link to the session, so an occurrence that a cadence change deletes
still knows whom to send its cancellation (`cancel_deleted`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from core.people import speaking_to
from governance.notifications.models import Channel, Delivery, DeliveryKind

from .calendar import PRODID
from .models import SessionStatus, WorkingSeries, WorkingSession
from .reminders import session_recipients

# Occurrences are invited this many days ahead; the daily horizon task invites the next ones.
INVITATION_DAYS = getattr(settings, "SESSION_INVITATION_DAYS", 28)
INVITE_TASK = "governance.sessions.tasks.send_session_invitations"
SERIES_TASK = "governance.sessions.tasks.send_series_invitations"
CANCEL_DELETED_TASK = "governance.sessions.tasks.cancel_deleted_invitations"


def organizer() -> tuple[str, str]:
    """(name, address) of the ORGANIZER: the portal's own mailbox (DEFAULT_FROM_EMAIL)."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name or "Harmony Portal", address


def freeze(session: WorkingSession) -> dict:
    """What an invitation says about an occurrence, as JSON (for one that is deleted)."""
    initiative = session.initiative
    return {
        "session_id": session.pk,
        "sequence": session.sequence,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "time_zone": session.series.time_zone,
        "location": session.location,
        # The words are written per recipient, in their language (`_words`).
        "reference": initiative.reference,
        "title": initiative.title,
        "url": f"{settings.PORTAL_BASE_URL}{reverse('sessions:session', args=[session.pk])}",
    }


def _words(facts: dict) -> dict:
    """The facts with the summary and description in the active language. Facts frozen
    before the words were translated carry them already and keep them."""
    if "summary" in facts:
        return facts
    summary = gettext("IT working session: %(reference)s %(title)s") % facts
    description = (
        gettext("Standing IT working session of %(reference)s “%(title)s”.") % facts
        + "\n"
        + gettext("Agenda and notes: %(url)s") % facts
    )
    return {**facts, "summary": summary, "description": description}


def itip(facts: dict, *, method: str, attendees: list) -> bytes:
    """One VCALENDAR with METHOD REQUEST or CANCEL and one VEVENT for the occurrence."""
    tz = ZoneInfo(facts["time_zone"])
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", f"working-session-{facts['session_id']}@harmony-portal")
    event.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")).replace(microsecond=0))
    event.add("dtstart", datetime.fromisoformat(facts["starts_at"]).astimezone(tz))
    event.add("dtend", datetime.fromisoformat(facts["ends_at"]).astimezone(tz))
    event.add("sequence", facts["sequence"])
    event.add("summary", facts["summary"])
    event.add("description", facts["description"])
    if facts["location"]:
        event.add("location", facts["location"])
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    name, address = organizer()
    event.add("organizer", f"mailto:{address}", parameters={"CN": name})
    for person in attendees:
        event.add(
            "attendee",
            f"mailto:{person.email}",
            parameters={
                "CN": person.get_full_name() or person.username,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "CUTYPE": "INDIVIDUAL",
                # The portal does not read replies: nobody is asked to send one.
                "RSVP": "FALSE",
            },
        )
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _send(facts: dict, *, method: str, user, attendees: list) -> bool:
    """Send one invitation to one person, at most once per occurrence and SEQUENCE."""
    key = f"{facts['session_id']}#{facts['sequence']}"
    try:
        with transaction.atomic():
            Delivery.objects.create(
                kind=DeliveryKind.SESSION_INVITATION, key=key, user=user, channel=Channel.EMAIL
            )
            local = datetime.fromisoformat(facts["starts_at"]).astimezone(
                ZoneInfo(facts["time_zone"])
            )
            with speaking_to(user):
                facts = _words(facts)
                when = f"{formats.date_format(local, 'D d M Y, H:i')} ({facts['time_zone']})"
                if method == "CANCEL":
                    subject = gettext("Cancelled: %(summary)s, %(when)s")
                else:
                    subject = gettext("Invitation: %(summary)s, %(when)s")
                subject = subject % {"summary": facts["summary"], "when": when}
                cancelled = (
                    "\n\n" + gettext("This occurrence is cancelled.") if method == "CANCEL" else ""
                )
            message = EmailMultiAlternatives(
                subject=f"[Harmony] {subject}",
                body=f"{facts['summary']}\n{when}"
                + (f", {facts['location']}" if facts["location"] else "")
                + cancelled
                + f"\n\n{facts['description']}\n",
                to=[user.email],
            )
            message.attach_alternative(
                itip(facts, method=method, attendees=attendees).decode(),
                f"text/calendar; method={method}",
            )
            message.send()
    except IntegrityError:
        return False  # this SEQUENCE already went to this person
    return True


def _invited_users(session_id: int):
    from django.contrib.auth import get_user_model

    invited = Delivery.objects.filter(
        kind=DeliveryKind.SESSION_INVITATION, key__startswith=f"{session_id}#"
    ).values("user_id")
    return list(get_user_model().objects.filter(pk__in=invited, is_active=True))


def send_session_invitations(session_id: int, now: datetime | None = None) -> int:
    """Invite every participant to a planned, upcoming occurrence (REQUEST), or tell those
    invited that it is cancelled (CANCEL). Returns the e-mails sent; a second run sends none."""
    now = now or timezone.now()
    session = (
        WorkingSession.objects.select_related("series", "initiative__sponsor")
        .prefetch_related("series__participants")
        .filter(pk=session_id, starts_at__gt=now)
        .first()
    )
    if session is None:
        return 0
    facts = freeze(session)
    if session.status == SessionStatus.CANCELLED:
        people = [p for p in _invited_users(session.pk) if p.email]
        method = "CANCEL"
    elif session.status == SessionStatus.PLANNED and session.series.active:
        people = [p for p in session_recipients(session) if p.email]
        method = "REQUEST"
    else:
        return 0
    return sum(_send(facts, method=method, user=p, attendees=people) for p in people)


def send_series_invitations(series_id: int, now: datetime | None = None) -> int:
    """Invitations of a series' planned occurrences in the next `INVITATION_DAYS` days."""
    now = now or timezone.now()
    series = WorkingSeries.objects.filter(pk=series_id, active=True).first()
    if series is None:
        return 0
    upcoming = series.sessions.filter(
        status=SessionStatus.PLANNED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(days=INVITATION_DAYS),
    ).values_list("pk", flat=True)
    return sum(send_session_invitations(pk, now) for pk in upcoming)


def cancel_deleted(facts: dict) -> int:
    """CANCEL for an occurrence a cadence change deleted, to those who were invited."""
    people = [p for p in _invited_users(facts["session_id"]) if p.email]
    facts = {**facts, "sequence": facts["sequence"] + 1}
    return sum(_send(facts, method="CANCEL", user=p, attendees=people) for p in people)


def invited_to_deleted(sessions) -> list[dict]:
    """The frozen facts of the given occurrences that someone was invited to (called before
    a cadence change deletes them)."""
    from django.db.models import Q

    sessions = list(sessions)
    if not sessions:
        return []
    any_key = Q()
    for s in sessions:
        any_key |= Q(key__startswith=f"{s.pk}#")
    keys = Delivery.objects.filter(any_key, kind=DeliveryKind.SESSION_INVITATION).values_list(
        "key", flat=True
    )
    invited = {int(k.split("#", 1)[0]) for k in keys}
    return [freeze(s) for s in sessions if s.pk in invited]


def invitation_state(session: WorkingSession) -> dict:
    """Who received the invitation (or cancellation) of the occurrence's current SEQUENCE."""
    from django.contrib.auth import get_user_model

    sent = Delivery.objects.filter(
        kind=DeliveryKind.SESSION_INVITATION, key=f"{session.pk}#{session.sequence}"
    )
    people = get_user_model().objects.filter(pk__in=sent.values("user_id")).order_by("username")
    return {
        "sequence": session.sequence,
        "method": "CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST",
        "sent_to": list(people),
    }
