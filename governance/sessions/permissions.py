"""Who may schedule the standing working session and record what happened in it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from initiatives import permissions
from initiatives.models import Initiative
from initiatives.roles import Role, has_role

from .models import WorkingSession


def can_schedule(user, initiative: Initiative) -> bool:
    """The sponsor side or an IT lead sets the cadence and moves or cancels occurrences."""
    return permissions.can_manage(user, initiative) or has_role(user, Role.IT_LEAD)


def can_record(user, session: WorkingSession) -> bool:
    """Notes, decisions and attendance: the schedulers, the initiative's IT reviewers and
    the series' participants."""
    initiative = session.initiative
    return (
        can_schedule(user, initiative)
        or permissions.can_review(user, initiative)
        or session.series.participants.filter(pk=user.pk).exists()
    )


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
