"""The anti-patterns caught when they happen, in a real browser: a vendor selected before IT
scored it needs a reason and shows as "selected before IT assessment" on the initiative and the
dashboard; an escalation first offers the partnership route (the concern on the next working
session's agenda), and escalating anyway records why and whether it was discussed."""

import pytest

from governance.decisions.models import Decision
from reviews.models import DesignInput
from tests import factories


@pytest.fixture
def people(transactional_db):
    users = factories.role_users()
    initiative = factories.submitted_initiative(sponsor=users["sponsor"], title="Weld seams")
    factories.satisfied_assessments(initiative)
    return users, initiative


@pytest.mark.django_db(transaction=True)
def test_a_vendor_it_has_not_scored_needs_a_reason_and_shows_on_the_dashboard(
    browser_as, live_server, people, screenshot
):
    users, initiative = people
    vendor = initiative.vendors.create(name="Landing AI", product="LandingLens")
    sponsor = browser_as(users["sponsor"])
    sponsor.goto(f"{live_server.url}{initiative.get_absolute_url()}#decisions")
    sponsor.click("#decisions >> text=Record decision")
    sponsor.wait_for_url("**/decisions/new/")
    sponsor.select_option("#id_kind", "vendor_selection")
    sponsor.fill("#id_summary", "Landing AI selected")
    sponsor.fill("#id_rationale", "Best demo on our weld images")
    sponsor.select_option("#id_vendor", str(vendor.pk))
    sponsor.get_by_role("button", name="Save").click()
    sponsor.wait_for_load_state("networkidle")
    error = sponsor.locator("#id_unscored_rationale ~ .invalid-feedback")
    assert "IT has not scored Landing AI yet" in error.inner_text()
    assert sponsor.input_value("#id_rationale") == "Best demo on our weld images"  # kept
    assert not Decision.objects.exists()

    sponsor.fill("#id_unscored_rationale", "The pilot slot at the line expires this month")
    sponsor.get_by_role("button", name="Save").click()
    sponsor.wait_for_url(f"**{initiative.get_absolute_url()}#decisions")
    badge = sponsor.locator("#decisions .selected-before-it")
    assert badge.inner_text().strip() == "selected before IT assessment"
    assert "The pilot slot at the line expires this month" in sponsor.inner_text("#decisions")
    screenshot("vendor-selected-before-it")

    executive = browser_as(users["executive"])
    executive.goto(f"{live_server.url}/governance/dashboard/")
    bar = executive.locator("#chart-vendor_before_it a.bar[data-key=selected]")
    assert bar.get_attribute("data-value") == "1"
    bar.click()
    executive.wait_for_load_state("networkidle")
    assert "vendor selected before IT assessment" in executive.content()
    rows = executive.locator("table tbody tr")
    assert rows.count() == 1 and "Weld seams" in rows.first.inner_text()


@pytest.mark.django_db(transaction=True)
def test_an_escalation_offers_the_partnership_route_first(
    browser_as, live_server, people, screenshot
):
    users, initiative = people
    factories.working_series(initiative=initiative, user=users["it_lead"])
    sponsor = browser_as(users["sponsor"])
    sponsor.goto(f"{live_server.url}{initiative.get_absolute_url()}#decisions")
    sponsor.click("#decisions >> text=Escalate")
    sponsor.wait_for_url("**/escalate/")
    route = sponsor.locator("#partnership-route")
    assert "the working session on" in route.inner_text()
    screenshot("escalation-partnership-route")

    # Escalating without saying whether it was discussed: the field says so, nothing saved.
    sponsor.fill("#escalate-anyway #id_summary", "Hosting of the weld images")
    sponsor.fill("#escalate-anyway #id_rationale", "We disagree on hosting")
    sponsor.click("button[name=escalate]")
    sponsor.wait_for_load_state("networkidle")
    assert "This field is required" in sponsor.inner_text("#escalate-anyway")
    assert sponsor.input_value("#escalate-anyway #id_rationale") == "We disagree on hosting"
    assert not Decision.objects.exists()

    # The partnership route instead: the concern goes on the next session's agenda.
    sponsor.select_option("#partnership-route #id_area", "security")
    sponsor.fill("#partnership-route #id_title", "Where are the weld images hosted?")
    sponsor.click("button[name=route]")
    sponsor.wait_for_load_state("networkidle")
    assert "it is on the agenda of the working session on" in sponsor.content()
    concern = DesignInput.objects.get(instead_of_escalation=True)
    assert concern.raised_by == users["sponsor"]
    session = initiative.working_sessions.filter(status="planned").order_by("starts_at").first()
    sponsor.goto(f"{live_server.url}/sessions/{session.pk}/")
    assert "Where are the weld images hosted?" in sponsor.content()

    # Escalating anyway later: the reason and "discussed in a session" are recorded.
    sponsor.goto(f"{live_server.url}/governance/initiatives/{initiative.pk}/escalate/")
    sponsor.fill("#escalate-anyway #id_summary", "Hosting of the weld images")
    sponsor.fill("#escalate-anyway #id_rationale", "Two sessions without agreement")
    sponsor.check("#escalate-anyway input[name=discussed_in_session][value=yes]")
    sponsor.click("button[name=escalate]")
    sponsor.wait_for_url(f"**{initiative.get_absolute_url()}#decisions")
    decision = Decision.objects.get(kind="escalation")
    assert (decision.partnership_offered, decision.discussed_in_session) == (True, "yes")
    assert "offered and declined" in sponsor.inner_text("#decisions .escalation-route")

    executive = browser_as(users["executive"])
    executive.goto(f"{live_server.url}/governance/dashboard/")
    chart = "#chart-partnership_route"
    assert executive.get_attribute(f"{chart} a.bar[data-key=taken]", "data-value") == "1"
    assert executive.get_attribute(f"{chart} a.bar[data-key=declined]", "data-value") == "1"
    executive.click(f"{chart} a.bar[data-key=taken]")
    executive.wait_for_load_state("networkidle")
    assert executive.locator("table tbody tr").count() == 1
    assert "Where are the weld images hosted?" in executive.content()
    screenshot("dashboard-partnership-route")
