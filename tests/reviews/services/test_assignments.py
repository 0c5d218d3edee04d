"""Assigning and unassigning reviewers (reviews/services/assignments.py)."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import RuleError, TransitionNotAllowed
from initiatives import permissions
from initiatives.models import Status
from reviews import services
from reviews.models import ConcernArea, ReviewAssignment
from tests import factories
from tests.reviews.services.conftest import _last_id, _new_events

pytestmark = pytest.mark.django_db


def test_first_assignment_grants_review_creates_assessments_and_moves_to_review(users):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"], confidential=True)
    reviewer = users["reviewer"]
    assert not permissions.can_view(reviewer, initiative)
    mark = _last_id()

    services.assign_reviewer(initiative=initiative, reviewer=reviewer, user=users["it_lead"])

    initiative.refresh_from_db()
    permissions.forget_cached_perms(reviewer)
    assert initiative.status == Status.IN_REVIEW
    assert permissions.can_view(reviewer, initiative)
    assert permissions.can_review(reviewer, initiative)
    assert set(initiative.assessments.values_list("area", flat=True)) == set(ConcernArea.values)
    new = _new_events(mark)
    assert [e.action for e in new] == ["review.assigned", "initiative.in_review"]
    assert new[0].changes == {"reviewer": [None, "reviewer"], "concern_area": "all"}


def test_second_assignment_does_not_transition_again(reviewed, users):
    mark = _last_id()
    services.assign_reviewer(
        initiative=reviewed,
        reviewer=users["other_reviewer"],
        concern_area=ConcernArea.VENDOR,
        user=users["it_lead"],
    )
    assert [e.action for e in _new_events(mark)] == ["review.assigned"]


@pytest.mark.parametrize("who", ["reviewer", "sponsor", "executive"])
def test_only_it_leads_assign(users, who):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    with pytest.raises(PermissionDenied):
        services.assign_reviewer(initiative=initiative, reviewer=users["reviewer"], user=users[who])
    assert not ReviewAssignment.objects.exists()


def test_assignee_must_be_it(users):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    with pytest.raises(RuleError, match="not an IT reviewer"):
        services.assign_reviewer(
            initiative=initiative, reviewer=users["other_sponsor"], user=users["it_lead"]
        )


def test_drafts_cannot_be_assigned(users):
    draft = factories.complete_initiative(sponsor=users["sponsor"])
    with pytest.raises(TransitionNotAllowed):
        services.assign_reviewer(
            initiative=draft, reviewer=users["reviewer"], user=users["it_lead"]
        )


def test_duplicate_assignment_is_a_clear_error(reviewed, users):
    with pytest.raises(RuleError, match="already assigned"):
        services.assign_reviewer(
            initiative=reviewed, reviewer=users["reviewer"], user=users["it_lead"]
        )


def test_unassign_revokes_rights_when_no_assignment_remains(users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        confidential=True,
    )
    assignment = ReviewAssignment.objects.get(initiative=initiative)
    mark = _last_id()
    services.unassign_reviewer(assignment=assignment, user=users["it_lead"])
    reviewer = users["reviewer"]
    permissions.forget_cached_perms(reviewer)
    assert not permissions.can_review(reviewer, initiative)
    assert not permissions.can_view(reviewer, initiative)
    new = _new_events(mark)
    assert len(new) == 1 and new[0].changes["reviewer"] == ["reviewer", None]


def test_unassign_keeps_rights_while_another_assignment_remains(reviewed, users):
    extra = services.assign_reviewer(
        initiative=reviewed,
        reviewer=users["reviewer"],
        concern_area=ConcernArea.SECURITY,
        user=users["it_lead"],
    )
    services.unassign_reviewer(assignment=extra, user=users["it_lead"])
    permissions.forget_cached_perms(users["reviewer"])
    assert permissions.can_review(users["reviewer"], reviewed)


def test_refusals_name_the_person_by_display_name_not_username(users):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    reviewer = users["reviewer"]
    services.assign_reviewer(initiative=initiative, reviewer=reviewer, user=users["it_lead"])
    with pytest.raises(RuleError) as again:
        services.assign_reviewer(initiative=initiative, reviewer=reviewer, user=users["it_lead"])
    with pytest.raises(RuleError) as not_it:
        services.assign_reviewer(
            initiative=initiative, reviewer=users["sponsor"], user=users["it_lead"]
        )
    assert str(again.value).startswith(f"{reviewer.get_full_name()} is already assigned")
    assert str(not_it.value).startswith(users["sponsor"].get_full_name())
    assert "reviewer is" not in str(again.value) and "sponsor is" not in str(not_it.value)
