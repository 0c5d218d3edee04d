"""Rules of the IT review services: assignment, assessments, design inputs, ready for build."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core.errors import RuleError, StaleEdit, TransitionNotAllowed
from initiatives import permissions
from initiatives.models import Status
from initiatives.services import transition_initiative
from reviews import services
from reviews.models import (
    AssessmentStatus,
    ChecklistQuestion,
    ConcernArea,
    ConcernAssessment,
    DesignInputStatus,
    ReviewAssignment,
)
from tests import factories
from tests.reviews.conftest import events

pytestmark = pytest.mark.django_db


def _new_events(before_id):
    return list(AuditEvent.objects.filter(id__gt=before_id).order_by("id"))


def _last_id():
    last = AuditEvent.objects.order_by("-id").first()
    return last.id if last else 0


# ---------------------------------------------------------------- assignment


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


# ---------------------------------------------------------------- assessments


def _assessment(initiative, area=ConcernArea.SECURITY):
    return ConcernAssessment.objects.get(initiative=initiative, area=area)


@pytest.mark.parametrize("bad", [0, 6, "x", "2.5", -1])
def test_score_out_of_range_is_refused(reviewed, users, bad):
    with pytest.raises(RuleError, match="1"):
        services.update_assessment(
            assessment=_assessment(reviewed), user=users["reviewer"], score=bad
        )
    assert _assessment(reviewed).score is None


def test_score_history_is_kept_and_each_change_is_audited_once(reviewed, users):
    item = _assessment(reviewed)
    mark = _last_id()
    item = services.update_assessment(
        assessment=item,
        user=users["reviewer"],
        score=4,
        status=AssessmentStatus.IN_PROGRESS,
        rationale="Images leave the plant.",
    )
    first = _new_events(mark)
    assert len(first) == 1
    assert first[0].changes["score"] == [None, 4]
    assert first[0].changes["status"] == ["not_started", "in_progress"]
    item = services.update_assessment(
        assessment=item,
        user=users["reviewer"],
        score=2,
        status=AssessmentStatus.SATISFIED,
        rationale="Edge training only.",
        expected_version=item.version,
    )
    history = list(item.score_history.order_by("id"))
    assert [(h.from_score, h.to_score) for h in history] == [(None, 4), (4, 2)]
    assert history[-1].to_status == AssessmentStatus.SATISFIED

    services.reopen_assessments(
        initiative=reviewed, areas=[ConcernArea.SECURITY], user=users["sponsor"], reason="Changed"
    )
    item.refresh_from_db()
    assert item.status == AssessmentStatus.NEEDS_INFO and item.score == 2
    assert item.score_history.count() == 3


def test_satisfied_needs_score_and_rationale(reviewed, users):
    with pytest.raises(RuleError, match="score"):
        services.update_assessment(
            assessment=_assessment(reviewed),
            user=users["reviewer"],
            status=AssessmentStatus.SATISFIED,
            rationale="Fine",
        )


def test_stale_assessment_edit_is_refused(reviewed, users):
    item = _assessment(reviewed)
    services.update_assessment(assessment=item, user=users["reviewer"], score=3)
    with pytest.raises(StaleEdit):
        services.update_assessment(
            assessment=item, user=users["it_lead"], score=4, expected_version=item.version
        )


def test_area_reviewer_assesses_only_their_area(users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["other_reviewer"],
        concern_area=ConcernArea.VENDOR,
    )
    services.update_assessment(
        assessment=_assessment(initiative, ConcernArea.VENDOR),
        user=users["other_reviewer"],
        score=3,
    )
    with pytest.raises(PermissionDenied):
        services.update_assessment(
            assessment=_assessment(initiative, ConcernArea.SECURITY),
            user=users["other_reviewer"],
            score=3,
        )


@pytest.mark.parametrize("who", ["other_reviewer", "sponsor", "executive", "norole"])
def test_unassigned_people_cannot_assess(reviewed, users, who):
    with pytest.raises(PermissionDenied):
        services.update_assessment(assessment=_assessment(reviewed), user=users[who], score=2)


def test_checklist_answers_are_saved_per_question(reviewed, users):
    question = ChecklistQuestion.objects.filter(area=ConcernArea.SECURITY).first()
    other_area = ChecklistQuestion.objects.filter(area=ConcernArea.VENDOR).first()
    item = services.update_assessment(
        assessment=_assessment(reviewed),
        user=users["reviewer"],
        answers={question.pk: "Line stops; manual inspection."},
    )
    assert item.answers.get().answer == "Line stops; manual inspection."
    with pytest.raises(RuleError, match="do not belong"):
        services.update_assessment(
            assessment=item, user=users["reviewer"], answers={other_area.pk: "x"}
        )


def test_default_checklists_cover_every_area():
    for area in ConcernArea.values:
        assert ChecklistQuestion.objects.filter(area=area, active=True).count() >= 3


def test_it_leads_edit_checklists_reviewers_do_not(users):
    mark = _last_id()
    question = services.save_checklist_question(
        user=users["it_lead"], area=ConcernArea.GOVERNANCE, text="Who signs off changes?"
    )
    assert len(_new_events(mark)) == 1
    services.save_checklist_question(
        user=users["it_lead"],
        area=ConcernArea.GOVERNANCE,
        text="Who signs off model changes?",
        active=False,
        question=question,
    )
    question.refresh_from_db()
    assert question.text == "Who signs off model changes?" and not question.active
    with pytest.raises(PermissionDenied):
        services.save_checklist_question(
            user=users["reviewer"], area=ConcernArea.GOVERNANCE, text="Another"
        )
    with pytest.raises(RuleError, match="already"):
        services.save_checklist_question(
            user=users["it_lead"], area=ConcernArea.GOVERNANCE, text="who signs off MODEL changes?"
        )


# ---------------------------------------------------------------- design inputs


def _at(status, reviewed, users, severity="medium"):
    """A design input brought into `status` through the services."""
    item = factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], severity=severity
    )
    if status == DesignInputStatus.RAISED:
        return item
    if status == DesignInputStatus.SOLUTION_PROPOSED:
        return services.transition_design_input(
            design_input=item, user=users["sponsor"], action="propose", text="Use EU region"
        )
    if status == "confirmed":
        item = services.transition_design_input(
            design_input=item, user=users["sponsor"], action="incorporate", text="EU region"
        )
        return services.transition_design_input(
            design_input=item, user=users["reviewer"], action="confirm"
        )
    action, actor, text = {
        DesignInputStatus.INCORPORATED: ("incorporate", "sponsor", "EU region now"),
        DesignInputStatus.RISK_ACCEPTED: ("accept_risk", "it_lead", "Pilot only"),
        DesignInputStatus.WITHDRAWN: ("withdraw", "reviewer", "Duplicate"),
    }[status]
    return services.transition_design_input(
        design_input=item, user=users[actor], action=action, text=text
    )


ALLOWED = [
    # (start, action, actor, text, resulting status)
    ("raised", "propose", "sponsor", "Keep images on the edge", "solution_proposed"),
    ("raised", "propose", "reviewer", "Keep images on the edge", "solution_proposed"),
    ("solution_proposed", "propose", "co_owner", "Better idea", "solution_proposed"),
    ("raised", "incorporate", "sponsor", "Edge-only training", "incorporated"),
    ("solution_proposed", "incorporate", "sponsor", "Edge-only training", "incorporated"),
    ("incorporated", "confirm", "reviewer", "", "incorporated"),
    ("raised", "accept_risk", "it_lead", "Pilot only", "risk_accepted"),
    ("solution_proposed", "accept_risk", "executive", "Pilot only", "risk_accepted"),
    ("raised", "withdraw", "reviewer", "Duplicate", "withdrawn"),
    ("solution_proposed", "withdraw", "it_lead", "Duplicate", "withdrawn"),
    ("incorporated", "reopen", "reviewer", "Not really done", "raised"),
    ("risk_accepted", "reopen", "reviewer", "Pilot extended", "raised"),
    ("withdrawn", "reopen", "it_lead", "Still relevant", "raised"),
]


@pytest.mark.parametrize("start,action,actor,text,expected", ALLOWED)
def test_allowed_design_input_transitions(reviewed, users, start, action, actor, text, expected):
    item = _at(start, reviewed, users)
    if actor == "co_owner":
        services.edit_design_input(
            design_input=item,
            user=users["reviewer"],
            fields={"owner": users["other_sponsor"]},
            expected_version=None,
        )
        actor = "other_sponsor"
    mark = _last_id()
    result = services.transition_design_input(
        design_input=item, user=users[actor], action=action, text=text
    )
    assert result.status == expected
    new = _new_events(mark)
    assert len(new) == 1
    assert new[0].action == f"design_input.{action}"
    assert new[0].actor == users[actor]
    if start != expected:
        assert new[0].changes["status"] == [start, expected]
    if action == "confirm":
        assert result.confirmed_by == users["reviewer"] and result.confirmed_at
        assert new[0].changes["confirmed_by"] == [None, "reviewer"]


REFUSED_STATE = [
    ("incorporated", "propose", "sponsor"),
    ("withdrawn", "incorporate", "sponsor"),
    ("raised", "confirm", "reviewer"),
    ("confirmed", "confirm", "reviewer"),
    ("risk_accepted", "withdraw", "reviewer"),
    ("withdrawn", "accept_risk", "it_lead"),
    ("raised", "reopen", "reviewer"),
    ("solution_proposed", "reopen", "reviewer"),
]


@pytest.mark.parametrize("start,action,actor", REFUSED_STATE)
def test_transitions_the_state_does_not_allow(reviewed, users, start, action, actor):
    item = _at(start, reviewed, users)
    before = (item.status, item.version)
    mark = _last_id()
    with pytest.raises(TransitionNotAllowed):
        services.transition_design_input(
            design_input=item, user=users[actor], action=action, text="x"
        )
    item.refresh_from_db()
    assert (item.status, item.version) == before
    assert _new_events(mark) == []


REFUSED_ROLE = [
    ("raised", "propose", "other_sponsor"),
    ("raised", "propose", "other_reviewer"),
    ("raised", "incorporate", "reviewer"),
    ("raised", "incorporate", "executive"),
    ("incorporated", "confirm", "sponsor"),
    ("raised", "withdraw", "sponsor"),
    ("raised", "accept_risk", "reviewer"),
    ("raised", "accept_risk", "co_sponsor"),
    ("withdrawn", "reopen", "sponsor"),
]


@pytest.mark.parametrize("start,action,actor", REFUSED_ROLE)
def test_transitions_the_role_does_not_allow(reviewed, users, start, action, actor):
    item = _at(start, reviewed, users)
    with pytest.raises(PermissionDenied):
        services.transition_design_input(
            design_input=item, user=users[actor], action=action, text="x"
        )
    item.refresh_from_db()
    assert item.status == start


@pytest.mark.parametrize("action", ["propose", "incorporate", "accept_risk", "withdraw"])
def test_transitions_need_their_text(reviewed, users, action):
    item = _at("raised", reviewed, users)
    actor = {"propose": "sponsor", "incorporate": "sponsor"}.get(action, "it_lead")
    with pytest.raises(RuleError, match="Say"):
        services.transition_design_input(
            design_input=item, user=users[actor], action=action, text="  "
        )


def test_risk_acceptance_names_an_accountable_person_with_authority(users):
    accountable = factories.UserFactory(username="accountable")
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        owner=accountable,
    )
    item = factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    # A sponsor without authority may not be named.
    with pytest.raises(RuleError, match="no authority"):
        services.transition_design_input(
            design_input=item,
            user=users["it_lead"],
            action="accept_risk",
            text="ok",
            accepted_by=users["sponsor"],
        )
    # A reviewer cannot record it on someone's behalf.
    with pytest.raises(PermissionDenied):
        services.transition_design_input(
            design_input=item,
            user=users["reviewer"],
            action="accept_risk",
            text="ok",
            accepted_by=users["executive"],
        )
    # The initiative's accountable person accepts it personally.
    item = services.transition_design_input(
        design_input=item, user=accountable, action="accept_risk", text="Pilot only, 3 months"
    )
    assert item.accepted_by == accountable
    assert item.resolution == "Pilot only, 3 months"
    event = events(initiative, "design_input.accept_risk")[-1]
    assert event.changes["accepted_by"] == [None, "accountable"]


def test_it_lead_records_acceptance_on_behalf_of_an_executive(reviewed, users):
    item = _at("raised", reviewed, users)
    item = services.transition_design_input(
        design_input=item,
        user=users["it_lead"],
        action="accept_risk",
        text="Decided in the steering meeting",
        accepted_by=users["executive"],
    )
    assert item.accepted_by == users["executive"]


def test_stale_transition_is_refused(reviewed, users):
    item = _at("raised", reviewed, users)
    services.transition_design_input(
        design_input=item, user=users["sponsor"], action="propose", text="A"
    )
    with pytest.raises(StaleEdit):
        services.transition_design_input(
            design_input=item,
            user=users["sponsor"],
            action="incorporate",
            text="B",
            expected_version=item.version,
        )


def test_raising_needs_review_rights(reviewed, users):
    with pytest.raises(PermissionDenied):
        factories.design_input(initiative=reviewed, raised_by=users["sponsor"])
    mark = _last_id()
    item = factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], title="Residency"
    )
    new = _new_events(mark)
    assert len(new) == 1 and new[0].changes["after"]["title"] == "Residency"
    assert item.status == DesignInputStatus.RAISED


def test_allowed_actions_per_role(reviewed, users):
    item = _at("raised", reviewed, users)
    # The test sponsor is also the initiative's accountable person, hence accept_risk.
    assert services.allowed_design_input_actions(users["sponsor"], item) == [
        "propose",
        "incorporate",
        "accept_risk",
    ]
    assert services.allowed_design_input_actions(users["other_sponsor"], item) == []
    assert set(services.allowed_design_input_actions(users["reviewer"], item)) == {
        "propose",
        "withdraw",
    }
    assert "accept_risk" in services.allowed_design_input_actions(users["it_lead"], item)


# ---------------------------------------------------------------- ready for build


def _ready(initiative, user):
    return transition_initiative(initiative=initiative, user=user, to_status=Status.READY_FOR_BUILD)


def test_open_high_severity_input_blocks_ready_for_build_and_is_named(reviewed, users):
    factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], severity="high", title="Data residency"
    )
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], severity="medium")
    with pytest.raises(RuleError, match="Data residency"):
        _ready(reviewed, users["reviewer"])
    reviewed.refresh_from_db()
    assert reviewed.status == Status.IN_REVIEW


def test_incorporated_but_unconfirmed_high_input_still_blocks(reviewed, users):
    item = _at("incorporated", reviewed, users, severity="high")
    with pytest.raises(RuleError, match=item.title):
        _ready(reviewed, users["reviewer"])
    services.transition_design_input(design_input=item, user=users["reviewer"], action="confirm")
    assert _ready(reviewed, users["reviewer"]).status == Status.READY_FOR_BUILD


@pytest.mark.parametrize("closed", ["risk_accepted", "withdrawn"])
def test_closed_high_inputs_do_not_block(reviewed, users, closed):
    _at(closed, reviewed, users, severity="high")
    assert _ready(reviewed, users["it_lead"]).status == Status.READY_FOR_BUILD


def test_medium_open_inputs_do_not_block(reviewed, users):
    _at("raised", reviewed, users, severity="medium")
    assert _ready(reviewed, users["reviewer"]).status == Status.READY_FOR_BUILD


# ---------------------------------------------------------------- components


def test_component_owner_gets_view_rights_and_design_authority(users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        confidential=True,
    )
    point = initiative.integrations.get()
    owner = users["other_reviewer"]
    mark = _last_id()
    component = services.assign_component_owner(
        integration=point, owner=owner, user=users["it_lead"]
    )
    assert len(_new_events(mark)) == 1
    permissions.forget_cached_perms(owner)
    assert permissions.can_view(owner, initiative)
    component = services.update_component_notes(
        component=component, user=owner, design_notes="REST via integration layer"
    )
    services.add_component_decision(component=component, user=owner, text="No direct DB")
    assert component.decisions.count() == 1
    with pytest.raises(PermissionDenied):
        services.add_component_decision(component=component, user=users["reviewer"], text="x")
    with pytest.raises(StaleEdit):
        services.update_component_notes(
            component=component, user=owner, design_notes="y", expected_version=1
        )


def test_component_owner_must_be_it_and_assigned_by_a_lead(reviewed, users):
    point = reviewed.integrations.get()
    with pytest.raises(RuleError, match="not an IT reviewer"):
        services.assign_component_owner(
            integration=point, owner=users["sponsor"], user=users["it_lead"]
        )
    with pytest.raises(PermissionDenied):
        services.assign_component_owner(
            integration=point, owner=users["reviewer"], user=users["reviewer"]
        )


# ---------------------------------------------------------------- audit: one event per change


def test_every_other_change_leaves_exactly_one_event(reviewed, users):
    from initiatives.models import VendorCandidate

    reviewer, lead = users["reviewer"], users["it_lead"]
    item = factories.design_input(initiative=reviewed, raised_by=reviewer)
    vendor = VendorCandidate.objects.create(initiative=reviewed, name="Alpha")
    point = reviewed.integrations.get()

    def one_event(run, action, **changes):
        mark = _last_id()
        result = run()
        new = _new_events(mark)
        assert [e.action for e in new] == [action]
        for key, value in changes.items():
            assert new[0].changes[key] == value, key
        return result

    one_event(
        lambda: services.edit_design_input(
            design_input=item, user=reviewer, fields={"severity": "high"}, expected_version=1
        ),
        "design_input.updated",
        severity=["medium", "high"],
    )
    crit = one_event(
        lambda: services.save_criterion(initiative=reviewed, user=reviewer, name="SSO", weight=2),
        "vendor_criterion.added",
        after={"name": "SSO", "weight": 2},
    )
    one_event(
        lambda: services.save_criterion(
            initiative=reviewed, user=reviewer, name="SSO", weight=4, criterion=crit
        ),
        "vendor_criterion.changed",
        weight=[2, 4],
    )
    one_event(
        lambda: services.score_vendor(criterion=crit, vendor=vendor, user=reviewer, score=3),
        "vendor.scored",
        score=[None, 3],
    )
    one_event(
        lambda: services.score_vendor(criterion=crit, vendor=vendor, user=reviewer, score=5),
        "vendor.scored",
        score=[3, 5],
    )
    one_event(
        lambda: services.delete_criterion(criterion=crit, user=reviewer),
        "vendor_criterion.deleted",
    )
    component = one_event(
        lambda: services.assign_component_owner(integration=point, owner=reviewer, user=lead),
        "component.owner_assigned",
        owner=[None, "reviewer"],
    )
    one_event(
        lambda: services.update_component_notes(
            component=component, user=reviewer, design_notes="REST only"
        ),
        "component.notes_updated",
        design_notes=["", "REST only"],
    )
    one_event(
        lambda: services.add_component_decision(component=component, user=reviewer, text="No DB"),
        "component.decision_added",
        decision=[None, "No DB"],
    )
    # Saving the same values again changes nothing and records nothing.
    mark = _last_id()
    services.edit_design_input(
        design_input=item, user=reviewer, fields={"severity": "high"}, expected_version=None
    )
    services.update_component_notes(component=component, user=reviewer, design_notes="REST only")
    assert _new_events(mark) == []


def test_design_input_owner_can_see_a_confidential_initiative(users):
    secret = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        confidential=True,
    )
    owner = users["other_sponsor"]
    assert not permissions.can_view(owner, secret)
    item = factories.design_input(initiative=secret, raised_by=users["reviewer"], owner=owner)
    permissions.forget_cached_perms(owner)
    assert permissions.can_view(owner, secret)
    item = services.transition_design_input(
        design_input=item, user=owner, action="propose", text="Use the EU tenant"
    )
    assert item.status == DesignInputStatus.SOLUTION_PROPOSED
