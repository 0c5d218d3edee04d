"""The error pages (core.handlers, templates/40x.html, 500.html, 503.html, 403_csrf.html): with
DEBUG off, each answers inside the portal's layout — its stylesheet, its navigation, a
heading, a way back — and the 500 page renders without the database."""

import pytest
from django.db import connections
from django.test import Client, RequestFactory

from core.handlers import server_error
from tests import factories
from tests.core.test_handlers import database_down  # noqa: F401  (a fixture)

LAYOUT = ('href="/static/css/portal.css"', 'class="skip-link"', 'id="main"', 'href="/"')


def assert_in_layout(response, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    for part in LAYOUT:
        assert part in html, part
    assert '<nav class="navbar' in html
    assert heading in html
    assert 'data-testid="home"' in html
    return html


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def test_404_is_a_page_of_the_portal_with_its_navigation(client, users):
    client.force_login(users["sponsor"])
    html = assert_in_layout(
        client.get("/initiatives/999999/", HTTP_REFERER="http://testserver/initiatives/mine/"),
        404,
        "This page does not exist",
    )
    # The signed-in person keeps the whole navigation and a way back to where they were.
    assert 'href="/initiatives/mine/"' in html and "My initiatives" in html
    assert 'data-testid="way-back"' in html


def test_404_for_someone_signed_out_still_has_the_portals_name(client):
    response = client.get("/static/nothing-here.css")
    assert_in_layout(response, 404, "This page does not exist")


def test_a_way_back_never_leads_off_the_portal(client, users):
    client.force_login(users["sponsor"])
    html = client.get("/initiatives/999999/", HTTP_REFERER="https://evil.example/").content
    assert b"evil.example" not in html and b'data-testid="way-back"' not in html


def test_403_shows_the_reason_inside_the_layout(client, users):
    """A bookmarked edit link after submission: the reason, the navigation, a way back."""
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    client.force_login(users["sponsor"])
    response = client.get(
        f"/initiatives/{initiative.pk}/edit/1/",
        HTTP_REFERER=f"http://testserver/initiatives/{initiative.pk}/",
    )
    html = assert_in_layout(response, 403, "You cannot open this page")
    assert "Only the sponsor and co-sponsors edit, and only drafts." in html
    assert "My initiatives" in html
    assert f'href="http://testserver/initiatives/{initiative.pk}/"' in html


def test_403_under_the_api_stays_json(client, users):
    from core.handlers import permission_denied

    response = permission_denied(RequestFactory().get("/api/initiatives/"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_a_refused_form_token_is_a_page_with_a_way_back(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["sponsor"])
    response = client.post(
        "/initiatives/new/", {"title": "x"}, HTTP_REFERER="http://testserver/initiatives/mine/"
    )
    html = assert_in_layout(response, 403, "This form could not be sent")
    assert "Nothing was saved" in html
    assert 'href="http://testserver/initiatives/mine/"' in html


def test_a_refused_form_token_at_sign_in_has_the_portals_name():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert_in_layout(response, 403, "This form could not be sent")


def test_500_renders_without_the_database_or_context_processors():
    """No database access is allowed in this test: rendering must not need it."""
    request = RequestFactory().get("/initiatives/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    html = assert_in_layout(response, 500, "Something went wrong on our side")
    assert "has been logged" in html and "a bug" not in html


@pytest.mark.django_db(transaction=True)
def test_500_and_503_pages_with_the_database_down(database_down):  # noqa: F811
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    response = client.get("/initiatives/")
    html = assert_in_layout(response, 503, "Temporarily unavailable")
    assert database_down not in html
    assert connections["default"].connection is None


@pytest.mark.urls("tests.core.crash_urls")
def test_a_crashing_page_answers_the_styled_500(client, users):
    """A bug inside a view, end to end through Django's handler with DEBUG off."""
    client.raise_request_exception = False
    client.force_login(users["sponsor"])
    response = client.get("/crash/")
    html = assert_in_layout(response, 500, "Something went wrong on our side")
    assert "a bug" not in html
