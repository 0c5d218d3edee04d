"""Lists a page at a time in Chromium (issue 19): a sponsor with more initiatives than a page
of *My initiatives* goes to page 2 and back; the navigation's *My work* count stays the
number of items of the whole list."""

import pytest

from governance.work.selectors import work_of
from initiatives import views
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_sponsor_pages_through_my_initiatives(login, live_server, monkeypatch, screenshot):
    monkeypatch.setattr(views, "MY_INITIATIVES_PAGE_SIZE", 2)
    users = factories.role_users()
    sponsor = users["sponsor"]
    drafts = [factories.draft_initiative(sponsor=sponsor, title=f"Idea {n}") for n in range(3)]
    shared = factories.draft_initiative(
        sponsor=users["other_sponsor"], title="Shared idea", co_sponsors=[sponsor]
    )
    reviewed = factories.in_review_initiative(
        sponsor=sponsor, it_lead=users["it_lead"], reviewer=users["reviewer"], title="Reviewed"
    )
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], title="Encrypt")
    mine = {i.title for i in [*drafts, shared, reviewed]}

    page = login(sponsor)
    page.goto(f"{live_server.url}/initiatives/mine/")
    rows = page.locator("tbody tr a.fw-medium.text-decoration-none")

    def titles() -> set[str]:
        return {t.split(" · ", 1)[1] for t in rows.all_inner_texts()}

    first = titles()
    assert len(first) == 2
    assert page.locator(".pagination").inner_text().count("Page 1 of 3 · 5 in all") == 1
    page.get_by_role("link", name="Next").click()
    page.wait_for_load_state("networkidle")
    assert "page=2" in page.url
    second = titles()
    assert len(second) == 2 and not first & second
    screenshot("paging-my-initiatives-page-2")
    page.get_by_role("link", name="Next").click()
    page.wait_for_load_state("networkidle")
    third = titles()
    assert first | second | third == mine
    assert page.get_by_role("link", name="Next").count() == 0
    # The navigation counts the whole of *My work*, whichever page is shown.
    count = page.locator("#my-work-count").inner_text()
    assert count == str(len(work_of(sponsor))) != "0"
    page.get_by_role("link", name="Previous").click()
    page.wait_for_load_state("networkidle")
    assert titles() == second


@pytest.mark.django_db(transaction=True)
def test_the_cached_my_work_count_shows_an_assignment_made_in_another_window(
    browser_as, live_server, work_cache
):
    """*My work*'s count is cached per user (WORK_CACHE_SECONDS as deployed); the IT lead
    assigning the reviewer in their own window changes the reviewer's next page at once."""
    from tests.e2e.flows import choose_person

    users = factories.role_users()
    lead, reviewer = users["it_lead"], users["reviewer"]
    factories.in_review_initiative(sponsor=users["sponsor"], it_lead=lead, reviewer=reviewer)
    waiting = factories.submitted_initiative(sponsor=users["sponsor"], title="Weld seams")
    reviewer_window = browser_as(reviewer)

    def badge() -> int:
        reviewer_window.goto(f"{live_server.url}/reviews/")
        return int(reviewer_window.locator("#my-work-count").inner_text())

    before = badge()
    assert badge() == before  # the second page reads it from the cache
    lead_window = browser_as(lead)
    lead_window.goto(f"{live_server.url}{waiting.get_absolute_url()}#reviewers")
    choose_person(lead_window, "assign-reviewer", reviewer)
    lead_window.click("form[action$='/assign/'] button[type=submit]")
    lead_window.wait_for_load_state("networkidle")
    assert badge() > before


def test_an_it_lead_pages_through_a_portfolio_larger_than_the_count_cap(
    login, live_server, monkeypatch, settings, screenshot
):
    """The portfolio list counts up to LIST_COUNT_CAP (issue 19): above it the pager says
    "more than …", *Next* still reaches every initiative once, and the last page knows the
    exact count; a page number past the end shows the last page."""
    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 2)
    settings.LIST_COUNT_CAP = 3
    users = factories.role_users()
    made = {
        factories.submitted_initiative(sponsor=users["sponsor"], title=f"Line {n}").title
        for n in range(7)
    }
    page = login(users["it_lead"])
    page.goto(f"{live_server.url}/initiatives/")
    pager = page.locator(".pagination")
    rows = page.locator("tbody tr a.fw-medium.text-decoration-none")
    seen, pagers = [], []
    while True:
        seen += [t.split(" · ", 1)[1] for t in rows.all_inner_texts()]
        pagers.append(pager.inner_text())
        following = page.get_by_role("link", name="Next")
        if not following.count():
            break
        following.click()
        page.wait_for_load_state("networkidle")
    assert sorted(seen) == sorted(made)  # every initiative, none twice
    assert ["more than 3 in all" in text for text in pagers] == [True, True, True, False]
    assert "Page 1 · more than 3 in all" in pagers[0]
    assert "Page 4 of 4 · 7 in all" in pagers[-1]
    screenshot("paging-portfolio-capped-last-page")
    page.goto(f"{live_server.url}/initiatives/?page=99")
    assert "Page 4 of 4 · 7 in all" in pager.inner_text()
