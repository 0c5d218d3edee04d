"""Directory groups in a real browser: the IT lead maps an identity-provider group to a role
and a site, is told beside the field when a mapping gives neither, and removes one."""

import pytest

from harmony_portal.models import DirectoryGroupMapping
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_it_lead_maps_directory_groups(browser_as):
    users = factories.role_users()
    factories.SiteFactory(name="Brno Plant")
    lead = browser_as(users["it_lead"])
    lead.click("nav >> text=Directory groups")
    lead.wait_for_url("**/directory-groups/")

    lead.fill("#id_group", "sg-plant-brno-digital")
    with lead.expect_navigation():
        lead.click("main button:has-text('Add')")
    assert (
        "Map the group to a role, a site, or both."
        in lead.locator(".invalid-feedback").inner_text()
    )
    assert lead.input_value("#id_group") == "sg-plant-brno-digital"

    lead.select_option("#id_role", label="Business sponsor")
    lead.select_option("#id_site", label="Brno Plant")
    with lead.expect_navigation():
        lead.click("main button:has-text('Add')")
    row = lead.locator("#directory-mappings tbody tr").first.inner_text()
    assert "sg-plant-brno-digital" in row and "Business sponsor" in row and "Brno Plant" in row
    assert DirectoryGroupMapping.objects.get().site.name == "Brno Plant"

    with lead.expect_navigation():
        lead.click("#directory-mappings button[aria-label^='Remove']")
    assert "No mappings" in lead.locator("#directory-mappings").inner_text()
    assert not DirectoryGroupMapping.objects.exists()

    sponsor = browser_as(users["sponsor"])
    assert sponsor.locator("nav >> text=Directory groups").count() == 0
