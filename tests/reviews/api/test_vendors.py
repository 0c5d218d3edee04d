"""`/api/vendor-criteria/`, `/api/vendor-scores/` and `/api/vendor-comparisons/`."""

import pytest

from initiatives.models import VendorCandidate
from tests import factories
from tests.conftest import api

pytestmark = pytest.mark.django_db


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


def test_default_criteria_of_a_hidden_initiative_are_404(users):
    hidden = factories.submitted_initiative(sponsor=users["other_sponsor"], confidential=True)
    response = api(users["reviewer"]).post(f"/api/vendor-criteria/defaults/?initiative={hidden.pk}")
    assert response.status_code == 404 and response.data["code"] == "not_found"
