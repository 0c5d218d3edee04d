"""Demo data of the governance app. Each part lives in its own function; `load` calls them."""

from datetime import time, timedelta

from django.utils import timezone

from . import notifications, risk, sessions
from .models import Cadence, SessionStatus, WorkingSession

# key: (cadence, weekday, hour, weeks since the series started, held recently?, location)
WORKING_SERIES = {
    "vqi": (Cadence.WEEKLY, 1, 10, 10, True, "Augsburg, Line 3 meeting room / Teams"),
    "pdm": (Cadence.BIWEEKLY, 2, 14, 12, True, "https://teams.example.com/l/pdm-working-session"),
    "dfc": (Cadence.BIWEEKLY, 3, 9, 12, False, "Brno plant, room B2"),
    "air": (Cadence.WEEKLY, 0, 15, 8, False, "https://teams.example.com/l/air-compressors"),
    "weld": (Cadence.MONTHLY, 4, 11, 16, True, "Querétaro, quality lab"),
    "sched": (Cadence.MONTHLY, 2, 16, 20, True, "https://teams.example.com/l/scheduling"),
}

NOTES = (
    "Walked through the open design inputs. Vendor to confirm where images are processed; "
    "plant IT to check edge server capacity before the pilot.",
    "Agreed the integration pattern: read-only MES access through the integration layer, "
    "no direct database connection. Security review of the vendor's SOC 2 report next time.",
    "Reviewed the support model with plant IT operations; monitoring alerts go to the "
    "24/7 desk. Model update process to be written down by the sponsor team.",
)


def load_working_sessions(context: dict) -> None:
    """Standing sessions for the initiatives IT works on, with some history: some have met
    regularly (notes, attendance), others have not met for weeks and show as at risk."""
    users = context["users"]
    lead = users["lena"]
    participants = [users["ravi"], users["jonas"], lead]
    now = timezone.now()
    today = timezone.localdate()
    for key, (cadence, weekday, hour, weeks, held_recently, location) in WORKING_SERIES.items():
        initiative = context["initiatives"].get(key)
        if initiative is None or initiative.status not in sessions.OPEN_STATUSES:
            continue
        series = sessions.set_series(
            initiative=initiative,
            user=lead,
            fields={
                "cadence": cadence,
                "weekday": weekday,
                "start_time": time(hour, 0),
                "time_zone": "Europe/Berlin" if key != "weld" else "America/Mexico_City",
                "duration_minutes": 60,
                "location": location,
                "starts_on": today - timedelta(weeks=weeks),
            },
            participants=participants,
        )
        past = [
            s
            for s in sessions.slot_datetimes(series, series.starts_on, today)
            if s < now - timedelta(hours=2)
        ]
        WorkingSession.objects.bulk_create(
            [
                WorkingSession(
                    series=series,
                    initiative=initiative,
                    scheduled_for=s,
                    starts_at=s,
                    duration_minutes=series.duration_minutes,
                    location=series.location,
                )
                for s in past
            ],
            ignore_conflicts=True,
        )
        # Sessions that met: all of them for regular series, only the first two otherwise.
        to_record = past if held_recently else past[:2]
        rows = WorkingSession.objects.filter(series=series, scheduled_for__in=to_record)
        for n, session in enumerate(rows.order_by("starts_at")):
            sessions.record_session(
                session=session,
                user=lead,
                notes=NOTES[n % len(NOTES)],
                decisions="Design input owners confirmed; due dates kept." if n % 2 else "",
                attendees=[initiative.sponsor, *participants[: 2 + n % 2]],
            )
        if held_recently:
            # One recent occurrence was cancelled for a plant shutdown; the series goes on.
            upcoming = series.sessions.filter(status=SessionStatus.PLANNED, starts_at__gt=now)
            second = upcoming.order_by("starts_at")[1:2].first()
            if second:
                sessions.cancel_session(session=second, user=lead, reason="Plant shutdown week")


def send_demo_reminders(context: dict) -> None:
    """Reminders due now, so the bell and the console e-mail show something at once."""
    for pk in notifications.due_reminder_session_ids():
        notifications.send_session_reminder(pk)


def compute_demo_risk(context: dict) -> None:
    """Risk status of every initiative, after everything else is loaded."""
    risk.recompute()


def load(context: dict) -> None:
    load_working_sessions(context)
    send_demo_reminders(context)
    compute_demo_risk(context)
