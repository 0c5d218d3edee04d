"""The plant system map in a real browser: the IT lead imports a CMDB export (preview with
rejected rows, the import, a re-import that changes nothing) and registers a system; the
sponsor's integration picks it; its owner sees the flag and acknowledges in one click."""

import pytest

from initiatives import services
from initiatives.models import Initiative
from landscape.models import EnterpriseSystem
from tests import factories
from tests.e2e.conftest import ARTIFACTS

EXPORT = (
    "sys_id,name,location,sys_class_name,managed_by,business_criticality\n"
    "CI001,Siemens Opcenter MES,Augsburg Plant,MES,reviewer,1 - most critical\n"
    "CI002,SAP S/4HANA,Augsburg Plant,ERP,it_lead,2 - somewhat critical\n"
    "CI003,AVEVA PI,Atlantis Plant,Historian,reviewer,1 - most critical\n"
)


def upload(window, name="cmdb.csv"):
    window.set_input_files(
        "#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": EXPORT.encode()}]
    )


@pytest.mark.django_db(transaction=True)
def test_it_lead_imports_and_registers_sponsor_picks_owner_acknowledges(
    browser_as, live_server, screenshot
):
    users = factories.role_users()
    factories.SiteFactory(name="Augsburg Plant")
    factories.BusinessUnitFactory(name="Quality")

    lead = browser_as(users["it_lead"])
    lead.click("nav >> text=Systems")
    lead.wait_for_url("**/systems/")
    lead.click("text=Import CMDB export")
    upload(lead)
    assert lead.is_checked("#id_dry_run")
    lead.click("text=Read the file")
    report = lead.locator("#import-report")
    assert "Preview — nothing was written" in report.inner_text()
    assert lead.locator(".import-rejected").count() == 1
    assert "Unknown site “Atlantis Plant”." in lead.locator(".import-rejected").inner_text()
    screenshot("system-map-import-preview")
    assert not EnterpriseSystem.objects.exists()

    upload(lead)
    lead.uncheck("#id_dry_run")
    lead.click("text=Read the file")
    assert "Imported" in lead.locator("#import-report .card-header").inner_text()
    assert EnterpriseSystem.objects.count() == 2

    upload(lead)
    lead.uncheck("#id_dry_run")
    lead.click("text=Read the file")
    assert lead.locator(".import-unchanged").count() == 2
    assert lead.locator(".import-create, .import-update").count() == 0

    # Register one by hand; a duplicate name is refused beside the field, the rest kept.
    lead.click("text=Plant system map")
    lead.click("text=Register a system")
    lead.select_option("#id_site", label="Augsburg Plant")
    lead.fill("#id_name", "SAP S/4HANA")
    lead.select_option("#id_kind", "qms")
    lead.fill("#id_description", "Inspection results")
    lead.click("main button[type=submit]")
    assert "already has a system named so" in lead.locator(".invalid-feedback").inner_text()
    assert lead.input_value("#id_description") == "Inspection results"
    lead.fill("#id_name", "QMS Augsburg")
    with lead.expect_navigation():
        lead.click("main button[type=submit]")
    assert lead.locator("#systems >> text=QMS Augsburg").count() == 1
    screenshot("system-map-list")

    # The sponsor's integration picks the registered MES at step 4.
    initiative = factories.complete_initiative(sponsor=users["sponsor"], title="Line 3 vision")
    sponsor = browser_as(users["sponsor"])
    sponsor.goto(f"{live_server.url}/initiatives/{initiative.pk}/edit/4/")
    sponsor.select_option(
        "#id_integrations-0-system", label="Augsburg Plant · Siemens Opcenter MES (MES)"
    )
    sponsor.select_option("#id_integrations-0-purpose", "write_back")
    sponsor.fill("#id_integrations-0-vendor", "Cognex")
    sponsor.click("button[name=save]")
    sponsor.wait_for_load_state("networkidle")
    mes = EnterpriseSystem.objects.get(cmdb_id="CI001")
    assert initiative.integrations.get().system == mes
    services.submit_initiative(
        initiative=Initiative.objects.get(pk=initiative.pk), user=users["sponsor"]
    )

    # The MES owner sees the flag and acknowledges in one click.
    owner = browser_as(users["reviewer"])
    owner.goto(f"{live_server.url}/initiatives/systems/{mes.pk}/")
    assert owner.locator(".unacknowledged-flag").count() == 1
    assert "Line 3 vision" in owner.locator("#system-integrations").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    owner.screenshot(path=str(ARTIFACTS / "system-map-system-page.png"), full_page=True)
    with owner.expect_navigation():
        owner.click("#system-integrations button:has-text('Acknowledge')")
    assert owner.locator(".unacknowledged-flag").count() == 0
    assert "Acknowledged" in owner.locator(".alert").first.inner_text()
    assert initiative.integrations.get().owner_acknowledged_by == users["reviewer"]
