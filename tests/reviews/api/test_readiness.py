"""`/api/ready-for-build/`: what blocks it, and marking it."""

import pytest

from reviews import services
from tests import factories
from tests.conftest import api

pytestmark = pytest.mark.django_db


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
