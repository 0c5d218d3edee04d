"""Concern assessments: creation, re-opening, scoring with history, checklists."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import diff_fields, record_event
from core.errors import FieldRuleError, RuleError, TransitionNotAllowed
from initiatives.models import Status

from ..models import (
    AssessmentScoreChange,
    AssessmentStatus,
    ChecklistAnswer,
    ChecklistQuestion,
    ConcernArea,
    ConcernAssessment,
)
from ..permissions import reviewer_areas
from .common import (
    _bump,
    _check_version,
    _require_it_lead,
    _require_review,
    _user_label,
    _validate_score,
)
from .queue_facts import refresh_queue_facts


def ensure_assessments(initiative) -> list[ConcernAssessment]:
    """One assessment per concern area for the initiative; creates the missing ones."""
    existing = {a.area: a for a in ConcernAssessment.objects.filter(initiative=initiative)}
    missing = [
        ConcernAssessment(initiative=initiative, area=area)
        for area in ConcernArea.values
        if area not in existing
    ]
    if missing:
        ConcernAssessment.objects.bulk_create(missing, ignore_conflicts=True)
        refresh_queue_facts(initiative.pk)  # bulk_create sends no post_save
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
    for assessment in ConcernAssessment.objects.select_for_update(no_key=True).filter(
        initiative=initiative, area__in=list(areas)
    ):
        if assessment.status == AssessmentStatus.NEEDS_INFO:
            continue
        before = assessment.status
        assessment.status = AssessmentStatus.NEEDS_INFO
        assessment.version += 1
        assessment.save(update_fields=["status", "updated_at", "version"])
        AssessmentScoreChange.objects.create(
            assessment=assessment,
            changed_by=user if getattr(user, "is_authenticated", False) else None,
            from_score=assessment.score,
            to_score=assessment.score,
            from_status=before,
            to_status=assessment.status,
            note=f"Re-opened: {reason}"[:4000],
        )
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


@transaction.atomic
def update_assessment(
    *,
    assessment: ConcernAssessment,
    user,
    score=None,
    status: str | None = None,
    rationale: str | None = None,
    answers: dict[int, str] | None = None,
    expected_version: int | None = None,
    source: str | None = None,
) -> ConcernAssessment:
    """A reviewer scores an assessment, sets its status, rationale and checklist answers.

    Every change of score or status is kept in the score history.
    """
    locked = (
        ConcernAssessment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("initiative")
        .get(pk=assessment.pk)
    )
    initiative = locked.initiative
    _require_review(user, initiative)
    areas = reviewer_areas(user, initiative)
    if areas is not None and locked.area not in areas:
        raise PermissionDenied(
            gettext("You are assigned to other concern areas, not %(area)s.")
            % {"area": locked.get_area_display()}
        )
    if initiative.status == Status.WITHDRAWN:
        raise TransitionNotAllowed(
            gettext("The initiative is withdrawn; its assessments are closed.")
        )
    _check_version(locked, expected_version, "assessment")
    new_score = _validate_score(score)
    new_status = status or locked.status
    if new_status not in AssessmentStatus.values:
        raise RuleError(
            gettext("Unknown assessment status “%(new_status)s”.") % {"new_status": new_status}
        )
    new_rationale = locked.rationale if rationale is None else rationale.strip()
    if new_status == AssessmentStatus.SATISFIED and new_score is None:
        raise RuleError(gettext("Give a score before marking the assessment satisfied."))
    if new_status == AssessmentStatus.SATISFIED and not new_rationale:
        raise RuleError(gettext("Say why in the rationale before marking it satisfied."))
    before = {
        "score": locked.score,
        "status": locked.status,
        "rationale": locked.rationale,
        "reviewer": _user_label(locked.reviewer),
    }
    locked.score = new_score
    locked.status = new_status
    locked.rationale = new_rationale
    locked.reviewer = user
    changes: dict[str, Any] = diff_fields(
        before,
        {
            "score": locked.score,
            "status": locked.status,
            "rationale": locked.rationale,
            "reviewer": user.username,
        },
    )
    answer_changes = _save_answers(locked, user, answers or {})
    if answer_changes:
        changes["answers"] = answer_changes
    if not changes or set(changes) == {"reviewer"}:
        return locked
    if "score" in changes or "status" in changes:
        AssessmentScoreChange.objects.create(
            assessment=locked,
            changed_by=user,
            from_score=before["score"],
            to_score=locked.score,
            from_status=before["status"],
            to_status=locked.status,
            note=locked.rationale[:4000],
        )
    _bump(locked, ["score", "status", "rationale", "reviewer", "updated_at"])
    record_event(
        actor=user,
        action="assessment.updated",
        obj=locked,
        initiative=initiative,
        changes=changes,
        source=source,
    )
    return locked


def _save_answers(assessment: ConcernAssessment, user, answers: dict[int, str]) -> dict:
    if not answers:
        return {}
    questions = {
        q.pk: q for q in ChecklistQuestion.objects.filter(area=assessment.area, pk__in=answers)
    }
    unknown = [str(pk) for pk in answers if int(pk) not in questions]
    if unknown:
        raise RuleError(
            gettext("These questions do not belong to this concern area: %(questions)s.")
            % {"questions": ", ".join(unknown)}
        )
    existing = {a.question_id: a for a in assessment.answers.all()}
    changed = {}
    for pk, text in answers.items():
        text = (text or "").strip()
        current = existing.get(int(pk))
        old = current.answer if current else ""
        if old == text:
            continue
        ChecklistAnswer.objects.update_or_create(
            assessment=assessment,
            question_id=int(pk),
            defaults={"answer": text, "answered_by": user},
        )
        changed[str(pk)] = [old, text]
    return changed


@transaction.atomic
def save_checklist_question(
    *,
    user,
    area: str,
    text: str,
    position: int = 0,
    active: bool = True,
    question: ChecklistQuestion | None = None,
    source: str | None = None,
) -> ChecklistQuestion:
    """IT leads add or edit a standard question of a concern area (no code change needed)."""
    _require_it_lead(user, gettext("Only IT leads edit the checklists."))
    text = (text or "").strip()
    if area not in ConcernArea.values:
        raise RuleError(gettext("Unknown concern area “%(area)s”.") % {"area": area})
    if not text:
        raise RuleError(gettext("The question needs a text."))
    if len(text) > 300:
        raise RuleError(gettext("Keep the question under 300 characters."))
    clash = ChecklistQuestion.objects.filter(area=area, text__iexact=text)
    if question is not None:
        clash = clash.exclude(pk=question.pk)
    if clash.exists():
        raise RuleError(gettext("This area already has that question."))
    if question is None:
        question = ChecklistQuestion.objects.create(
            area=area, text=text, position=position, active=active
        )
        changes = {"after": {"area": area, "text": text, "position": position, "active": active}}
        action = "checklist.question_added"
    else:
        question = ChecklistQuestion.objects.select_for_update(no_key=True).get(pk=question.pk)
        before = {
            "area": question.area,
            "text": question.text,
            "position": question.position,
            "active": question.active,
        }
        question.area, question.text, question.position, question.active = (
            area,
            text,
            position,
            active,
        )
        question.save()
        changes = diff_fields(
            before, {"area": area, "text": text, "position": position, "active": active}
        )
        action = "checklist.question_changed"
        if not changes:
            return question
    record_event(actor=user, action=action, obj=question, changes=changes, source=source)
    return question


def mark_not_applicable(
    *,
    assessment: ConcernAssessment,
    user,
    reason: str,
    expected_version: int | None = None,
    source: str | None = None,
) -> ConcernAssessment:
    """An IT lead rules the concern out for this initiative, saying why (audited).

    It then counts as assessed for "ready for build"; the reason is shown wherever the
    assessment is.
    """
    _require_it_lead(user, gettext("Only IT leads mark a concern not applicable."))
    reason = (reason or "").strip()
    if not reason:
        raise FieldRuleError(
            "reason", gettext("Say why this concern does not apply to the initiative.")
        )
    with transaction.atomic():
        locked = ConcernAssessment.objects.select_for_update(no_key=True).get(pk=assessment.pk)
        _check_version(locked, expected_version, "assessment")
        if locked.initiative.status == Status.WITHDRAWN:
            raise TransitionNotAllowed(
                gettext("The initiative is withdrawn; its assessments are closed.")
            )
        before = locked.not_applicable_reason
        locked.not_applicable_reason = reason[:2000]
        locked.not_applicable_by = user
        locked.not_applicable_at = timezone.now()
        _bump(locked, ["not_applicable_reason", "not_applicable_by", "not_applicable_at"])
        record_event(
            actor=user,
            action="assessment.not_applicable",
            obj=locked,
            initiative=locked.initiative_id,
            changes={
                "area": locked.area,
                "not_applicable_reason": [before, locked.not_applicable_reason],
            },
            source=source,
        )
    return locked


def mark_applicable(
    *,
    assessment: ConcernAssessment,
    user,
    expected_version: int | None = None,
    source: str | None = None,
) -> ConcernAssessment:
    """An IT lead takes back "not applicable": the concern must be assessed again."""
    _require_it_lead(user, gettext("Only IT leads mark a concern applicable again."))
    with transaction.atomic():
        locked = ConcernAssessment.objects.select_for_update(no_key=True).get(pk=assessment.pk)
        _check_version(locked, expected_version, "assessment")
        if not locked.not_applicable:
            return locked
        before = locked.not_applicable_reason
        locked.not_applicable_reason = ""
        locked.not_applicable_by = None
        locked.not_applicable_at = None
        _bump(locked, ["not_applicable_reason", "not_applicable_by", "not_applicable_at"])
        record_event(
            actor=user,
            action="assessment.applicable",
            obj=locked,
            initiative=locked.initiative_id,
            changes={"area": locked.area, "not_applicable_reason": [before, ""]},
            source=source,
        )
    return locked
