"""The review API per role: allowed and denied, 400 on bad input, 409 on illegal transitions."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from initiatives.models import Status, VendorCandidate
from reviews import services
from reviews.models import ConcernArea, ConcernAssessment, DesignInput, ReviewAssignment
from tests import factories

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_lead_assigns_reviewers_others_are_refused(users):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    body = {"initiative": initiative.pk, "reviewer": "reviewer", "concern_area": ""}
    assert api(users["reviewer"]).post("/api/review-assignments/", body).status_code == 403
    response = api(users["it_lead"]).post("/api/review-assignments/", body, format="json")
    assert response.status_code == 201, response.data
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_REVIEW
    bad = api(users["it_lead"]).post(
        "/api/review-assignments/",
        {"initiative": initiative.pk, "reviewer": "sponsor"},
        format="json",
    )
    assert bad.status_code == 400 and "not an IT reviewer" in bad.data["detail"]
    unknown = api(users["it_lead"]).post(
        "/api/review-assignments/",
        {"initiative": initiative.pk, "reviewer": "ghost", "concern_area": "nope"},
        format="json",
    )
    assert unknown.status_code == 400
    assert set(unknown.data["errors"]) == {"reviewer", "concern_area"}
    assignment = ReviewAssignment.objects.get()
    assert (
        api(users["reviewer"]).delete(f"/api/review-assignments/{assignment.pk}/").status_code
        == 403
    )
    assert (
        api(users["it_lead"]).delete(f"/api/review-assignments/{assignment.pk}/").status_code == 204
    )


def test_assessment_patch_validates_and_checks_versions(users, reviewed):
    item = ConcernAssessment.objects.get(initiative=reviewed, area=ConcernArea.SECURITY)
    url = f"/api/assessments/{item.pk}/"
    client = api(users["reviewer"])
    out = client.patch(url, {"score": 7}, format="json")
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
    assert mine.data["count"] == 6
    others = api(users["other_reviewer"]).get(f"/api/assessments/?initiative={secret.pk}")
    assert others.data["count"] == 0
    item = secret.assessments.first()
    assert api(users["other_reviewer"]).get(f"/api/assessments/{item.pk}/").status_code == 404
    di = factories.design_input(initiative=secret, raised_by=users["reviewer"])
    assert api(users["other_reviewer"]).get(f"/api/design-inputs/{di.pk}/").status_code == 404
    assert api(users["executive"]).get(f"/api/design-inputs/{di.pk}/").status_code == 200


def test_design_input_lifecycle_over_the_api(users, reviewed):
    reviewer = api(users["reviewer"])
    created = reviewer.post(
        "/api/design-inputs/",
        {
            "initiative": reviewed.pk,
            "area": "security",
            "title": "Data residency",
            "severity": "high",
            "owner": "sponsor",
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert created.data["allowed_actions"] == ["propose", "withdraw"]
    bad = reviewer.post(
        "/api/design-inputs/",
        {"initiative": reviewed.pk, "area": "weather", "title": "", "severity": "huge"},
        format="json",
    )
    assert bad.status_code == 400 and {"area", "title", "severity"} <= set(bad.data["errors"])
    assert (
        api(users["sponsor"])
        .post(
            "/api/design-inputs/",
            {"initiative": reviewed.pk, "area": "security", "title": "x"},
            format="json",
        )
        .status_code
        == 403
    )

    sponsor = api(users["sponsor"])
    assert sponsor.post(f"/api/design-inputs/{pk}/withdraw/", {"text": "no"}).status_code == 403
    no_text = sponsor.post(f"/api/design-inputs/{pk}/incorporate/", {"text": ""})
    assert no_text.status_code == 400
    done = sponsor.post(f"/api/design-inputs/{pk}/incorporate/", {"text": "EU only", "version": 1})
    assert done.status_code == 200 and done.data["status"] == "incorporated"
    again = sponsor.post(f"/api/design-inputs/{pk}/propose/", {"text": "x"})
    assert again.status_code == 409
    stale = reviewer.post(f"/api/design-inputs/{pk}/confirm/", {"version": 1})
    assert stale.status_code == 412
    confirmed = reviewer.post(f"/api/design-inputs/{pk}/confirm/", {"version": 2})
    assert confirmed.data["confirmed_by"] == "reviewer"
    assert reviewer.post(f"/api/design-inputs/{pk}/confirm/").status_code == 409
    reopened = reviewer.post(f"/api/design-inputs/{pk}/reopen/", {"text": "Regressed"})
    assert reopened.data["status"] == "raised"
    accept = api(users["it_lead"]).post(
        f"/api/design-inputs/{pk}/accept-risk/",
        {"text": "Steering decision", "accepted_by": "executive"},
    )
    assert accept.status_code == 200 and accept.data["accepted_by"] == "executive"
    edit = reviewer.patch(f"/api/design-inputs/{pk}/", {"severity": "low"}, format="json")
    assert edit.status_code == 200 and edit.data["severity"] == "low"
    assert DesignInput.objects.get().version == edit.data["version"]


def test_filter_design_inputs(users, reviewed):
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], severity="high")
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], severity="low")
    rows = api(users["reviewer"]).get("/api/design-inputs/?severity=high&status=raised")
    assert rows.data["count"] == 1


def test_vendor_criteria_scores_and_comparison(users, reviewed):
    alpha = VendorCandidate.objects.create(initiative=reviewed, name="Alpha")
    beta = VendorCandidate.objects.create(initiative=reviewed, name="Beta")
    reviewer = api(users["reviewer"])
    defaults = reviewer.post(f"/api/vendor-criteria/defaults/?initiative={reviewed.pk}")
    assert defaults.status_code == 200 and len(defaults.data) == 5
    heavy = reviewer.post(
        "/api/vendor-criteria/", {"initiative": reviewed.pk, "name": "X", "weight": 11}
    )
    assert heavy.status_code == 400 and "weight" in heavy.data["errors"]
    crit = defaults.data[0]["id"]
    assert (
        reviewer.post(
            "/api/vendor-scores/", {"criterion": crit, "vendor": alpha.pk, "score": 6}
        ).status_code
        == 400
    )
    for vendor, score in ((alpha, 2), (beta, 5)):
        ok = reviewer.post(
            "/api/vendor-scores/", {"criterion": crit, "vendor": vendor.pk, "score": score}
        )
        assert ok.status_code == 201, ok.data
    assert (
        api(users["sponsor"])
        .post("/api/vendor-scores/", {"criterion": crit, "vendor": alpha.pk, "score": 3})
        .status_code
        == 403
    )
    table = api(users["sponsor"]).get(f"/api/vendor-comparisons/{reviewed.pk}/")
    assert [v["name"] for v in table.data["vendors"]] == ["Beta", "Alpha"]
    assert table.data["vendors"][0]["weighted_score"] == "5.00"
    assert table.data["vendors"][0]["scores"][0] == 5
    assert len(table.data["criteria"]) == 5


def test_components_over_the_api(users, reviewed):
    point = reviewed.integrations.get()
    lead = api(users["it_lead"])
    assert (
        api(users["reviewer"])
        .post("/api/components/", {"integration": point.pk, "owner": "reviewer"})
        .status_code
        == 403
    )
    made = lead.post(
        "/api/components/",
        {"integration": point.pk, "owner": "other_reviewer", "design_notes": "REST"},
    )
    assert made.status_code == 201, made.data
    owner = api(users["other_reviewer"])
    decision = owner.post(f"/api/components/{made.data['id']}/decisions/", {"text": "No DB writes"})
    assert decision.status_code == 201
    assert (
        owner.post(f"/api/components/{made.data['id']}/decisions/", {"text": ""}).status_code == 400
    )
    listed = owner.get(f"/api/components/?integration__initiative={reviewed.pk}")
    assert listed.data["results"][0]["decisions"][0]["text"] == "No DB writes"


def test_queue_api_counts(users, reviewed):
    factories.submitted_initiative(sponsor=users["other_sponsor"])
    lead = api(users["it_lead"]).get("/api/review-queue/?tab=new")
    assert lead.data["counts"]["all"] == 2 and lead.data["count"] == lead.data["counts"]["new"]
    mine = api(users["reviewer"]).get("/api/review-queue/")
    assert [r["id"] for r in mine.data["results"]] == [reviewed.pk]
    assert api(users["sponsor"]).get("/api/review-queue/").data["count"] == 0


def test_each_api_change_leaves_one_audit_event(users, reviewed):
    item = ConcernAssessment.objects.get(initiative=reviewed, area=ConcernArea.VENDOR)
    before = AuditEvent.objects.count()
    api(users["reviewer"]).patch(f"/api/assessments/{item.pk}/", {"score": 2}, format="json")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.source == "api" and event.changes["score"] == [None, 2]
    services.add_default_criteria(initiative=reviewed, user=users["reviewer"])
    assert AuditEvent.objects.count() == before + 2


def test_ready_for_build_api_names_blockers(users, reviewed):
    item = factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], severity="high", title="Residency"
    )
    url = f"/api/ready-for-build/{reviewed.pk}/"
    assert [b["title"] for b in api(users["sponsor"]).get(url).data["blockers"]] == ["Residency"]
    refused = api(users["reviewer"]).put(url)
    assert refused.status_code == 400 and "Residency" in refused.data["detail"]
    assert api(users["sponsor"]).put(url).status_code == 403
    services.transition_design_input(
        design_input=item, user=users["reviewer"], action="withdraw", text="Solved elsewhere"
    )
    done = api(users["reviewer"]).put(url)
    assert done.status_code == 200 and done.data["status"] == "ready_for_build"
    assert api(users["reviewer"]).put(url).status_code == 409


@pytest.mark.parametrize(
    "query, field",
    [
        ("site=99999999999999999999", "site"),  # SQLite cannot compare it: was a 500
        ("site=%C2%B2", "site"),  # "²".isdigit() but int("²") fails: was a 500
        ("tab=later", "tab"),
        ("concern=weather", "concern"),
        ("status=draft", "status"),
    ],
)
def test_queue_api_refuses_bad_filters_with_field_messages(users, reviewed, query, field):
    response = api(users["it_lead"]).get(f"/api/review-queue/?{query}")
    assert response.status_code == 400
    assert set(response.data["errors"]) == {field}


def test_queue_page_ignores_ids_that_cannot_exist(client, users, reviewed):
    client.force_login(users["it_lead"])
    for site in ("99999999999999999999", "²"):
        assert client.get("/reviews/", {"site": site}).status_code == 200


@pytest.mark.parametrize("path", ["vendor-comparisons", "ready-for-build"])
@pytest.mark.parametrize("pk", ["abc", "%C2%B2", "99999999999999999999"])
def test_per_initiative_paths_with_a_non_id_are_404(users, reviewed, path, pk):
    response = api(users["it_lead"]).get(f"/api/{path}/{pk}/")
    assert response.status_code == 404 and response.data["code"] == "not_found"


def test_checklist_answers_need_ascii_question_ids(users, reviewed):
    item = ConcernAssessment.objects.get(initiative=reviewed, area=ConcernArea.SECURITY)
    response = api(users["reviewer"]).patch(
        f"/api/assessments/{item.pk}/",
        {"answers_input": {"²": "yes"}, "version": item.version},
        format="json",
    )
    assert response.status_code == 400 and "answers_input" in response.data["errors"]


def test_bodies_that_are_not_objects_are_read_as_empty(users, reviewed):
    # `request.data.get` on a JSON list was an AttributeError: a 500.
    reviewer = api(users["reviewer"])
    refused = reviewer.post("/api/vendor-criteria/defaults/", [1], format="json")
    assert refused.status_code == 400 and "initiative" in refused.data["errors"]
    ready = api(users["it_lead"]).put(f"/api/ready-for-build/{reviewed.pk}/", ["x"], format="json")
    assert ready.status_code < 500


def test_default_criteria_of_a_hidden_initiative_are_404(users):
    hidden = factories.submitted_initiative(sponsor=users["other_sponsor"], confidential=True)
    response = api(users["reviewer"]).post(f"/api/vendor-criteria/defaults/?initiative={hidden.pk}")
    assert response.status_code == 404 and response.data["code"] == "not_found"


@pytest.mark.django_db
def test_design_input_list_checks_rights_in_one_query_whatever_the_page_size(client, users):
    """Each row lists the caller's allowed actions; rights load once per page, not per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def listing() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/design-inputs/")
        assert response.status_code == 200
        assert all("allowed_actions" in row for row in response.data["results"])
        return len(ctx)

    client.force_login(users["reviewer"])
    for _ in range(2):
        initiative = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    small = listing()
    for _ in range(6):
        initiative = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    assert listing() == small
