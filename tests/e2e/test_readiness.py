"""Ready for build in a real browser: the IT lead sees the checklist with the reasons and a
disabled button; the IT lead rules a concern out, the named decision owner confirms the role
in her own window, and the button is enabled once the last condition holds. Screenshots land
in test-artifacts/readiness-*.png."""

import pytest

from initiatives.models import Initiative, Status
from reviews.models import ConcernAssessment
from tests import factories
from tests.e2e.conftest import ARTIFACTS


@pytest.mark.django_db(transaction=True)
def test_the_button_is_disabled_with_its_reasons_until_the_last_condition_holds(
    browser_as, live_server
):
    users = factories.role_users()
    owner = factories.UserFactory(username="owner", first_name="Olga", last_name="Owner")
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        owner=owner,
        roles_acknowledged=False,
        title="Cast housing inspection",
    )
    factories.satisfied_assessments(initiative)
    ConcernAssessment.objects.filter(initiative=initiative, area="vendor").update(
        status="not_started", score=None
    )
    vendor = ConcernAssessment.objects.get(initiative=initiative, area="vendor")

    lead = browser_as(users["it_lead"])
    lead.goto(f"{live_server.url}{initiative.get_absolute_url()}#ready-for-build")
    button = lead.locator("#mark-ready")
    assert button.is_disabled()
    open_items = lead.locator("#ready-checklist li[data-met='no']")
    assert open_items.count() == 2
    reasons = lead.locator("#ready-checklist .blockers").all_text_contents()
    text = " ".join(reasons)
    assert "Vendor lock-in & survivability: not started" in text
    assert "decision owner has not confirmed the role yet" in text
    assert "accountable person has not confirmed the role yet" in text
    ARTIFACTS.mkdir(exist_ok=True)
    lead.screenshot(path=str(ARTIFACTS / "readiness-blocked.png"), full_page=True)

    # The IT lead follows the link of the concern and rules it out, with a reason.
    lead.click("#ready-checklist a:has-text('Vendor lock-in')")
    lead.wait_for_url(f"**/reviews/assessments/{vendor.pk}/")
    lead.fill("#not-applicable-reason", "Built in-house on the plant platform: no vendor.")
    lead.click("#mark-not-applicable")
    lead.wait_for_load_state("networkidle")
    assert "marked not applicable" in lead.content()
    lead.goto(f"{live_server.url}{initiative.get_absolute_url()}#ready-for-build")
    assert lead.locator("[data-not-applicable='vendor']").is_visible()
    assert lead.locator("#ready-checklist li[data-met='no']").count() == 1
    assert lead.locator("#mark-ready").is_disabled()

    # The named person confirms both roles in one click each, in her own window.
    named = browser_as(owner)
    named.goto(f"{live_server.url}{initiative.get_absolute_url()}")
    named.click("#acknowledge-decision_owner")
    named.wait_for_load_state("networkidle")
    lead.reload()
    assert lead.locator("#mark-ready").is_disabled()  # one role still to confirm
    named.click("#acknowledge-accountable")
    named.wait_for_load_state("networkidle")
    assert named.locator("[data-acknowledgement='accountable'][data-status='acknowledged']").count()

    lead.reload()
    assert lead.locator("#ready-checklist li[data-met='no']").count() == 0
    assert lead.locator("#mark-ready").is_enabled()
    lead.screenshot(path=str(ARTIFACTS / "readiness-all-met.png"), full_page=True)
    lead.click("#mark-ready")
    lead.wait_for_load_state("networkidle")
    assert "Now ready for build" in lead.content()
    assert Initiative.objects.get(pk=initiative.pk).status == Status.READY_FOR_BUILD
