"""Overlap detection in a real browser: while the sponsor describes her idea, initiatives like
it appear (never a confidential one of another team); the executive's dashboard shows the
same work at two sites."""

import pytest

from initiatives import services
from initiatives.models import Initiative
from tests import factories

PROBLEM = "Predictive maintenance of hydraulic presses from vibration sensor data"


def existing(sponsor, title, site, **fields):
    initiative = factories.complete_initiative(sponsor=sponsor, **fields)
    Initiative.objects.filter(pk=initiative.pk).update(
        title=title, business_problem=PROBLEM, site=site
    )
    initiative.refresh_from_db()
    return services.submit_initiative(initiative=initiative, user=sponsor)


@pytest.mark.django_db(transaction=True)
def test_similar_initiatives_show_while_she_types_and_on_the_dashboard(browser_as, live_server):
    users = factories.role_users()
    augsburg = factories.SiteFactory(name="Augsburg Plant")
    brno = factories.SiteFactory(name="Brno Plant")
    factories.BusinessUnitFactory(name="Maintenance")
    public = existing(users["other_sponsor"], "Press vibration monitoring", brno)
    secret = existing(
        users["other_sponsor"], "Press vibration secret pilot", brno, confidential=True
    )

    sponsor = browser_as(users["sponsor"])
    sponsor.goto(f"{live_server.url}/initiatives/new/")
    assert sponsor.locator("#similar-empty").is_visible()
    sponsor.fill("#id_title", "Vibration-based press maintenance")
    sponsor.fill(
        "#id_business_problem", "Use vibration sensors on hydraulic presses to predict failures"
    )
    sponsor.locator(".similar-item").first.wait_for()
    listed = sponsor.locator("#similar-list").inner_text()
    assert public.title in listed and "similar problem" in listed
    assert secret.title not in listed
    sponsor.select_option("#id_site", label="Brno Plant")
    sponsor.locator(".similar-item", has_text="same site").first.wait_for()
    sponsor.screenshot(path="test-artifacts/intake-similar-initiatives.png", full_page=True)

    # Saved, the step lists them from the server too (no JavaScript needed).
    sponsor.select_option("#id_business_unit", label="Maintenance")
    sponsor.click("button[name=save]")
    sponsor.wait_for_url("**/edit/1/")
    assert public.title in sponsor.locator("#similar-list").inner_text()

    # The same work at two sites shows on the executive's dashboard.
    existing(users["sponsor"], "Hydraulic press vibration analytics", augsburg)
    executive = browser_as(users["executive"])
    executive.goto(f"{live_server.url}/governance/dashboard/")
    overlaps = executive.locator("#site-overlaps").inner_text()
    assert "Hydraulic press vibration analytics" in overlaps
    assert public.title in overlaps and secret.title in overlaps  # executives see every site
