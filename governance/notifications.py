"""In-app notifications and e-mail, delivered exactly once per user, channel and subject.

`deliver` inserts the `Delivery` row and sends in one transaction: a second run (a retried
or duplicated task, a concurrent worker) fails on the unique constraint and sends nothing;
a send that raises rolls the row back, so the next run tries again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Status
from initiatives.roles import Role
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentStatus,
    ConcernAssessment,
    DesignInput,
    ReviewAssignment,
)

from .models import Channel, Delivery, DeliveryKind, Notification, SessionStatus, WorkingSession

logger = logging.getLogger(__name__)

# The reminder task looks this far ahead; a series' lead time cannot exceed it.
MAX_LEAD = timedelta(days=14)


def deliver(
    *,
    user,
    kind: str,
    key: str,
    subject: str,
    body: str,
    link: str = "",
    session: WorkingSession | None = None,
    channels: tuple[str, ...] = (Channel.EMAIL, Channel.IN_APP),
) -> list[str]:
    """Send one message to one user on each channel at most once. Returns the channels sent."""
    sent = []
    for channel in channels:
        if channel == Channel.EMAIL and not user.email:
            continue
        try:
            with transaction.atomic():
                Delivery.objects.create(
                    kind=kind, key=key, user=user, channel=channel, session=session
                )
                if channel == Channel.EMAIL:
                    url = f"\n\n{settings.PORTAL_BASE_URL}{link}" if link else ""
                    send_mail(
                        subject=f"[Harmony] {subject}",
                        message=f"{body}{url}\n",
                        from_email=None,
                        recipient_list=[user.email],
                    )
                else:
                    Notification.objects.create(user=user, text=subject[:500], link=link)
        except IntegrityError:
            continue  # already delivered by an earlier or concurrent run
        sent.append(channel)
    return sent


# --- Session reminders -------------------------------------------------------------------


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


# --- Weekly reviewer digest --------------------------------------------------------------


def reviewer_queue(user) -> QuerySet[ConcernAssessment]:
    """Open assessments of the initiatives the reviewer is assigned to, or that they hold."""
    assigned = ReviewAssignment.objects.filter(reviewer=user)
    area_q = Q(reviewer=user)
    for initiative_id, area in assigned.values_list("initiative_id", "concern_area"):
        area_q |= Q(initiative_id=initiative_id, **({"area": area} if area else {}))
    return (
        ConcernAssessment.objects.filter(area_q)
        .filter(initiative__status__in=[Status.SUBMITTED, Status.IN_REVIEW])
        .exclude(status=AssessmentStatus.SATISFIED)
        .select_related("initiative")
        .order_by("initiative_id", "area")
    )


def send_reviewer_digests(now: datetime | None = None) -> int:
    """One digest per reviewer per ISO week, listing their open assessments."""
    now = now or timezone.now()
    year, week, _ = timezone.localdate(now).isocalendar()
    key = f"{year}-W{week:02d}"
    reviewers = (
        get_user_model()
        .objects.filter(
            Q(groups__name=Role.REVIEWER) | Q(review_assignments__isnull=False), is_active=True
        )
        .distinct()
    )
    sent = 0
    for reviewer in reviewers:
        queue = list(reviewer_queue(reviewer))
        if not queue:
            continue
        lines = [
            f"- {a.initiative.reference} {a.initiative.title}: {a.get_area_display()} "
            f"({a.get_status_display()})"
            for a in queue
        ]
        sent += len(
            deliver(
                user=reviewer,
                kind=DeliveryKind.REVIEWER_DIGEST,
                key=key,
                subject=f"Your review queue this week: {len(queue)} open assessment(s)",
                body="Open assessments waiting for you:\n" + "\n".join(lines),
                link=reverse("initiatives:list"),
            )
        )
    return sent


# --- Overdue design input nudges ----------------------------------------------------------


def send_overdue_nudges(now: datetime | None = None) -> int:
    """At most one nudge per owner per day, listing their overdue open design inputs."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = (
        DesignInput.objects.filter(
            status__in=OPEN_DESIGN_INPUT_STATUSES,
            due_date__lt=today,
            owner__isnull=False,
            owner__is_active=True,
        )
        .select_related("owner", "initiative")
        .order_by("owner_id", "due_date")
    )
    by_owner: dict = defaultdict(list)
    for item in overdue:
        by_owner[item.owner].append(item)
    sent = 0
    for owner, items in by_owner.items():
        lines = [
            f"- {i.initiative.reference}: {i.title} (due {i.due_date:%d %b %Y})" for i in items
        ]
        sent += len(
            deliver(
                user=owner,
                kind=DeliveryKind.OVERDUE_NUDGE,
                key=today.isoformat(),
                subject=f"{len(items)} design input(s) overdue on you",
                body="These design inputs are past their due date:\n" + "\n".join(lines),
                link=items[0].initiative.get_absolute_url(),
            )
        )
    return sent


# --- Reading and marking notifications ----------------------------------------------------


def unread_count(user) -> int:
    """How many unread notifications the user has (one COUNT query)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user=user)


def mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the given notifications of the user (all if None) as read. Returns how many."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
