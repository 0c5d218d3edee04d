"""Who hears that a working session moved or was cancelled: its participants and sponsor."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from audit.models import AuditEvent
from governance.notifications.events import Message, register
from governance.notifications.models import EventKind

from .models import WorkingSession
from .reminders import _zone, session_recipients


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
    local = timezone.localtime(session.starts_at, timezone=_zone(session.series.time_zone))
    when = formats.date_format(local, "D d M Y H:i")
    return Message(
        kind=EventKind.SESSION_MOVED if moved else EventKind.SESSION_CANCELLED,
        recipients={u.pk for u in session_recipients(session)},
        title=(
            gettext("Working session of %(reference)s moved to %(when)s")
            if moved
            else gettext("Working session of %(reference)s on %(when)s is cancelled")
        )
        % {"reference": initiative.reference, "when": when},
        text=f"{initiative.reference} “{initiative.title}”.",
        link=reverse("sessions:session", args=[session.pk]),
    )


register("working_session.moved", _session_changed)
register("working_session.cancelled", _session_changed)
