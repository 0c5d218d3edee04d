"""Concern assessments and their checklists (reviews/services/assessments.py)."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import RuleError, StaleEdit
from reviews import services
from reviews.models import AssessmentStatus, ChecklistQuestion, ConcernArea, ConcernAssessment
from tests import factories
from tests.reviews.services.conftest import _last_id, _new_events

pytestmark = pytest.mark.django_db


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
