"""`/api/ready-for-build/`: what blocks it, marking it (409 with the blockers), and the manual
fallback tests (`/api/fallback-tests/`)."""

import pytest

from reviews import services
from tests import factories
from tests.conftest import api
from tests.reviews.conftest import GATE_BREAKERS, GATE_IDS

pytestmark = pytest.mark.django_db


def test_ready_for_build_api_names_blockers(users, ready):
    item = factories.design_input(
        initiative=ready, raised_by=users["reviewer"], severity="high", title="Residency"
    )
    url = f"/api/ready-for-build/{ready.pk}/"
    read = api(users["sponsor"]).get(url)
    assert [(b["condition"], b["message"]) for b in read.data["blockers"]] == [
        ("design_inputs", "High-severity design input open: Residency")
    ]
    assert read.data["blockers"][0]["url"] == f"/reviews/design-inputs/{item.pk}/"
    etag = read["ETag"]
    assert etag == f'"{ready.version}"' and read.data["version"] == ready.version
    refused = api(users["reviewer"]).put(url, HTTP_IF_MATCH=etag)
    assert refused.status_code == 409 and "Residency" in refused.data["detail"]
    assert refused.data["code"] == "conflict"
    assert refused.data["errors"] == {
        "design_inputs": ["High-severity design input open: Residency"]
    }
    assert api(users["sponsor"]).put(url, HTTP_IF_MATCH=etag).status_code == 403
    services.transition_design_input(
        design_input=item, user=users["reviewer"], action="withdraw", text="Solved elsewhere"
    )
    done = api(users["reviewer"]).put(url, HTTP_IF_MATCH=etag)
    assert done.status_code == 200 and done.data["status"] == "ready_for_build"
    assert api(users["reviewer"]).put(url, HTTP_IF_MATCH=done["ETag"]).status_code == 409


@pytest.mark.parametrize("case, condition, breaks, word", GATE_BREAKERS, ids=GATE_IDS)
def test_each_condition_answers_409_with_the_list(users, ready, case, condition, breaks, word):
    breaks(ready, users)
    ready.refresh_from_db()
    url = f"/api/ready-for-build/{ready.pk}/"
    response = api(users["it_lead"]).put(url, HTTP_IF_MATCH=f'"{ready.version}"')
    assert response.status_code == 409
    assert set(response.data["errors"]) == {condition}
    assert word.lower() in response.data["detail"].lower()
    ready.refresh_from_db()
    assert ready.status == "in_review"


def test_assessment_not_applicable_over_the_api(users, reviewed):
    from reviews.models import ConcernAssessment

    assessment = ConcernAssessment.objects.get(initiative=reviewed, area="vendor")
    url = f"/api/assessments/{assessment.pk}/"
    version = f'"{assessment.version}"'
    body = {"reason": "Built in-house."}
    assert api(users["it_lead"]).post(f"{url}not-applicable/", body).status_code == 428
    assert (
        api(users["reviewer"]).post(f"{url}not-applicable/", body, HTTP_IF_MATCH=version)
    ).status_code == 403
    missing = api(users["it_lead"]).post(f"{url}not-applicable/", {}, HTTP_IF_MATCH=version)
    assert missing.status_code == 400 and "reason" in missing.data["errors"]
    done = api(users["it_lead"]).post(f"{url}not-applicable/", body, HTTP_IF_MATCH=version)
    assert done.status_code == 200
    assert done.data["not_applicable_reason"] == "Built in-house."
    assert done.data["not_applicable_by"] == "it_lead"
    back = api(users["it_lead"]).post(f"{url}applicable/", HTTP_IF_MATCH=done["ETag"])
    assert back.status_code == 200 and back.data["not_applicable_reason"] == ""
    assert api(users["norole"]).post(f"{url}applicable/", HTTP_IF_MATCH='"1"').status_code in (
        403,
        404,
    )


def test_fallback_tests_over_the_api(users, reviewed):
    body = {
        "initiative": reviewed.pk,
        "tested_by": "Shift supervisor",
        "tested_on": "2026-11-01",
        "result": "passed",
        "notes": "Ran a shift by hand.",
    }
    created = api(users["sponsor"]).post("/api/fallback-tests/", body)
    assert created.status_code == 201 and created.data["recorded_by"] == "sponsor"
    assert api(users["other_sponsor"]).post("/api/fallback-tests/", body).status_code == 403
    bad = api(users["sponsor"]).post("/api/fallback-tests/", {**body, "tested_on": "2999-01-01"})
    assert bad.status_code == 400 and "tested_on" in bad.data["errors"]
    bad = api(users["sponsor"]).post("/api/fallback-tests/", {**body, "result": "maybe"})
    assert bad.status_code == 400 and "result" in bad.data["errors"]
    listed = api(users["reviewer"]).get(f"/api/fallback-tests/?initiative={reviewed.pk}")
    assert [t["tested_by"] for t in listed.data["results"]] == ["Shift supervisor"]
    assert api(None).get("/api/fallback-tests/").status_code == 401


def test_a_confidential_initiative_fallback_tests_stay_hidden(users):
    initiative = factories.in_review_initiative(sponsor=users["other_sponsor"], confidential=True)
    body = {
        "initiative": initiative.pk,
        "tested_by": "X",
        "tested_on": "2026-11-01",
        "result": "passed",
    }
    refused = api(users["sponsor"]).post("/api/fallback-tests/", body)
    assert refused.status_code == 400 and "initiative" in refused.data["errors"]
    services.record_fallback_test(
        initiative=initiative,
        user=users["other_sponsor"],
        tested_by="X",
        tested_on=__import__("datetime").date(2026, 11, 1),
        result="passed",
    )
    assert api(users["sponsor"]).get("/api/fallback-tests/").data["count"] == 0
    assert api(users["executive"]).get("/api/fallback-tests/").data["count"] == 1
