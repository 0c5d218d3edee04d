"""An error page in a real browser: a bookmarked edit link after submission answers the 403
page inside the portal's layout, and its way back works."""

import pytest

from tests import factories


@pytest.mark.django_db(transaction=True)
def test_a_bookmarked_edit_link_after_submission_has_a_way_back(
    page, login, live_server, screenshot
):
    users = factories.role_users()
    initiative = factories.submitted_initiative(sponsor=users["sponsor"], title="Vision QA")
    login(users["sponsor"])
    page.goto(f"{live_server.url}{initiative.get_absolute_url()}")
    # Opened from the initiative page (a bookmark sends no referrer: then only the start page).
    response = page.goto(f"{live_server.url}/initiatives/{initiative.pk}/edit/1/", referer=page.url)
    assert response.status == 403
    assert page.locator("h1").inner_text() == "You cannot open this page"
    assert "only drafts" in page.locator("[data-testid=error-page]").inner_text()
    # The navigation is there, and the stylesheet applied (the brand bar is coloured).
    assert page.locator("nav.navbar-hp a", has_text="My initiatives").is_visible()
    background = page.locator("nav.navbar-hp").evaluate("n => getComputedStyle(n).backgroundImage")
    assert "gradient" in background
    screenshot("error-403")
    page.click("[data-testid=way-back]")
    page.wait_for_load_state()
    assert page.url.endswith(initiative.get_absolute_url())
    assert "Vision QA" in page.locator("h1").inner_text()
