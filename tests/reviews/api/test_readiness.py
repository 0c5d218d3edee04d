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
    read = api(users["sponsor"]).get(url)
    assert [b["title"] for b in read.data["blockers"]] == ["Residency"]
    etag = read["ETag"]
    assert etag == f'"{reviewed.version}"' and read.data["version"] == reviewed.version
    refused = api(users["reviewer"]).put(url, HTTP_IF_MATCH=etag)
    assert refused.status_code == 400 and "Residency" in refused.data["detail"]
    assert api(users["sponsor"]).put(url, HTTP_IF_MATCH=etag).status_code == 403
    services.transition_design_input(
        design_input=item, user=users["reviewer"], action="withdraw", text="Solved elsewhere"
    )
    done = api(users["reviewer"]).put(url, HTTP_IF_MATCH=etag)
    assert done.status_code == 200 and done.data["status"] == "ready_for_build"
    assert api(users["reviewer"]).put(url, HTTP_IF_MATCH=done["ETag"]).status_code == 409
