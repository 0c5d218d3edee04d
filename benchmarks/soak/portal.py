"""What the soak (`make soak`) needs from inside the portal, in one place.

The soak drives the portal from outside — processes, HTTP, signals — and asks this module,
through `manage.py soak`, only for what has no outside view: reminders that fall due during
the run, how many deliveries each got, and which audit events the run left. When the apps are
rearranged, the imports here are the ones to follow.
"""

from __future__ import annotations

import email
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from audit.models import AuditEvent
from governance.notifications.models import Channel, Delivery, DeliveryKind
from governance.sessions import reminders
from governance.sessions.models import SessionStatus, WorkingSession
from governance.sessions.services import move_session
from governance.sessions.tasks import send_due_reminders
from initiatives.models import ACTIVE_STATUSES

SESSION_LINK = re.compile(r"(/sessions/\d+/)")
REMINDER_TASK = send_due_reminders.name


def set_reminder_interval(seconds: int) -> str:
    """Run the reminder task every `seconds`, changed the way the admin changes it (the
    model's save), so the running leader has to notice the edit on its own."""
    every, _ = IntervalSchedule.objects.get_or_create(
        every=seconds, period=IntervalSchedule.SECONDS
    )
    task = PeriodicTask.objects.get(task=REMINDER_TASK)
    task.interval, task.crontab = every, None
    task.save()
    return task.name


def schedule_reminders(*, first_due: datetime, offsets: list[float], mover: str) -> list[int]:
    """Move one upcoming planned session per offset so that its reminder falls due at
    `first_due + offset` (its start is that time plus the series' lead), through the same
    service as the session page. Returns the session ids."""
    user = get_user_model().objects.get(username=mover)
    candidates = (
        WorkingSession.objects.filter(
            status=SessionStatus.PLANNED,
            series__active=True,
            initiative__status__in=ACTIVE_STATUSES,
            # Far enough ahead that its own reminder is not due yet.
            starts_at__gt=timezone.now() + reminders.MAX_LEAD,
        )
        .select_related("series")
        .order_by("series_id", "starts_at")
    )
    chosen = list(candidates[: len(offsets)])
    if len(chosen) < len(offsets):
        raise ValueError(f"only {len(chosen)} sessions to schedule, {len(offsets)} wanted")
    for session, offset in zip(chosen, offsets, strict=True):
        lead = timedelta(minutes=session.series.reminder_lead_minutes)
        starts_at = (first_due + timedelta(seconds=offset) + lead).replace(microsecond=0)
        move_session(session=session, user=user, starts_at=starts_at)
    return [s.pk for s in chosen]


def _mail_counts(mail_dir: str) -> Counter:
    """(recipient, reverse-able session path) → how many reminder e-mails the file backend
    wrote. Each e-mail ends with the link to its session."""
    counts: Counter = Counter()
    directory = Path(mail_dir) if mail_dir else None
    if directory is None or not directory.is_dir():
        return counts
    separator = re.compile(rb"^-{79}$", re.MULTILINE)
    for path in directory.iterdir():
        for chunk in separator.split(path.read_bytes()):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.strip() + b"\n")
            body = message.get_payload(decode=True).decode(message.get_content_charset("utf-8"))
            for link in SESSION_LINK.findall(body):
                counts[(message["To"], link)] += 1
    return counts


def reminder_report(*, since: datetime, until: datetime, mail_dir: str = "") -> dict:
    """Every reminder due by `until` for a session that has not started: who should have it on
    which channel, how many deliveries it got, and for those sent since `since` (the run) how
    many e-mails went out. Sent exactly once: one delivery per person and channel, and one
    e-mail per e-mail delivery of the run."""
    due_ids = reminders.due_reminder_session_ids(now=until)
    mails = _mail_counts(mail_dir)
    rows = []
    for session in (
        WorkingSession.objects.filter(pk__in=due_ids)
        .select_related("series", "initiative__sponsor")
        .prefetch_related("series__participants")
        .order_by("pk")
    ):
        due_at = session.starts_at - timedelta(minutes=session.series.reminder_lead_minutes)
        key = f"{session.pk}@{session.starts_at.isoformat()}"
        deliveries = Counter()
        during_run = Counter()
        for username, channel, sent_at in Delivery.objects.filter(
            kind=DeliveryKind.SESSION_REMINDER, key=key
        ).values_list("user__username", "channel", "sent_at"):
            deliveries[(username, channel)] += 1
            during_run[(username, channel)] += sent_at >= since
        link = reverse("sessions:session", args=[session.pk])
        for user in reminders.session_recipients(session):
            for channel in [Channel.IN_APP] + ([Channel.EMAIL] if user.email else []):
                row = {
                    "session": session.pk,
                    "due_at": due_at.isoformat(),
                    "in_window": since <= due_at <= until,
                    "user": user.username,
                    "channel": str(channel),
                    "deliveries": deliveries[(user.username, channel)],
                }
                if channel == Channel.EMAIL:
                    row["sent_in_run"] = during_run[(user.username, channel)]
                    row["emails"] = mails[(user.email, link)]
                rows.append(row)
    return {"due_sessions": len(due_ids), "rows": rows}


def audit_report(*, since: datetime) -> dict:
    """Audit events from the API since `since`, counted per (action, object); the soak
    compares them with the writes that answered success (the chain itself: `verify_audit`)."""
    counts = Counter(
        f"{action} {object_type} {object_id}"
        for action, object_type, object_id in AuditEvent.objects.filter(
            at__gte=since, source="api"
        ).values_list("action", "object_type", "object_id")
    )
    return {"api_events": dict(counts)}
