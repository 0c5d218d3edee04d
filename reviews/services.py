"""Writes of the IT review: assessments, design inputs, assignments, vendor scores."""

from collections.abc import Iterable

from django.db import transaction

from governance.services import record_event

from .models import AssessmentStatus, ConcernArea, ConcernAssessment


def ensure_assessments(initiative) -> list[ConcernAssessment]:
    """One assessment per concern area for the initiative; creates the missing ones."""
    existing = {a.area: a for a in ConcernAssessment.objects.filter(initiative=initiative)}
    missing = [
        ConcernAssessment(initiative=initiative, area=area)
        for area in ConcernArea.values
        if area not in existing
    ]
    ConcernAssessment.objects.bulk_create(missing, ignore_conflicts=True)
    return list(ConcernAssessment.objects.filter(initiative=initiative).order_by("area"))


@transaction.atomic
def reopen_assessments(
    *, initiative, areas: Iterable[str], user, reason: str, source: str | None = None
) -> list[ConcernAssessment]:
    """Re-open the assessments of the given areas because the initiative changed.

    A satisfied or in-progress assessment goes back to "needs info"; its score stays until a
    reviewer re-scores it, so the history of scores is not lost. Each re-opened assessment
    gets one audit event with the reason.
    """
    ensure_assessments(initiative)
    reopened = []
    for assessment in ConcernAssessment.objects.select_for_update().filter(
        initiative=initiative, area__in=list(areas)
    ):
        if assessment.status == AssessmentStatus.NEEDS_INFO:
            continue
        before = assessment.status
        assessment.status = AssessmentStatus.NEEDS_INFO
        assessment.save(update_fields=["status", "updated_at"])
        record_event(
            actor=user,
            action="assessment.reopened",
            obj=assessment,
            initiative=initiative,
            changes={"status": [before, assessment.status], "reason": reason},
            source=source,
        )
        reopened.append(assessment)
    return reopened
