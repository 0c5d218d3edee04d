"""The browser's long lists count up to LIST_COUNT_CAP (core.paging.capped_page, issue 19):
the count stops at the cap, pages past it are still reached, the last page knows the exact
count, a page past the end is counted once and shows the last page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.paging import capped_page
from governance.notifications.models import Notification
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(users):
    for n in range(7):
        factories.submitted_initiative(sponsor=users["sponsor"], title=f"Line {n}")
    return Initiative.objects.filter(title__startswith="Line ").order_by("pk")


def test_under_the_cap_the_page_is_django_s(seven, settings):
    settings.LIST_COUNT_CAP = 10
    page = capped_page(seven, 2, "2")
    assert (page.paginator.count, page.paginator.capped, page.paginator.num_pages) == (7, False, 4)
    assert [i.title for i in page] == ["Line 2", "Line 3"]


def test_above_the_cap_the_count_reads_no_more_than_the_cap(seven, settings):
    settings.LIST_COUNT_CAP = 3
    with CaptureQueriesContext(connection) as queries:
        page = capped_page(seven, 2, "1")
        titles = [i.title for i in page]
    assert titles == ["Line 0", "Line 1"]
    assert (page.paginator.count, page.paginator.capped, page.has_next()) == (3, True, True)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 4" in counts[0], counts


def test_every_page_is_reached_and_the_last_one_counts_exactly(seven, settings):
    settings.LIST_COUNT_CAP = 3
    seen, number, pages = [], "1", []
    while True:
        page = capped_page(seven, 2, number)
        seen += [i.title for i in page]
        pages.append((page.number, page.paginator.count, page.paginator.capped))
        if not page.has_next():
            break
        number = str(page.next_page_number())
    assert seen == [f"Line {n}" for n in range(7)]
    assert pages == [(1, 3, True), (2, 3, True), (3, 3, True), (4, 7, False)]
    assert page.paginator.num_pages == 4 and page.has_previous()


@pytest.mark.parametrize("number", ["99", "x", "-1", ""])
def test_a_page_past_the_end_or_not_a_number_is_forgiven(seven, settings, number):
    settings.LIST_COUNT_CAP = 3
    page = capped_page(seven, 2, number)
    expected = 1 if number in ("x", "") else 4  # as Django: not a number is the first
    assert page.number == expected
    if expected == 4:  # counted once, exactly
        assert (page.paginator.count, page.paginator.capped) == (7, False)
        assert [i.title for i in page] == ["Line 6"]


def test_the_portfolio_and_notification_pages_say_more_than(
    client, users, seven, settings, monkeypatch
):
    settings.LIST_COUNT_CAP = 3
    from initiatives import views

    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 2)
    client.force_login(users["it_lead"])
    body = client.get("/initiatives/").content.decode()
    assert "Page 1 · more than 3 in all" in body
    for n in range(30):
        Notification.objects.create(user=users["sponsor"], text=f"Note {n}")
    client.force_login(users["sponsor"])
    body = client.get("/notifications/").content.decode()
    assert "Page 1 · more than 3 in all" in body
    last = client.get("/notifications/", {"page": "2"}).content.decode()
    assert "Page 2 of 2 · 30 in all" in last


def test_german_pages_say_more_than_in_german(client, users, seven, settings, monkeypatch):
    settings.LIST_COUNT_CAP = 3
    from initiatives import views

    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 2)
    client.force_login(users["it_lead"])
    body = client.get("/initiatives/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Seite 1 · mehr als 3 insgesamt" in body
