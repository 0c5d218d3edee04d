"""A business sponsor registers an initiative in a real browser: save, resume, submit."""

import pytest

from initiatives.models import Initiative, Status
from tests import factories
from tests.e2e.flows import answer_risk_stack_and_support, choose_person


@pytest.mark.django_db(transaction=True)
def test_sponsor_creates_resumes_and_submits_an_initiative(page, live_server, login, screenshot):
    users = factories.role_users()
    factories.SiteFactory(name="Augsburg Plant")
    factories.BusinessUnitFactory(name="Quality")
    login(users["sponsor"])
    screenshot("sponsor-my-initiatives-empty")

    page.click("text=New initiative")
    page.fill("#id_title", "Visual inspection on Line 3")
    page.fill("#id_business_problem", "Manual inspection misses surface defects.")
    page.fill("#id_expected_value", "Halve defect escapes.")
    page.select_option("#id_site", label="Augsburg Plant")
    page.select_option("#id_business_unit", label="Quality")
    page.select_option("#id_phase", "design")
    screenshot("intake-step-1")
    page.click("button[name=save]")
    page.wait_for_url("**/edit/1/")
    initiative = Initiative.objects.get(title="Visual inspection on Line 3")

    # Leave and resume from "My initiatives".
    page.goto(f"{live_server.url}/initiatives/mine/")
    assert page.locator("text=answers missing").count() == 1
    page.click("text=Resume")
    page.click("text=Decision ownership")

    # The people picker searches names: someone who is not a portal user is not offered.
    page.fill("#id_decision_owner-search", "nobody.here")
    page.wait_for_selector("#id_decision_owner-listbox:has-text('No one found')")
    page.keyboard.press("Escape")
    page.fill("#id_output_actors", "Line operators")
    choose_person(page, "id_decision_owner", users["sponsor"])
    choose_person(page, "id_accountable_person", users["sponsor"])
    screenshot("intake-step-2-pickers")
    page.fill("#id_override_authority", "Shift supervisor")
    page.click("button[name=continue]")
    page.wait_for_url("**/edit/3/")

    answer_risk_stack_and_support(
        page, data="Line 3 camera images", system="Opcenter MES", vendor="Cognex"
    )
    page.wait_for_url(f"**/initiatives/{initiative.pk}/")
    assert "Everything IT needs is here" in page.content()
    screenshot("initiative-ready-to-submit")

    page.click("text=Submit for IT partnership")
    page.wait_for_load_state("networkidle")
    assert "Submitted to IT" in page.content()
    screenshot("initiative-submitted")
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
    assert initiative.phase_at_it_involvement == "design"
    assert initiative.vendors.get().name == "Cognex"
