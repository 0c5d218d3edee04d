"""Reads of working sessions that pages and the API share: agendas, one session, the next few."""

from __future__ import annotations

from django.utils import timezone

from core.access import restrict_to_visible
from governance.threads.selectors import active_threads
from initiatives.models import Initiative

from .models import SessionStatus, WorkingSession


def agenda_for(session: WorkingSession) -> dict[str, list]:
    """The session's agenda, built from the initiative as it is now: open design inputs
    (most severe first), assessments where IT needs information, and overdue items."""
    from django.db.models import Case, IntegerField, Value, When

    from reviews.models import (
        OPEN_DESIGN_INPUT_STATUSES,
        AssessmentStatus,
        ConcernAssessment,
        DesignInput,
        Severity,
    )

    severity_rank = Case(
        When(severity=Severity.HIGH, then=Value(0)),
        When(severity=Severity.MEDIUM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    open_inputs = list(
        DesignInput.objects.filter(
            initiative_id=session.initiative_id, status__in=OPEN_DESIGN_INPUT_STATUSES
        )
        .select_related("owner")
        .order_by(severity_rank, "due_date", "id")
    )
    today = timezone.localdate()
    previous = (
        WorkingSession.objects.filter(
            initiative_id=session.initiative_id, starts_at__lt=session.starts_at
        )
        .exclude(status="cancelled")
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return {
        # Conversations since the previous session: what the people should talk through.
        "threads": active_threads(session.initiative_id, previous),
        "open_inputs": open_inputs,
        "needs_info": list(
            ConcernAssessment.objects.filter(
                initiative_id=session.initiative_id, status=AssessmentStatus.NEEDS_INFO
            ).select_related("reviewer")
        ),
        "overdue": [i for i in open_inputs if i.due_date and i.due_date < today],
    }


def session_for_user(user, pk: int) -> WorkingSession | None:
    """One session with its series and people, or None if the user may not see it."""
    qs = WorkingSession.objects.select_related(
        "series", "initiative", "initiative__sponsor"
    ).prefetch_related("attendees", "series__participants")
    return restrict_to_visible(user, qs, prefix="initiative__").filter(pk=pk).first()


def next_session(initiative: Initiative) -> WorkingSession | None:
    """The initiative's next planned working session (whose agenda lists its open design
    inputs), or None when none is planned."""
    return (
        WorkingSession.objects.filter(
            initiative=initiative, status=SessionStatus.PLANNED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at", "pk")
        .first()
    )


def sessions_of(initiative: Initiative, *, upcoming: int = 5, past: int = 5) -> dict[str, list]:
    """The next and the most recent occurrences of the initiative's standing session."""
    now = timezone.now()
    base = WorkingSession.objects.filter(initiative=initiative)
    return {
        "upcoming": list(base.filter(starts_at__gte=now).order_by("starts_at")[:upcoming]),
        "past": list(base.filter(starts_at__lt=now).order_by("-starts_at")[:past]),
    }
