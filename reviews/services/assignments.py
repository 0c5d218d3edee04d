"""Review assignments: IT leads assign reviewers, which grants review rights."""

from django.db import transaction
from django.utils.translation import gettext

from audit.services import record_event
from core.errors import RuleError, TransitionNotAllowed
from core.people import display_name
from core.wording import in_sentence
from initiatives import permissions
from initiatives.models import Initiative, Status
from initiatives.services import grant_membership, revoke_membership, transition_initiative

from ..models import (
    ComponentOwnership,
    ConcernArea,
    ReviewAssignment,
)
from .assessments import ensure_assessments
from .common import (
    _is_it_person,
    _require_it_lead,
)


@transaction.atomic
def assign_reviewer(
    *, initiative: Initiative, reviewer, user, concern_area: str = "", source: str | None = None
) -> ReviewAssignment:
    """An IT lead assigns a reviewer (for all areas, or one concern area).

    Grants the reviewer review rights on the initiative, makes sure the six assessments exist
    and moves a submitted initiative into review (the first assignment, or the first after a
    resubmission).
    """
    _require_it_lead(user, gettext("Only IT leads assign reviewers."))
    if concern_area and concern_area not in ConcernArea.values:
        raise RuleError(
            gettext("Unknown concern area “%(concern_area)s”.") % {"concern_area": concern_area}
        )
    if reviewer is None or not reviewer.is_active or not _is_it_person(reviewer):
        raise RuleError(
            gettext(
                "%(reviewer)s is not an IT reviewer or IT lead; only IT people can be assigned."
            )
            % {"reviewer": display_name(reviewer)}
        )
    locked = Initiative.objects.select_for_update(no_key=True).get(pk=initiative.pk)
    if locked.status not in (Status.SUBMITTED, Status.IN_REVIEW, Status.READY_FOR_BUILD):
        raise TransitionNotAllowed(
            gettext("Reviewers are assigned to submitted initiatives; this one is %(lower)s.")
            % {"lower": in_sentence(locked.get_status_display())}
        )
    if ReviewAssignment.objects.filter(
        initiative=locked, reviewer=reviewer, concern_area=concern_area
    ).exists():
        raise RuleError(
            gettext("%(reviewer)s is already assigned here.") % {"reviewer": display_name(reviewer)}
        )
    assignment = ReviewAssignment.objects.create(
        initiative=locked, reviewer=reviewer, concern_area=concern_area, assigned_by=user
    )
    grant_membership(locked, reviewer, can_review=True, record=False)
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
            reason=f"Reviewer {display_name(reviewer)} assigned",
            source=source,
        )
    return assignment


@transaction.atomic
def unassign_reviewer(*, assignment: ReviewAssignment, user, source: str | None = None) -> None:
    """Remove an assignment; the review right goes when no assignment of that reviewer remains."""
    _require_it_lead(user, gettext("Only IT leads unassign reviewers."))
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
        revoke_membership(initiative, reviewer, codenames=codenames, record=False)
