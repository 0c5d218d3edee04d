"""`/api/assessments/`: validation, versions, visibility and one audit event per change."""

import pytest

from audit.models import AuditEvent
from reviews import services
from reviews.models import ConcernArea, ConcernAssessment
from tests import factories
from tests.conftest import api

pytestmark = pytest.mark.django_db


def test_assessment_patch_validates_and_checks_versions(users, reviewed):
    item = ConcernAssessment.objects.get(initiative=reviewed, area=ConcernArea.SECURITY)
    url = f"/api/assessments/{item.pk}/"
    client = api(users["reviewer"])
    out = client.patch(url, {"score": 7, "version": item.version}, format="json")
    assert out.status_code == 400 and "score" in out.data["errors"]
    ok = client.patch(
        url, {"score": 3, "status": "in_progress", "version": item.version}, format="json"
    )
    assert ok.status_code == 200 and ok.data["score"] == 3 and ok["ETag"] == '"2"'
    stale = client.patch(url, {"score": 4, "version": 1}, format="json")
    assert stale.status_code == 412
    history = client.get(url + "history/")
    assert [(h["from_score"], h["to_score"]) for h in history.data] == [(None, 3)]
    assert api(users["other_reviewer"]).patch(url, {"score": 2}, format="json").status_code == 403
    assert api(users["sponsor"]).patch(url, {"score": 2}, format="json").status_code == 403


def test_reviewers_list_only_assessments_they_may_see(users):
    secret = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        confidential=True,
    )
    mine = api(users["reviewer"]).get(f"/api/assessments/?initiative={secret.pk}")
    assert mine.data["count"] == len(ConcernArea)
    others = api(users["other_reviewer"]).get(f"/api/assessments/?initiative={secret.pk}")
    assert others.data["count"] == 0
    item = secret.assessments.first()
    assert api(users["other_reviewer"]).get(f"/api/assessments/{item.pk}/").status_code == 404
    di = factories.design_input(initiative=secret, raised_by=users["reviewer"])
    assert api(users["other_reviewer"]).get(f"/api/design-inputs/{di.pk}/").status_code == 404
    assert api(users["executive"]).get(f"/api/design-inputs/{di.pk}/").status_code == 200


def test_each_api_change_leaves_one_audit_event(users, reviewed):
    item = ConcernAssessment.objects.get(initiative=reviewed, area=ConcernArea.VENDOR)
    before = AuditEvent.objects.count()
    api(users["reviewer"]).patch(
        f"/api/assessments/{item.pk}/", {"score": 2, "version": item.version}, format="json"
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.source == "api" and event.changes["score"] == [None, 2]
    services.add_default_criteria(initiative=reviewed, user=users["reviewer"])
    assert AuditEvent.objects.count() == before + 2


def test_checklist_answers_need_ascii_question_ids(users, reviewed):
    item = ConcernAssessment.objects.get(initiative=reviewed, area=ConcernArea.SECURITY)
    response = api(users["reviewer"]).patch(
        f"/api/assessments/{item.pk}/",
        {"answers_input": {"²": "yes"}, "version": item.version},
        format="json",
    )
    assert response.status_code == 400 and "answers_input" in response.data["errors"]
