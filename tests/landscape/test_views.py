"""The plant system map's pages: who sees and who maintains, forms that keep what was typed,
the import page's preview and report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from landscape.models import EnterpriseSystem

from .conftest import SERVICENOW_EXPORT

pytestmark = pytest.mark.django_db

MAINTAINERS = ["it_lead", "admin"]
OTHERS = ["sponsor", "reviewer", "executive", "norole"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_sign_in(mes):
    for url in ("/systems/", "/systems/new/", f"/systems/{mes.pk}/edit/", "/systems/import/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("actor", MAINTAINERS + OTHERS)
def test_everyone_signed_in_reads_the_list(users, mes, actor):
    response = client_for(users[actor]).get("/systems/")
    assert response.status_code == 200
    assert "Siemens Opcenter MES" in response.content.decode()
    assert ("Register a system" in response.content.decode()) == (actor in MAINTAINERS)


@pytest.mark.parametrize("actor", OTHERS)
def test_others_may_not_open_the_forms(users, mes, actor):
    client = client_for(users[actor])
    for url in ("/systems/new/", f"/systems/{mes.pk}/edit/", "/systems/import/"):
        assert client.get(url).status_code == 403
    assert client.post("/systems/new/", {"name": "X"}).status_code == 403


def test_the_list_filters_and_stays_within_its_query_budget(
    users, mes, site, django_assert_max_num_queries
):
    for n in range(10):
        EnterpriseSystem.objects.create(
            site=site, name=f"Line {n} PLC", kind="scada", it_owner=users["reviewer"]
        )
    client = client_for(users["sponsor"])
    client.get("/systems/")
    # The page's own queries plus the navigation's My work count (up to 4 for a sponsor).
    with django_assert_max_num_queries(12):
        response = client.get("/systems/", {"kind": "mes"})
    body = response.content.decode()
    assert "Siemens Opcenter MES" in body and "Line 3 PLC" not in body


def test_a_bad_form_keeps_what_was_typed(users, site, mes):
    response = client_for(users["it_lead"]).post(
        "/systems/new/",
        {
            "site": site.pk,
            "name": "Siemens Opcenter MES",
            "kind": "mes",
            "criticality": "high",
            "description": "Typed",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "already has a system named so" in body
    assert "Typed" in body
    assert EnterpriseSystem.objects.count() == 1


def test_an_edit_without_its_version_is_refused(users, mes):
    client = client_for(users["it_lead"])
    data = {"site": mes.site_id, "name": "Renamed", "kind": "mes", "criticality": "high"}
    response = client.post(f"/systems/{mes.pk}/edit/", data)
    assert response.status_code == 200
    mes.refresh_from_db()
    assert mes.name == "Siemens Opcenter MES"
    response = client.post(f"/systems/{mes.pk}/edit/", {**data, "version": 1})
    assert response.status_code == 302
    mes.refresh_from_db()
    assert (mes.name, mes.version) == ("Renamed", 2)


def test_the_import_page_previews_and_reports_rejected_rows(users, site, other_site):
    client = client_for(users["it_lead"])
    upload = SimpleUploadedFile("cmdb.csv", SERVICENOW_EXPORT.encode(), "text/csv")
    response = client.post("/systems/import/", {"file": upload, "dry_run": "on"})
    body = response.content.decode()
    assert "Preview — nothing was written" in body
    assert "Unknown site “Atlantis Plant”." in body
    assert body.count('class="import-row import-rejected"') == 3
    assert not EnterpriseSystem.objects.exists()
    upload = SimpleUploadedFile("cmdb.csv", SERVICENOW_EXPORT.encode(), "text/csv")
    client.post("/systems/import/", {"file": upload})
    assert EnterpriseSystem.objects.count() == 3


def test_an_unreadable_upload_is_an_error_on_the_file_field(users):
    upload = SimpleUploadedFile("cmdb.csv", b"\x00\x01binary", "text/csv")
    response = client_for(users["it_lead"]).post("/systems/import/", {"file": upload})
    assert response.status_code == 200
    assert "not a CSV text file" in response.content.decode()
