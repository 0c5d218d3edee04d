"""Who hears that a working session moved or was cancelled: its participants and sponsor."""

from django.urls import reverse

from audit.models import AuditEvent
from governance.notifications.events import Message, register
from governance.notifications.models import EventKind

from .models import WorkingSession
from .reminders import session_recipients


def _session_changed(event: AuditEvent) -> Message | None:
    session = (
        WorkingSession.objects.filter(pk=event.object_id)
        .select_related("series", "initiative__sponsor")
        .first()
    )
    if session is None:
        return None
    moved = event.action == "working_session.moved"
    initiative = session.initiative
    when = f"{session.starts_at:%a %d %b %Y %H:%M}"
    return Message(
        kind=EventKind.SESSION_MOVED if moved else EventKind.SESSION_CANCELLED,
        recipients={u.pk for u in session_recipients(session)},
        title=(
            f"Working session of {initiative.reference} moved to {when}"
            if moved
            else f"Working session of {initiative.reference} on {when} is cancelled"
        ),
        text=f"{initiative.reference} “{initiative.title}”.",
        link=reverse("sessions:session", args=[session.pk]),
    )


register("working_session.moved", _session_changed)
register("working_session.cancelled", _session_changed)
