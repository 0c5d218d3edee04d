"""The whole partnership in a real browser, one window per person: the sponsor registers and
submits an initiative, the IT lead assigns a reviewer, the reviewer scores a concern and raises
a design input, the sponsor incorporates it, IT confirms, and the executive's dashboard shows
the change. Screenshots of each key page land in test-artifacts/journey-*.png."""

import pytest

from initiatives.models import Initiative, Status
from reviews.models import ConcernArea, ConcernAssessment, DesignInput, DesignInputStatus
from tests import factories
from tests.e2e.flows import answer_risk_stack_and_support, choose_person

TITLE = "Visual inspection of cast housings"


def bar_value(page, chart: str, key: str) -> str:
    return page.locator(f"#{chart} a[data-key='{key}'] text.bar-value").text_content().strip()


def register_and_submit(window, live_server, owner: str) -> None:
    """The sponsor answers all six steps and submits, in the browser."""
    window.goto(f"{live_server.url}/initiatives/new/")
    window.fill("#id_title", TITLE)
    window.fill("#id_business_problem", "Porosity in cast housings is found only at assembly.")
    window.fill("#id_expected_value", "Scrap down 30 %, no more line stops at assembly.")
    window.select_option("#id_site", label="Brno Plant")
    window.select_option("#id_business_unit", label="Quality")
    window.select_option("#id_phase", "idea")
    window.click("button[name=continue]")
    window.wait_for_url("**/edit/2/")
    choose_person(window, "id_decision_owner", owner)
    window.fill("#id_output_actors", "Foundry quality inspectors")
    choose_person(window, "id_accountable_person", owner)
    window.fill("#id_override_authority", "Shift supervisor releases parts manually")
    window.click("button[name=continue]")
    window.wait_for_url("**/edit/3/")
    answer_risk_stack_and_support(
        window, data="X-ray images of housings", system="Opcenter MES Brno", vendor="Cognex"
    )
    window.click("text=Submit for IT partnership")
    window.wait_for_load_state("networkidle")
    assert "Submitted to IT" in window.content()


@pytest.mark.django_db(transaction=True)
def test_sponsor_it_and_executive_work_one_initiative_together(browser_as, live_server):
    users = factories.role_users()
    factories.SiteFactory(name="Brno Plant")
    factories.BusinessUnitFactory(name="Quality")
    sponsor, lead, reviewer = users["sponsor"], users["it_lead"], users["reviewer"]

    executive = browser_as(users["executive"])
    assert executive.url.endswith("/governance/dashboard/")
    assert bar_value(executive, "chart-escalations", "incorporated") == "0"
    assert "– involved IT early" in executive.locator("#chart-early text.headline").text_content()

    # 1. The sponsor registers the idea early and submits it.
    sponsor_window = browser_as(sponsor)
    register_and_submit(sponsor_window, live_server, owner=sponsor.username)
    initiative = Initiative.objects.get(title=TITLE)
    assert initiative.status == Status.SUBMITTED
    sponsor_window.screenshot(path=str(_path("sponsor-submitted")), full_page=True)

    # 2. The IT lead finds it in the queue and assigns a reviewer.
    lead_window = browser_as(lead)
    assert lead_window.url.endswith("/reviews/")
    lead_window.click(f"text={TITLE}")
    lead_window.click("#tab-review")  # the initiative page opens on its overview
    choose_person(lead_window, "assign-reviewer", reviewer)
    lead_window.click("form[action$='/assign/'] button[type=submit]")
    lead_window.wait_for_load_state("networkidle")
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_REVIEW
    lead_window.screenshot(path=str(_path("lead-assigned")), full_page=True)

    # 3. The reviewer scores security and raises a design input owned by the sponsor.
    reviewer_window = browser_as(reviewer)
    reviewer_window.goto(f"{live_server.url}{initiative.get_absolute_url()}#assessments")
    reviewer_window.click("#assessments >> text=Security & data exposure")
    reviewer_window.select_option("#id_score", "4")
    reviewer_window.select_option("#id_status", "in_progress")
    reviewer_window.fill("#id_rationale", "Images are confidential; processing location unclear.")
    reviewer_window.click("button:has-text('Save assessment')")
    reviewer_window.wait_for_load_state("networkidle")
    security = ConcernAssessment.objects.get(initiative=initiative, area="security")
    assert security.score == 4
    reviewer_window.goto(f"{live_server.url}{initiative.get_absolute_url()}#design-inputs")
    reviewer_window.click("text=Raise a design input")
    reviewer_window.select_option("#id_area", "security")
    reviewer_window.select_option("#id_severity", "high")
    reviewer_window.fill("#id_title", "Data residency: X-ray images stay in the plant network")
    reviewer_window.fill("#id_description", "The vendor's cloud inference would move images out.")
    reviewer_window.fill("#id_proposed_solution", "Edge inference on a plant server.")
    choose_person(reviewer_window, "id_owner", sponsor)
    reviewer_window.click("button:has-text('Save')")
    reviewer_window.wait_for_url("**/design-inputs/*/")
    finding = DesignInput.objects.get(initiative=initiative)
    assert finding.severity == "high" and finding.owner == sponsor
    reviewer_window.screenshot(path=str(_path("reviewer-design-input")), full_page=True)

    # 4. The sponsor incorporates it into the design, saying what changed.
    sponsor_window.goto(f"{live_server.url}/reviews/design-inputs/{finding.pk}/")
    sponsor_window.click("button.accordion-button:has-text('Mark incorporated')")
    sponsor_window.fill("#text-incorporate", "Inference moved to an edge server in Brno.")
    sponsor_window.click("#t-incorporate button[type=submit]")
    sponsor_window.wait_for_load_state("networkidle")
    finding.refresh_from_db()
    assert finding.status == DesignInputStatus.INCORPORATED

    # 5. IT confirms the change; nothing high-severity blocks any more.
    reviewer_window.goto(f"{live_server.url}/reviews/design-inputs/{finding.pk}/")
    reviewer_window.click("button.accordion-button:has-text('Confirm incorporation')")
    reviewer_window.click("#t-confirm button[type=submit]")
    reviewer_window.wait_for_load_state("networkidle")
    finding.refresh_from_db()
    assert finding.confirmed_by == reviewer

    # 6. The executive's dashboard shows the partnership at work.
    executive.reload()
    assert bar_value(executive, "chart-escalations", "incorporated") == "1"
    assert "100% involved IT early" in (
        executive.locator("#chart-early text.headline").text_content()
    )
    assert executive.locator(f"#chart-heatmap a.cell[data-row='{initiative.pk}']").count() == len(
        ConcernArea
    )
    executive.screenshot(path=str(_path("executive-dashboard")), full_page=True)


def _path(name: str):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"journey-{name}.png"
