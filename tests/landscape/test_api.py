"""The plant system map over the API: each role reads, IT leads write, versioned edits,
the CMDB import (preview, rejected rows, an idempotent re-import) and bad input as 400s."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from landscape.models import EnterpriseSystem

from .conftest import SERVICENOW_EXPORT

pytestmark = pytest.mark.django_db

READERS = ["sponsor", "reviewer", "it_lead", "executive", "admin", "norole"]
NOT_MAINTAINERS = ["sponsor", "reviewer", "executive", "norole"]


@pytest.mark.parametrize("actor", READERS)
def test_everyone_signed_in_reads_the_map(api_as, mes, actor):
    response = api_as(actor).get("/api/systems/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["name"] == "Siemens Opcenter MES"
    assert row["it_owner"] == "reviewer"
    assert row["site_name"] == "Augsburg Plant"
    detail = api_as(actor).get(f"/api/systems/{mes.pk}/")
    assert detail["ETag"] == '"1"'


def test_anonymous_reads_nothing(api_as, mes):
    assert api_as("anonymous").get("/api/systems/").status_code == 401
    assert api_as("anonymous").get(f"/api/systems/{mes.pk}/").status_code == 401
    assert api_as("anonymous").post("/api/systems/import/", {}).status_code == 401


def test_an_it_lead_registers_and_edits_a_system(api_as, site, users):
    client = api_as("it_lead")
    created = client.post(
        "/api/systems/",
        {"site": site.pk, "name": "SAP S/4HANA", "kind": "erp", "it_owner": "reviewer"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (
        client.patch(f"/api/systems/{pk}/", {"criticality": "high"}, format="json").status_code
        == 428
    )
    changed = client.patch(
        f"/api/systems/{pk}/", {"criticality": "high"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    stale = client.patch(
        f"/api/systems/{pk}/", {"criticality": "low"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    assert EnterpriseSystem.objects.get(pk=pk).criticality == "high"


@pytest.mark.parametrize("actor", NOT_MAINTAINERS)
def test_others_may_not_write(api_as, site, mes, actor):
    client = api_as(actor)
    body = {"site": site.pk, "name": "X", "kind": "erp"}
    assert client.post("/api/systems/", body, format="json").status_code == 403
    assert (
        client.patch(
            f"/api/systems/{mes.pk}/", {"name": "Y"}, format="json", HTTP_IF_MATCH='"1"'
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/systems/import/", {"content": SERVICENOW_EXPORT, "dry_run": False}, format="json"
        ).status_code
        == 403
    )
    assert EnterpriseSystem.objects.count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "toaster"}, "kind"),
        ({"site": 99999}, "site"),
        ({"it_owner": "nobody"}, "it_owner"),
        ({"it_owner": "sponsor"}, "it_owner"),
        ({"name": ""}, "name"),
        ({"name": "Siemens Opcenter MES"}, "name"),
        ({"cmdb_id": "CI001", "name": "Other"}, "cmdb_id"),
    ],
)
def test_bad_input_is_a_400_on_its_field(api_as, site, mes, body, field):
    response = api_as("it_lead").post(
        "/api/systems/", {"site": site.pk, "name": "New", "kind": "erp", **body}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert EnterpriseSystem.objects.count() == 1


def test_import_preview_then_import_then_the_same_again(api_as, site, other_site):
    client = api_as("it_lead")
    preview = client.post("/api/systems/import/", {"content": SERVICENOW_EXPORT}, format="json")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["dry_run"] is True
    assert body["counts"] == {"create": 3, "update": 0, "unchanged": 0, "rejected": 3}
    rejected = [row for row in body["rows"] if row["action"] == "rejected"]
    assert rejected[0]["line"] == 4 and "Unknown site" in rejected[0]["errors"][0]
    assert not EnterpriseSystem.objects.exists()

    upload = SimpleUploadedFile("cmdb.csv", SERVICENOW_EXPORT.encode(), "text/csv")
    done = client.post("/api/systems/import/", {"file": upload, "dry_run": "false"})
    assert done.json()["counts"]["create"] == 3
    assert EnterpriseSystem.objects.count() == 3
    events = AuditEvent.objects.count()

    upload = SimpleUploadedFile("cmdb.csv", SERVICENOW_EXPORT.encode(), "text/csv")
    again = client.post("/api/systems/import/", {"file": upload, "dry_run": "false"})
    assert again.json()["counts"] == {"create": 0, "update": 0, "unchanged": 3, "rejected": 3}
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "file"),
        ({"content": "name,kind\nX,mes\n"}, "file"),
        ({"content": 7, "dry_run": "x"}, "dry_run"),
    ],
)
def test_an_import_without_a_readable_file_is_a_400(api_as, body, field):
    response = api_as("it_lead").post("/api/systems/import/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_refused_it_owner_is_named_not_by_username(api_as, users, site, mes):
    users["sponsor"].first_name, users["sponsor"].last_name = "Sam", "Sponsor"
    users["sponsor"].save(update_fields=["first_name", "last_name"])
    response = api_as("it_lead").post(
        "/api/systems/",
        {"site": site.pk, "name": "New", "kind": "erp", "it_owner": "sponsor"},
        format="json",
    )
    assert response.json()["errors"]["it_owner"] == [
        "Sam Sponsor is not an active IT reviewer or IT lead."
    ]
