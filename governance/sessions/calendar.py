"""iCalendar (RFC 5545) output of working sessions: one file per initiative, one feed per user."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.access import restrict_to_visible
from core.people import speaking_to
from initiatives.models import Initiative

from .models import CalendarFeedToken, SessionStatus, WorkingSession

PRODID = "-//Harmony Portal//Working sessions//EN"
# Past occurrences stay in the feed this long, so recent notes remain a click away.
FEED_PAST_DAYS = 90


def _event(session: WorkingSession, stamp) -> icalendar.Event:
    tz = ZoneInfo(session.series.time_zone)
    initiative = session.initiative
    url = f"{settings.PORTAL_BASE_URL}{reverse('sessions:session', args=[session.pk])}"
    event = icalendar.Event()
    event.add("uid", f"working-session-{session.pk}@harmony-portal")
    event.add("dtstamp", stamp)
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    words = {"reference": initiative.reference, "title": initiative.title, "url": url}
    event.add("summary", gettext("IT working session: %(reference)s %(title)s") % words)
    event.add(
        "description",
        gettext("Standing IT working session of %(reference)s “%(title)s”.") % words
        + "\n"
        + gettext("Agenda and notes: %(url)s") % words,
    )
    event.add("url", url)
    if session.location:
        event.add("location", session.location)
    event.add("sequence", session.sequence)
    event.add(
        "status",
        {
            SessionStatus.PLANNED: "CONFIRMED",
            SessionStatus.HELD: "CONFIRMED",
            SessionStatus.CANCELLED: "CANCELLED",
        }[session.status],
    )
    return event


def build_calendar(sessions: Iterable[WorkingSession], name: str) -> bytes:
    """A VCALENDAR with one VEVENT per session and a VTIMEZONE per time zone used.

    With no sessions (none planned yet, or none the user may still see) it is a valid
    calendar with zero events: RFC 5545 wants at least one component, so it carries the
    portal's time zone, which every calendar client reads as an empty calendar.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(ZoneInfo("UTC")).replace(microsecond=0)
    for session in sessions:
        cal.add_component(_event(session, stamp))
    if not cal.subcomponents:
        cal.add_component(icalendar.Timezone.from_tzid(settings.TIME_ZONE))
    cal.add_missing_timezones()
    cal.validate()
    return cal.to_ical()


def _with_related(qs: QuerySet[WorkingSession]) -> QuerySet[WorkingSession]:
    return qs.select_related("series", "initiative").order_by("starts_at")


def initiative_calendar(initiative: Initiative) -> bytes:
    """Every occurrence of the initiative's standing session."""
    sessions = _with_related(WorkingSession.objects.filter(initiative=initiative))
    return build_calendar(sessions, f"{initiative.reference} working sessions")


def feed_sessions(user) -> QuerySet[WorkingSession]:
    """Sessions of the user's personal feed: series they take part in (or sponsor), of
    initiatives they may still see."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    qs = WorkingSession.objects.filter(
        Q(series__participants=user) | Q(initiative__sponsor=user),
        starts_at__gte=since,
        series__active=True,
    ).distinct()
    return _with_related(restrict_to_visible(user, qs, prefix="initiative__"))


def personal_calendar(user) -> bytes:
    """The person's feed, in their language (a calendar app sends no session or language)."""
    with speaking_to(user):
        return build_calendar(feed_sessions(user), gettext("Harmony working sessions"))


def feed_token(user, *, regenerate: bool = False) -> CalendarFeedToken:
    """The user's feed token, created on first use; `regenerate` revokes the old URL."""
    token = CalendarFeedToken.objects.filter(user=user).first()
    if token is None or regenerate:
        value = secrets.token_urlsafe(32)
        token, _ = CalendarFeedToken.objects.update_or_create(user=user, defaults={"token": value})
    return token


def user_for_token(value: str):
    """The active user a feed token belongs to, or None."""
    token = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token=value, user__is_active=True)
        .first()
    )
    return token.user if token else None
