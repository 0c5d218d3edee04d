"""Security headers on every page, and pages that the Content-Security-Policy does not break."""

import re

import pytest

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def assert_csp_safe(html: str) -> None:
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)


def test_login_page_sends_security_headers(client):
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "script-src 'self' 'unsafe" not in csp
    assert_csp_safe(response.content.decode())


@pytest.mark.django_db
def test_pages_of_the_portal_have_no_inline_script(client, users, complete_initiative):
    client.force_login(users["sponsor"])
    for url in (
        "/initiatives/",
        "/initiatives/mine/",
        "/initiatives/new/",
        complete_initiative.get_absolute_url(),
        f"/initiatives/{complete_initiative.pk}/edit/1/",
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response
        assert_csp_safe(response.content.decode())


@pytest.mark.django_db
def test_api_docs_may_start_blob_workers(client, users):
    client.force_login(users["reviewer"])
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "worker-src 'self' blob:" in response["Content-Security-Policy"]
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(response.content.decode())


@pytest.mark.django_db
def test_role_home_pages_have_no_inline_script(client, users, complete_initiative):
    """The review queue and the dashboard. A route that does not exist fails the test (it used
    to be skipped silently, so a renamed page lost its check)."""
    from django.urls import reverse

    pages = [("reviews:queue", "it_lead"), ("dashboard:dashboard", "executive")]
    for name, role in pages:
        url = reverse(name)
        client.force_login(users[role])
        response = client.get(url)
        assert response.status_code == 200, name
        assert_csp_safe(response.content.decode())
