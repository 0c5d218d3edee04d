"""Writes of the IT review: assessments, design inputs, assignments, vendor scores."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from governance.services import diff_fields, record_event
from initiatives import permissions
from initiatives.models import Initiative, IntegrationPoint, Status, VendorCandidate
from initiatives.roles import Role, has_role
from initiatives.services import (
    InitiativeError,
    StaleEdit,
    TransitionNotAllowed,
    grant_membership,
    revoke_membership,
    transition_initiative,
)

from .models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentScoreChange,
    AssessmentStatus,
    ChecklistAnswer,
    ChecklistQuestion,
    ComponentDecision,
    ComponentOwnership,
    ConcernArea,
    ConcernAssessment,
    DesignInput,
    DesignInputStatus,
    EvaluationCriterion,
    ReviewAssignment,
    Severity,
    VendorScore,
)


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
    *, initiative, areas: Iterable[str], user, reason: str, source: str = "browser"
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


# ---------------------------------------------------------------- shared checks

User = get_user_model()


def _is_it_person(user) -> bool:
    return has_role(user, Role.REVIEWER, Role.IT_LEAD)


def _require_it_lead(user, what: str) -> None:
    if not has_role(user, Role.IT_LEAD):
        raise PermissionDenied(f"Only IT leads {what}.")


def _require_review(user, initiative: Initiative) -> None:
    permissions.forget_cached_perms(user)
    if not permissions.can_review(user, initiative):
        raise PermissionDenied("Only the initiative's IT reviewers and IT leads may do this.")


def _check_version(obj, expected_version: int | None, what: str) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise StaleEdit(
            f"This {what} was changed by someone else since you opened it. Your changes were "
            "not saved: reload to see the latest version."
        )


def _bump(obj, fields: list[str]) -> None:
    """Save the fields and the next version; the row is locked by the caller."""
    obj.version = obj.version + 1
    obj.save(update_fields=[*fields, "version"])


def _user_label(user) -> str | None:
    return user.username if user is not None else None


# ---------------------------------------------------------------- assignments


@transaction.atomic
def assign_reviewer(
    *, initiative: Initiative, reviewer, user, concern_area: str = "", source: str = "browser"
) -> ReviewAssignment:
    """An IT lead assigns a reviewer (for all areas, or one concern area).

    Grants the reviewer review rights on the initiative, makes sure the six assessments exist
    and moves a submitted initiative into review (the first assignment, or the first after a
    resubmission).
    """
    _require_it_lead(user, "assign reviewers")
    if concern_area and concern_area not in ConcernArea.values:
        raise InitiativeError(f"Unknown concern area “{concern_area}”.")
    if reviewer is None or not reviewer.is_active or not _is_it_person(reviewer):
        raise InitiativeError(
            f"{getattr(reviewer, 'username', 'That user')} is not an IT reviewer or IT lead; "
            "only IT people can be assigned."
        )
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.status not in (Status.SUBMITTED, Status.IN_REVIEW, Status.READY_FOR_BUILD):
        raise TransitionNotAllowed(
            f"Reviewers are assigned to submitted initiatives; this one is "
            f"{locked.get_status_display().lower()}."
        )
    if ReviewAssignment.objects.filter(
        initiative=locked, reviewer=reviewer, concern_area=concern_area
    ).exists():
        raise InitiativeError(f"{reviewer.username} is already assigned here.")
    assignment = ReviewAssignment.objects.create(
        initiative=locked, reviewer=reviewer, concern_area=concern_area, assigned_by=user
    )
    grant_membership(locked, reviewer, can_review=True)
    ensure_assessments(locked)
    record_event(
        actor=user,
        action="review.assigned",
        obj=assignment,
        initiative=locked,
        changes={"reviewer": [None, reviewer.username], "concern_area": concern_area or "all"},
        source=source,
    )
    if locked.status == Status.SUBMITTED:
        transition_initiative(
            initiative=locked,
            user=user,
            to_status=Status.IN_REVIEW,
            reason=f"Reviewer {reviewer.username} assigned",
            source=source,
        )
    return assignment


@transaction.atomic
def unassign_reviewer(*, assignment: ReviewAssignment, user, source: str = "browser") -> None:
    """Remove an assignment; the review right goes when no assignment of that reviewer remains."""
    _require_it_lead(user, "unassign reviewers")
    initiative = assignment.initiative
    reviewer = assignment.reviewer
    record_event(
        actor=user,
        action="review.unassigned",
        obj=assignment,
        initiative=initiative,
        changes={
            "reviewer": [reviewer.username, None],
            "concern_area": assignment.concern_area or "all",
        },
        source=source,
    )
    assignment.delete()
    if not ReviewAssignment.objects.filter(initiative=initiative, reviewer=reviewer).exists():
        codenames = [permissions.REVIEW]
        # Keep the view right if they are one of its people for another reason.
        if not (
            initiative.sponsor_id == reviewer.pk
            or initiative.co_sponsors.filter(pk=reviewer.pk).exists()
            or ComponentOwnership.objects.filter(
                integration__initiative=initiative, owner=reviewer
            ).exists()
        ):
            codenames.append(permissions.VIEW)
        revoke_membership(initiative, reviewer, codenames=codenames)


def reviewer_areas(user, initiative: Initiative) -> set[str] | None:
    """The concern areas a user may assess; None means all of them."""
    if has_role(user, Role.IT_LEAD):
        return None
    areas = set(
        ReviewAssignment.objects.filter(initiative=initiative, reviewer=user).values_list(
            "concern_area", flat=True
        )
    )
    if "" in areas:
        return None
    return areas


# ---------------------------------------------------------------- assessments


def _validate_score(score) -> int | None:
    if score in (None, ""):
        return None
    try:
        value = int(score)
    except (TypeError, ValueError):
        raise InitiativeError("The score must be a whole number from 1 to 5.") from None
    if not 1 <= value <= 5 or str(value) != str(score).strip():
        raise InitiativeError("The score must be a whole number from 1 (low) to 5 (high risk).")
    return value


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
    source: str = "browser",
) -> ConcernAssessment:
    """A reviewer scores an assessment, sets its status, rationale and checklist answers.

    Every change of score or status is kept in the score history.
    """
    locked = (
        ConcernAssessment.objects.select_for_update()
        .select_related("initiative")
        .get(pk=assessment.pk)
    )
    initiative = locked.initiative
    _require_review(user, initiative)
    areas = reviewer_areas(user, initiative)
    if areas is not None and locked.area not in areas:
        raise PermissionDenied(
            f"You are assigned to other concern areas, not {locked.get_area_display()}."
        )
    if initiative.status == Status.WITHDRAWN:
        raise TransitionNotAllowed("The initiative is withdrawn; its assessments are closed.")
    _check_version(locked, expected_version, "assessment")
    new_score = _validate_score(score)
    new_status = status or locked.status
    if new_status not in AssessmentStatus.values:
        raise InitiativeError(f"Unknown assessment status “{new_status}”.")
    new_rationale = locked.rationale if rationale is None else rationale.strip()
    if new_status == AssessmentStatus.SATISFIED and new_score is None:
        raise InitiativeError("Give a score before marking the assessment satisfied.")
    if new_status == AssessmentStatus.SATISFIED and not new_rationale:
        raise InitiativeError("Say why in the rationale before marking it satisfied.")
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
        raise InitiativeError(
            "These questions do not belong to this concern area: " + ", ".join(unknown) + "."
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
    source: str = "browser",
) -> ChecklistQuestion:
    """IT leads add or edit a standard question of a concern area (no code change needed)."""
    _require_it_lead(user, "edit the checklists")
    text = (text or "").strip()
    if area not in ConcernArea.values:
        raise InitiativeError(f"Unknown concern area “{area}”.")
    if not text:
        raise InitiativeError("The question needs a text.")
    if len(text) > 300:
        raise InitiativeError("Keep the question under 300 characters.")
    clash = ChecklistQuestion.objects.filter(area=area, text__iexact=text)
    if question is not None:
        clash = clash.exclude(pk=question.pk)
    if clash.exists():
        raise InitiativeError("This area already has that question.")
    if question is None:
        question = ChecklistQuestion.objects.create(
            area=area, text=text, position=position, active=active
        )
        changes = {"after": {"area": area, "text": text, "position": position, "active": active}}
        action = "checklist.question_added"
    else:
        question = ChecklistQuestion.objects.select_for_update().get(pk=question.pk)
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


# ---------------------------------------------------------------- design inputs


class DesignInputAction(models.TextChoices):
    PROPOSE = "propose", "Propose a solution"
    INCORPORATE = "incorporate", "Mark incorporated"
    CONFIRM = "confirm", "Confirm incorporation"
    ACCEPT_RISK = "accept_risk", "Accept the risk"
    WITHDRAW = "withdraw", "Withdraw"
    REOPEN = "reopen", "Re-open"


_OPEN = frozenset(OPEN_DESIGN_INPUT_STATUSES)
_CLOSED = frozenset(
    {DesignInputStatus.INCORPORATED, DesignInputStatus.RISK_ACCEPTED, DesignInputStatus.WITHDRAWN}
)

# action: (statuses it may start from, status it leads to, who may do it, what text it needs)
DESIGN_INPUT_TRANSITIONS: dict[str, tuple[frozenset[str], str, str, str]] = {
    DesignInputAction.PROPOSE: (
        _OPEN,
        DesignInputStatus.SOLUTION_PROPOSED,
        "partner",
        "the proposed solution",
    ),
    DesignInputAction.INCORPORATE: (
        _OPEN,
        DesignInputStatus.INCORPORATED,
        "sponsor",
        "what changed in the design",
    ),
    DesignInputAction.CONFIRM: (
        frozenset({DesignInputStatus.INCORPORATED}),
        DesignInputStatus.INCORPORATED,
        "it",
        "",
    ),
    DesignInputAction.ACCEPT_RISK: (
        _OPEN,
        DesignInputStatus.RISK_ACCEPTED,
        "authority",
        "the reason the risk is accepted",
    ),
    DesignInputAction.WITHDRAW: (_OPEN, DesignInputStatus.WITHDRAWN, "it", "why it is withdrawn"),
    DesignInputAction.REOPEN: (_CLOSED, DesignInputStatus.RAISED, "it", "why it is re-opened"),
}


def may_accept_risk(person, initiative: Initiative) -> bool:
    """Who has the authority to accept a design input's risk: IT leads, executives and the
    person accountable for the initiative."""
    return (
        person is not None
        and person.is_active
        and (
            has_role(person, Role.IT_LEAD, Role.EXECUTIVE)
            or person.pk == initiative.accountable_person_id
        )
    )


def allowed_design_input_actions(user, design_input: DesignInput) -> list[str]:
    """The actions the user may take on a design input now (for buttons and the API)."""
    out = []
    for action in DesignInputAction.values:
        try:
            _check_design_input_action(user, design_input, action)
        except (PermissionDenied, InitiativeError):
            continue
        out.append(action)
    return out


def _check_design_input_action(user, design_input: DesignInput, action: str) -> str:
    """Raise unless the action may run now by this user; returns the target status."""
    if action not in DESIGN_INPUT_TRANSITIONS:
        raise InitiativeError(f"Unknown action “{action}”.")
    from_statuses, to_status, who, _ = DESIGN_INPUT_TRANSITIONS[action]
    if design_input.status not in from_statuses or (
        action == DesignInputAction.CONFIRM and design_input.confirmed_at is not None
    ):
        if action == DesignInputAction.CONFIRM and design_input.confirmed_at is not None:
            raise TransitionNotAllowed("IT has already confirmed this incorporation.")
        raise TransitionNotAllowed(
            f"A design input that is {design_input.get_status_display().lower()} cannot be "
            f"moved with “{DesignInputAction(action).label.lower()}”."
        )
    initiative = design_input.initiative
    is_owner = user.pk == design_input.owner_id
    sponsor_side = permissions.can_manage(user, initiative)
    it_side = permissions.can_review(user, initiative)
    allowed = {
        "partner": sponsor_side or is_owner or it_side,
        "sponsor": sponsor_side or is_owner,
        "it": it_side,
        "authority": may_accept_risk(user, initiative) or has_role(user, Role.IT_LEAD),
    }[who]
    if not allowed:
        raise PermissionDenied(
            {
                "partner": "Only the sponsor side, the owner or IT may propose a solution.",
                "sponsor": "Only the sponsor, a co-sponsor or the owner marks it incorporated; "
                "IT then confirms.",
                "it": "Only the initiative's IT reviewers and IT leads may do this.",
                "authority": "Only an IT lead, an executive or the initiative's accountable "
                "person may accept a risk.",
            }[who]
        )
    return to_status


@transaction.atomic
def raise_design_input(
    *,
    initiative: Initiative,
    user,
    area: str,
    title: str,
    severity: str = Severity.MEDIUM,
    description: str = "",
    proposed_solution: str = "",
    owner=None,
    due_date=None,
    source: str = "browser",
) -> DesignInput:
    """A reviewer records a finding as a design input to be incorporated (not a veto)."""
    _require_review(user, initiative)
    if initiative.status in (Status.DRAFT, Status.WITHDRAWN):
        raise TransitionNotAllowed(
            f"Design inputs are raised on submitted initiatives; this one is "
            f"{initiative.get_status_display().lower()}."
        )
    if area not in ConcernArea.values:
        raise InitiativeError(f"Unknown concern area “{area}”.")
    if severity not in Severity.values:
        raise InitiativeError(f"Unknown severity “{severity}”.")
    if not (title or "").strip():
        raise InitiativeError("A design input needs a title.")
    design_input = DesignInput.objects.create(
        initiative=initiative,
        area=area,
        title=title.strip()[:200],
        description=description.strip(),
        severity=severity,
        proposed_solution=proposed_solution.strip(),
        owner=owner,
        due_date=due_date,
        raised_by=user,
    )
    _let_owner_see(initiative, owner)
    record_event(
        actor=user,
        action="design_input.raised",
        obj=design_input,
        initiative=initiative,
        changes={
            "after": {
                "area": area,
                "title": design_input.title,
                "severity": severity,
                "owner": _user_label(owner),
                "status": design_input.status,
            }
        },
        source=source,
    )
    return design_input


def _let_owner_see(initiative: Initiative, owner) -> None:
    """The owner must act on the design input, so they need to see the initiative."""
    if owner is not None and not permissions.can_view(owner, initiative):
        grant_membership(initiative, owner)


EDITABLE_DESIGN_INPUT_FIELDS = ("area", "title", "description", "severity", "owner", "due_date")


@transaction.atomic
def edit_design_input(
    *,
    design_input: DesignInput,
    user,
    fields: dict[str, Any],
    expected_version: int | None,
    source: str = "browser",
) -> DesignInput:
    """IT edits a design input's description, severity, owner or due date."""
    locked = (
        DesignInput.objects.select_for_update().select_related("initiative").get(pk=design_input.pk)
    )
    _require_review(user, locked.initiative)
    _check_version(locked, expected_version, "design input")
    unknown = set(fields) - set(EDITABLE_DESIGN_INPUT_FIELDS)
    if unknown:
        raise InitiativeError("These fields cannot be edited: " + ", ".join(sorted(unknown)))
    if "severity" in fields and fields["severity"] not in Severity.values:
        raise InitiativeError(f"Unknown severity “{fields['severity']}”.")
    if "area" in fields and fields["area"] not in ConcernArea.values:
        raise InitiativeError(f"Unknown concern area “{fields['area']}”.")

    def snap(obj):
        return {
            name: (
                _user_label(obj.owner)
                if name == "owner"
                else (
                    str(obj.due_date) if name == "due_date" and obj.due_date else getattr(obj, name)
                )
            )
            for name in fields
        }

    before = snap(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    changes = diff_fields(before, snap(locked))
    if not changes:
        return locked
    if "owner" in changes:
        _let_owner_see(locked.initiative, locked.owner)
    _bump(locked, [*fields, "updated_at"])
    record_event(
        actor=user,
        action="design_input.updated",
        obj=locked,
        initiative=locked.initiative,
        changes=changes,
        source=source,
    )
    return locked


@transaction.atomic
def transition_design_input(
    *,
    design_input: DesignInput,
    user,
    action: str,
    text: str = "",
    accepted_by=None,
    expected_version: int | None = None,
    source: str = "browser",
) -> DesignInput:
    """Move a design input through its lifecycle; the one place its transitions are checked.

    raised → solution proposed → incorporated (sponsor side, with what changed) → confirmed by IT;
    or risk accepted by a named person with authority and a reason; or withdrawn by IT.
    IT may re-open a closed one.
    """
    locked = (
        DesignInput.objects.select_for_update().select_related("initiative").get(pk=design_input.pk)
    )
    permissions.forget_cached_perms(user)
    to_status = _check_design_input_action(user, locked, action)
    _check_version(locked, expected_version, "design input")
    text = (text or "").strip()
    need = DESIGN_INPUT_TRANSITIONS[action][3]
    if need and not text:
        raise InitiativeError(f"Say {need}.")
    now = timezone.now()
    before = {
        "status": locked.status,
        "proposed_solution": locked.proposed_solution,
        "resolution": locked.resolution,
        "accepted_by": _user_label(locked.accepted_by),
        "confirmed_by": _user_label(locked.confirmed_by),
    }
    extra: dict[str, Any] = {}
    if action == DesignInputAction.PROPOSE:
        locked.proposed_solution = text
    elif action == DesignInputAction.INCORPORATE:
        locked.resolution = text
        locked.resolved_at = now
        locked.confirmed_by, locked.confirmed_at = None, None
    elif action == DesignInputAction.CONFIRM:
        locked.confirmed_by, locked.confirmed_at = user, now
        if text:
            extra["note"] = text
    elif action == DesignInputAction.ACCEPT_RISK:
        person = accepted_by or user
        if not may_accept_risk(person, locked.initiative):
            raise InitiativeError(
                f"{person.username} has no authority to accept this risk: name an IT lead, "
                "an executive or the initiative's accountable person."
            )
        if person.pk != user.pk and not has_role(user, Role.IT_LEAD):
            raise PermissionDenied("Only IT leads record a risk acceptance on someone's behalf.")
        locked.accepted_by = person
        locked.resolution = text
        locked.resolved_at = now
    elif action == DesignInputAction.WITHDRAW:
        locked.resolution = text
        locked.resolved_at = now
    elif action == DesignInputAction.REOPEN:
        extra["reason"] = text
        locked.accepted_by = None
        locked.confirmed_by, locked.confirmed_at = None, None
        locked.resolved_at = None
    locked.status = to_status
    after = {
        "status": locked.status,
        "proposed_solution": locked.proposed_solution,
        "resolution": locked.resolution,
        "accepted_by": _user_label(locked.accepted_by),
        "confirmed_by": _user_label(locked.confirmed_by),
    }
    _bump(
        locked,
        [
            "status",
            "proposed_solution",
            "resolution",
            "resolved_at",
            "accepted_by",
            "confirmed_by",
            "confirmed_at",
            "updated_at",
        ],
    )
    record_event(
        actor=user,
        action=f"design_input.{action}",
        obj=locked,
        initiative=locked.initiative,
        changes={**diff_fields(before, after), **extra},
        source=source,
    )
    return locked


# ---------------------------------------------------------------- vendor evaluation

DEFAULT_CRITERIA: tuple[tuple[str, str, int], ...] = (
    ("Security posture", "Certifications, pen tests, vulnerability handling", 3),
    ("Integration posture", "Open APIs, standard connectors to ERP/MES, no shadow data store", 2),
    ("SSO support", "Works with the corporate identity provider (SAML/OIDC)", 2),
    ("Data portability", "Export of data and models in open formats; exit plan", 2),
    ("Vendor viability", "Financial health, customer base, roadmap", 3),
)


def _require_vendor_evaluator(user, initiative: Initiative) -> None:
    _require_review(user, initiative)


@transaction.atomic
def add_default_criteria(
    *, initiative: Initiative, user, source: str = "browser"
) -> list[EvaluationCriterion]:
    """IT starts a vendor evaluation with the standard criteria (missing ones only)."""
    _require_vendor_evaluator(user, initiative)
    existing = set(
        EvaluationCriterion.objects.filter(initiative=initiative).values_list("name", flat=True)
    )
    added = [
        EvaluationCriterion.objects.create(
            initiative=initiative,
            name=name,
            description=description,
            weight=weight,
            position=position,
        )
        for position, (name, description, weight) in enumerate(DEFAULT_CRITERIA, start=1)
        if name not in existing
    ]
    if added:
        record_event(
            actor=user,
            action="vendor_criteria.defaults_added",
            obj=initiative,
            initiative=initiative,
            changes={"criteria": [None, [f"{c.name} ×{c.weight}" for c in added]]},
            source=source,
        )
    return added


def _validate_weight(weight) -> int:
    try:
        value = int(weight)
    except (TypeError, ValueError):
        raise InitiativeError("The weight must be a whole number from 1 to 10.") from None
    if not 1 <= value <= 10:
        raise InitiativeError("The weight must be a whole number from 1 to 10.")
    return value


@transaction.atomic
def save_criterion(
    *,
    initiative: Initiative,
    user,
    name: str,
    weight,
    description: str = "",
    criterion: EvaluationCriterion | None = None,
    source: str = "browser",
) -> EvaluationCriterion:
    """IT adds or changes an evaluation criterion and its weight."""
    _require_vendor_evaluator(user, initiative)
    name = (name or "").strip()
    if not name:
        raise InitiativeError("The criterion needs a name.")
    weight = _validate_weight(weight)
    clash = EvaluationCriterion.objects.filter(initiative=initiative, name__iexact=name)
    if criterion is not None:
        clash = clash.exclude(pk=criterion.pk)
    if clash.exists():
        raise InitiativeError(f"There is already a criterion named “{name}”.")
    if criterion is None:
        position = EvaluationCriterion.objects.filter(initiative=initiative).count() + 1
        criterion = EvaluationCriterion.objects.create(
            initiative=initiative,
            name=name,
            description=description.strip()[:300],
            weight=weight,
            position=position,
        )
        changes = {"after": {"name": name, "weight": weight}}
        action = "vendor_criterion.added"
    else:
        criterion = EvaluationCriterion.objects.select_for_update().get(pk=criterion.pk)
        if criterion.initiative_id != initiative.pk:
            raise InitiativeError("That criterion belongs to another initiative.")
        before = {
            "name": criterion.name,
            "weight": criterion.weight,
            "description": criterion.description,
        }
        criterion.name, criterion.weight = name, weight
        criterion.description = description.strip()[:300]
        criterion.save()
        changes = diff_fields(
            before, {"name": name, "weight": weight, "description": criterion.description}
        )
        if not changes:
            return criterion
        action = "vendor_criterion.changed"
    record_event(
        actor=user,
        action=action,
        obj=criterion,
        initiative=initiative,
        changes=changes,
        source=source,
    )
    return criterion


@transaction.atomic
def delete_criterion(*, criterion: EvaluationCriterion, user, source: str = "browser") -> None:
    """IT removes a criterion and its scores."""
    initiative = criterion.initiative
    _require_vendor_evaluator(user, initiative)
    record_event(
        actor=user,
        action="vendor_criterion.deleted",
        obj=criterion,
        initiative=initiative,
        changes={
            "before": {
                "name": criterion.name,
                "weight": criterion.weight,
                "scores": criterion.scores.count(),
            }
        },
        source=source,
    )
    criterion.delete()


@transaction.atomic
def score_vendor(
    *,
    criterion: EvaluationCriterion,
    vendor: VendorCandidate,
    user,
    score,
    note: str = "",
    source: str = "browser",
) -> VendorScore:
    """IT scores one vendor on one criterion, 1 (poor) to 5 (excellent)."""
    initiative = criterion.initiative
    _require_vendor_evaluator(user, initiative)
    if vendor.initiative_id != initiative.pk:
        raise InitiativeError("That vendor is not under evaluation for this initiative.")
    value = _validate_score(score)
    if value is None:
        raise InitiativeError("The score must be a whole number from 1 (poor) to 5 (excellent).")
    existing = (
        VendorScore.objects.select_for_update().filter(criterion=criterion, vendor=vendor).first()
    )
    old = existing.score if existing else None
    if existing is not None and existing.score == value and existing.note == note.strip():
        return existing
    row, _ = VendorScore.objects.update_or_create(
        criterion=criterion,
        vendor=vendor,
        defaults={"score": value, "note": note.strip()[:500], "scored_by": user},
    )
    record_event(
        actor=user,
        action="vendor.scored",
        obj=row,
        initiative=initiative,
        changes={"score": [old, value], "vendor": vendor.name, "criterion": criterion.name},
        source=source,
    )
    return row


# ---------------------------------------------------------------- architecture ownership


@transaction.atomic
def assign_component_owner(
    *,
    integration: IntegrationPoint,
    owner,
    user,
    source: str = "browser",
) -> ComponentOwnership:
    """An IT lead gives an integration component an IT owner with design authority.

    The owner gets view rights on the initiative so the component shows on its page.
    """
    _require_it_lead(user, "assign component owners")
    if owner is None or not owner.is_active or not _is_it_person(owner):
        raise InitiativeError(
            f"{getattr(owner, 'username', 'That user')} is not an IT reviewer or IT lead; "
            "design authority stays with IT."
        )
    initiative = integration.initiative
    existing = (
        ComponentOwnership.objects.select_for_update().filter(integration=integration).first()
    )
    old_owner = existing.owner if existing else None
    if existing is not None and existing.owner_id == owner.pk:
        return existing
    if existing is None:
        component = ComponentOwnership.objects.create(
            integration=integration, owner=owner, assigned_by=user
        )
    else:
        component = existing
        component.owner, component.assigned_by = owner, user
        _bump(component, ["owner", "assigned_by", "updated_at"])
    grant_membership(initiative, owner)
    record_event(
        actor=user,
        action="component.owner_assigned",
        obj=component,
        initiative=initiative,
        changes={"owner": [_user_label(old_owner), owner.username]},
        source=source,
    )
    return component


def _require_component_authority(user, component: ComponentOwnership) -> None:
    if user.pk != component.owner_id and not has_role(user, Role.IT_LEAD):
        raise PermissionDenied("Only the component's IT owner or an IT lead may change its design.")


@transaction.atomic
def update_component_notes(
    *,
    component: ComponentOwnership,
    user,
    design_notes: str,
    expected_version: int | None = None,
    source: str = "browser",
) -> ComponentOwnership:
    """The owner keeps the component's design notes."""
    locked = (
        ComponentOwnership.objects.select_for_update()
        .select_related("integration__initiative")
        .get(pk=component.pk)
    )
    _require_component_authority(user, locked)
    _check_version(locked, expected_version, "component")
    design_notes = (design_notes or "").strip()
    if len(design_notes) > 8000:
        raise InitiativeError("Keep the design notes under 8000 characters.")
    if design_notes == locked.design_notes:
        return locked
    before = locked.design_notes
    locked.design_notes = design_notes
    _bump(locked, ["design_notes", "updated_at"])
    record_event(
        actor=user,
        action="component.notes_updated",
        obj=locked,
        initiative=locked.integration.initiative,
        changes={"design_notes": [before, design_notes]},
        source=source,
    )
    return locked


@transaction.atomic
def add_component_decision(
    *, component: ComponentOwnership, user, text: str, source: str = "browser"
) -> ComponentDecision:
    """The owner records a design decision on the component."""
    _require_component_authority(user, component)
    text = (text or "").strip()
    if not text:
        raise InitiativeError("Describe the decision.")
    if len(text) > 2000:
        raise InitiativeError("Keep the decision under 2000 characters.")
    decision = ComponentDecision.objects.create(component=component, text=text, decided_by=user)
    record_event(
        actor=user,
        action="component.decision_added",
        obj=decision,
        initiative=component.integration.initiative,
        changes={"decision": [None, text]},
        source=source,
    )
    return decision
