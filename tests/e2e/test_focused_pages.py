"""The initiative page and the scoring page in Chromium (issue 18): the sticky summary, the
sections as WAI-ARIA tabs (click, arrow keys, the address's #hash, a link into a hidden tab),
the tabs at 390×844 without sideways scrolling, and a reviewer going from concern to concern.
Screenshots: test-artifacts/focused-*.png."""

import pytest

from reviews.models import AssessmentStatus, ConcernArea, ConcernAssessment
from tests import factories
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.flows import choose_person

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
SECTIONS = ["overview", "answers", "review", "sessions-decisions", "discussion", "history"]


@pytest.fixture
def world():
    users = factories.role_users()
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    finding = factories.design_input(
        initiative=initiative, raised_by=users["reviewer"], title="Encrypt the images"
    )
    return users, initiative, finding


def shoot(window, name):
    ARTIFACTS.mkdir(exist_ok=True)
    window.screenshot(path=str(ARTIFACTS / f"focused-{name}.png"), full_page=True)


def shown(window):
    """The ids of the sections on screen."""
    return [s for s in SECTIONS if window.locator(f"#{s}").is_visible()]


def selected(window):
    return window.locator("[role=tab][aria-selected=true]").get_attribute("aria-controls")


def test_the_initiative_page_in_tabs(browser_as, live_server, world):
    users, initiative, finding = world
    window = browser_as(users["sponsor"])
    url = f"{live_server.url}{initiative.get_absolute_url()}"
    window.goto(url)

    # The summary: status, risk, readiness and what is hers to do; it stays on screen.
    bar = window.locator("#initiative-summary")
    assert "In IT partnership" in bar.inner_text()
    assert bar.locator(".badge-risk-on_track, .badge-risk-at_risk, .badge-risk-blocked").count()
    assert "0 of 7 concerns assessed" in bar.inner_text()
    assert "1 thing yours to do" in bar.inner_text()
    assert bar.evaluate("b => getComputedStyle(b).position") == "sticky"

    # Tabs: the overview first, the others hidden; the pattern's roles and states.
    tabs = window.locator("[role=tablist] [role=tab]")
    assert tabs.count() == len(SECTIONS)
    assert shown(window) == ["overview"] and selected(window) == "overview"
    assert window.locator("#yours-to-do").is_visible()
    assert window.locator("#overview").get_attribute("role") == "tabpanel"
    assert window.locator("#overview").get_attribute("aria-labelledby") == "tab-overview"
    shoot(window, "initiative-overview")

    # Scrolled down the long answers, the summary is still at the top of the window.
    window.goto(f"{url}#answers")
    window.evaluate("window.scrollTo(0, 800)")
    window.wait_for_timeout(200)
    assert window.evaluate("window.scrollY") > 300
    assert abs(bar.bounding_box()["y"]) < 2
    window.goto(url)

    # A click shows its panel, hides the others and keeps the tab in the address.
    window.click("#tab-review")
    assert shown(window) == ["review"]
    assert window.locator("#assessments").is_visible()
    assert window.url.endswith("#review")
    assert window.locator("#tab-review").get_attribute("aria-selected") == "true"
    assert window.locator("#tab-overview").get_attribute("tabindex") == "-1"
    shoot(window, "initiative-review")

    # Arrow keys move between the tabs (and wrap round), Home and End to the ends.
    window.locator("#tab-review").focus()
    window.keyboard.press("ArrowRight")
    assert selected(window) == "sessions-decisions" and shown(window) == ["sessions-decisions"]
    assert window.evaluate("document.activeElement.id") == "tab-sessions-decisions"
    window.keyboard.press("ArrowLeft")
    window.keyboard.press("ArrowLeft")
    assert selected(window) == "answers"
    window.keyboard.press("End")
    assert selected(window) == "history"
    window.keyboard.press("ArrowRight")
    assert selected(window) == "overview"
    window.keyboard.press("Home")
    assert selected(window) == "overview" and window.url.endswith("#overview")

    # Reloading keeps the tab; a link to an element inside a tab opens that tab.
    window.goto(f"{url}#discussion")
    assert shown(window) == ["discussion"]
    window.reload()
    assert shown(window) == ["discussion"]
    window.goto(f"{url}#di-{finding.pk}")
    assert shown(window) == ["review"]
    assert window.locator(f"#di-{finding.pk}").is_visible()
    window.goto(f"{url}#thread")
    assert shown(window) == ["discussion"] and window.locator("#thread").is_visible()
    # A link on the page into another tab: the summary's "yours to do".
    window.click("#summary-yours")
    assert shown(window) == ["overview"] and window.locator("#yours-to-do").is_visible()


def test_without_javascript_every_section_follows_the_other(browser, live_server, world):
    users, initiative, _ = world
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    window = context.new_page()
    window.goto(f"{live_server.url}/login/")
    window.fill("#id_username", users["sponsor"].username)
    window.fill("#id_password", "pw")
    window.click("button[type=submit]")
    window.goto(f"{live_server.url}{initiative.get_absolute_url()}")
    assert shown(window) == SECTIONS
    assert window.locator("[role=tab]").count() == 0
    window.click("nav[data-tabs] a[href='#discussion']")  # the table of contents: anchors
    assert window.url.endswith("#discussion")
    context.close()


def test_the_tabs_fit_a_phone(browser, live_server, world):
    users, initiative, _ = world
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    window = context.new_page()
    window.goto(f"{live_server.url}/login/")
    window.fill("#id_username", users["reviewer"].username)
    window.fill("#id_password", "pw")
    window.click("button[type=submit]")
    window.goto(f"{live_server.url}{initiative.get_absolute_url()}#review")
    widths = window.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
    for tab in window.locator("[role=tab]").all():
        box = tab.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # The summary stays a small part of the screen.
    assert window.locator("#initiative-summary").bounding_box()["height"] < PHONE["height"] / 4
    window.evaluate("window.scrollTo(0, 0)")
    shoot(window, "phone-initiative-review")
    context.close()


def test_the_reviewer_goes_from_concern_to_concern(browser_as, live_server, world):
    users, initiative, _ = world
    order = list(ConcernArea.values)
    ConcernAssessment.objects.filter(initiative=initiative, area=order[1]).update(
        status=AssessmentStatus.SATISFIED, score=2
    )
    first = ConcernAssessment.objects.get(initiative=initiative, area=order[0])
    window = browser_as(users["reviewer"])
    window.goto(f"{live_server.url}/reviews/assessments/{first.pk}/")
    answers = window.locator("#sponsor-answers")
    assert "Camera images" in answers.inner_text()  # security: the data it accesses
    shoot(window, "scoring-security")
    architecture = ConcernAssessment.objects.get(initiative=initiative, area=order[2])
    window.click("#next-concern")  # ownership is satisfied: on to architecture
    window.wait_for_url(f"**/reviews/assessments/{architecture.pk}/")
    assert "Architecture & integration" in window.locator("h1").inner_text()
    assert "Opcenter MES" in window.locator("#sponsor-answers").inner_text()
    # Score it and go on in one step.
    window.select_option("#id_score", "2")
    window.select_option("#id_status", "satisfied")
    window.fill("#id_rationale", "Standard MES interface")
    governance = ConcernAssessment.objects.get(initiative=initiative, area=order[3])
    window.click("#save-and-next")
    window.wait_for_url(f"**/reviews/assessments/{governance.pk}/")
    assert "Governance" in window.locator("h1").inner_text()
    assert ConcernAssessment.objects.get(initiative=initiative, area=order[2]).score == 2
    # Back to the initiative opens its review tab on the assessments.
    window.click("#back-to-initiative")
    window.wait_for_url("**#assessments")
    assert window.locator("#assessments").is_visible()
    assert not window.locator("#overview").is_visible()


def test_after_a_form_in_a_tab_the_page_comes_back_on_that_tab(browser_as, live_server, world):
    users, initiative, _ = world
    window = browser_as(users["it_lead"])
    window.goto(f"{live_server.url}{initiative.get_absolute_url()}")
    window.click("#tab-review")
    choose_person(window, "assign-reviewer", users["other_reviewer"])
    window.click("#reviewers button[type=submit]:has-text('Assign')")
    window.wait_for_load_state("networkidle")
    # The server sends her back to the page without a #hash: she is still on Review.
    assert shown(window) == ["review"]
    assert "other_reviewer" in window.locator("#reviewers").inner_text() or (
        users["other_reviewer"].get_full_name() in window.locator("#reviewers").inner_text()
    )
    # Opened afresh from elsewhere, the page starts on the overview.
    window.goto(f"{live_server.url}/my-work/")
    window.goto(f"{live_server.url}{initiative.get_absolute_url()}")
    assert shown(window) == ["overview"]
