"""The dashboard, the intake form and the review queue on a phone (390×844) and on a laptop
(1366×900): no sideways scrolling of the page, the heat map scrolls inside its card with the
initiative kept in view, the step list and the queue's filters come after the content.
Screenshots of both viewports land in test-artifacts/ (phone-*.png, desktop-*.png)."""

import pytest

from tests import factories
from tests.e2e.conftest import ARTIFACTS
from tests.governance.dashboard import dashboard_fixture

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def open_as(browser, live_server):
    """open_as(user, viewport) → a signed-in window of that size."""
    contexts = []

    def open_window(user, viewport):
        context = browser.new_context(viewport=viewport, locale="en-GB", is_mobile=False)
        contexts.append(context)
        window = context.new_page()
        window.set_default_timeout(15_000)
        window.goto(f"{live_server.url}/login/")
        window.fill("#id_username", user.username)
        window.fill("#id_password", "pw")
        window.click("button[type=submit]")
        window.wait_for_load_state("networkidle")
        return window

    yield open_window
    for context in contexts:
        context.close()


def no_sideways_scrolling(window) -> None:
    widths = window.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def shoot(window, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    window.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def top(window, selector: str) -> float:
    return window.locator(selector).first.bounding_box()["y"]


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_on_a_phone_and_a_laptop(open_as, live_server):
    users = factories.role_users()
    dashboard_fixture.build(users)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        window = open_as(users["executive"], viewport)
        assert window.url.endswith("/governance/dashboard/")
        no_sideways_scrolling(window)
        shoot(window, f"{name}-dashboard")
        table = window.locator("#chart-heatmap")
        first_column = table.locator("tbody th[scope=row]").first
        assert first_column.evaluate("th => getComputedStyle(th).position") == "sticky"
        # Readable: the numbers in the cells are at least 12 px, as on a laptop.
        size = table.locator("a.cell").first.evaluate(
            "a => parseFloat(getComputedStyle(a).fontSize)"
        )
        assert size >= 12
        if name == "phone":
            scroller = window.locator(".chart-scroll").first
            assert scroller.evaluate("s => s.scrollWidth > s.clientWidth")
            # Scrolled sideways, the initiative's name stays at the left edge of its card.
            before = first_column.bounding_box()["x"]
            scroller.evaluate("s => s.scrollBy(300, 0)")
            window.wait_for_timeout(100)
            assert abs(first_column.bounding_box()["x"] - before) <= 4
            assert window.locator("svg.hp-chart").first.bounding_box()["width"] <= 390


@pytest.mark.django_db(transaction=True)
def test_the_intake_form_on_a_phone_puts_the_steps_after_the_form(open_as, live_server):
    users = factories.role_users()
    initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Vision QA")
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        window = open_as(users["sponsor"], viewport)
        window.goto(f"{live_server.url}/initiatives/{initiative.pk}/edit/2/")
        no_sideways_scrolling(window)
        shoot(window, f"{name}-intake")
        steps = top(window, "nav[aria-label='Steps of the intake form']")
        form = top(window, "main form")
        if name == "phone":
            assert steps > form, "on a phone the step list follows the form"
        else:
            assert steps <= form + 1, "on a laptop the step list is beside the form"
        current = window.locator(".stepper [aria-current=step]")
        assert current.count() == 1 and "2" in current.inner_text()


@pytest.mark.django_db(transaction=True)
def test_the_review_queue_on_a_phone_folds_its_filters_below_the_list(open_as, live_server):
    users = factories.role_users()
    factories.submitted_initiative(sponsor=users["sponsor"], title="Vision QA")
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        window = open_as(users["it_lead"], viewport)
        window.goto(f"{live_server.url}/reviews/?tab=all")
        no_sideways_scrolling(window)
        assert "Vision QA" in window.locator("#queue").inner_text()
        filters = window.locator("#queue-filters")
        if name == "phone":
            assert not filters.is_visible()
            assert top(window, ".queue-filters") > top(window, "#queue")
            window.click(".queue-filters button[aria-controls=queue-filters]")
            filters.locator("#site").wait_for(state="visible")
            no_sideways_scrolling(window)
        else:
            assert filters.is_visible()
            assert top(window, "#queue-filters") < top(window, "#queue")
        shoot(window, f"{name}-queue")
