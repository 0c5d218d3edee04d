"""Login hardening: django-axes throttles failed sign-ins per username and address; optional
company SSO through OpenID Connect appears only when it is configured."""

import importlib
from urllib.parse import parse_qs, urlparse

import environ
import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import clear_url_caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from harmony_portal.sso import oidc_settings, roles_from_claims

OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "harmony-portal",
    "OIDC_RP_CLIENT_SECRET": "s3cret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.com/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.com/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.com/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.com/jwks",
}


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def sign_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_repeated_failures_lock_the_username_from_that_address(client, users, limit):
    for _ in range(limit - 1):
        response = sign_in(client, "reviewer", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = sign_in(client, "reviewer", "wrong")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Sign-in temporarily locked" in body and "Try again in 15 minutes" in body
    # Locked: even the right password is refused during the cool-off.
    response = sign_in(client, "reviewer", "pw")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_username(client, users, limit):
    for _ in range(limit):
        sign_in(client, "reviewer", "wrong")
    response = sign_in(client, "sponsor", "pw")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users["sponsor"].pk)


@pytest.mark.django_db
def test_successful_sign_in_resets_the_failure_count(client, users, limit):
    for _ in range(limit - 1):
        sign_in(client, "reviewer", "wrong")
    assert sign_in(client, "reviewer", "pw").status_code == 302
    assert not AccessAttempt.objects.filter(username="reviewer").exists()
    client.logout()
    for _ in range(limit - 1):
        assert sign_in(client, "reviewer", "wrong").status_code == 200
    assert sign_in(client, "reviewer", "pw").status_code == 302


@pytest.mark.django_db
def test_api_token_endpoint_is_throttled_too(users, limit, settings):
    api = APIClient()
    for _ in range(limit - 1):
        wrong = api.post("/api/token/", {"username": "reviewer", "password": "wrong"})
        assert wrong.status_code == 400 and "Retry-After" not in wrong
    # The failure that reaches the limit, and every try after it, even with the right password.
    for password in ("wrong", "pw"):
        locked = api.post("/api/token/", {"username": "reviewer", "password": password})
        assert locked.status_code == 429
        assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        assert locked.json() == {
            "detail": "Too many failed sign-ins for this username from your address. Try "
            "again in 15 minutes, or ask IT to unlock it.",
            "code": "locked_out",
        }
    assert not Token.objects.filter(user=users["reviewer"]).exists()
    other = api.post("/api/token/", {"username": "sponsor", "password": "pw"})
    assert other.status_code == 200 and other.json()["token"]


@pytest.mark.django_db
def test_force_login_and_token_auth_still_work_with_axes(client, users):
    client.force_login(users["reviewer"])
    assert client.get("/initiatives/").status_code == 200
    api = APIClient()
    token = api.post("/api/token/", {"username": "sponsor", "password": "pw"}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/initiatives/").status_code == 200


# --- SSO -----------------------------------------------------------------------------------


def test_sso_is_off_without_environment(monkeypatch, settings):
    for name in OIDC_ENV:
        monkeypatch.delenv(name, raising=False)
    assert oidc_settings(environ.Env()) == {"OIDC_ENABLED": False}
    assert not settings.OIDC_ENABLED
    assert not any("oidc" in b.lower() for b in settings.AUTHENTICATION_BACKENDS)


def test_sso_needs_every_endpoint(monkeypatch):
    for name, value in OIDC_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OIDC_OP_TOKEN_ENDPOINT")
    assert oidc_settings(environ.Env())["OIDC_ENABLED"] is False


def test_sso_settings_come_from_environment(monkeypatch):
    for name, value in OIDC_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OIDC_GROUPS_CLAIM", "groups")
    values = oidc_settings(environ.Env())
    assert values["OIDC_ENABLED"] is True
    assert values["OIDC_RP_CLIENT_ID"] == "harmony-portal"
    assert values["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert values["OIDC_GROUPS_CLAIM"] == "groups"


def test_login_page_without_sso_has_no_sso_button(client):
    body = client.get("/login/").content.decode()
    assert "Sign in with" not in body
    assert "/oidc/" not in body


@pytest.fixture
def sso_on(settings, monkeypatch):
    """Settings as settings.py builds them with the OIDC environment, and the URLs reloaded."""
    for name, value in OIDC_ENV.items():
        monkeypatch.setenv(name, value)
    for name, value in oidc_settings(environ.Env()).items():
        setattr(settings, name, value)
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "harmony_portal.oidc_backend.PortalOIDCBackend",
    ]
    import harmony_portal.urls

    importlib.reload(harmony_portal.urls)
    clear_url_caches()
    yield settings
    settings.OIDC_ENABLED = False
    importlib.reload(harmony_portal.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_login_page_with_sso_shows_the_button_that_starts_the_flow(client, sso_on):
    body = client.get("/login/").content.decode()
    assert "Sign in with company SSO" in body
    assert 'href="/oidc/authenticate/"' in body
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    target = urlparse(response.url)
    assert (
        f"{target.scheme}://{target.netloc}{target.path}"
        == OIDC_ENV["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    )
    query = parse_qs(target.query)
    assert query["client_id"] == ["harmony-portal"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert query["state"] and query["nonce"]


def test_roles_from_claims_keeps_only_portal_roles():
    roles = ("IT reviewer", "Executive")
    assert roles_from_claims({"groups": ["IT reviewer", "Domain Users"]}, "groups", roles) == {
        "IT reviewer"
    }
    assert roles_from_claims({"groups": "Executive, x"}, "groups", roles) == {"Executive"}
    assert roles_from_claims({}, "groups", roles) == set()


@pytest.mark.django_db
def test_new_sso_user_gets_roles_from_the_groups_claim(sso_on):
    from harmony_portal.oidc_backend import PortalOIDCBackend

    backend = PortalOIDCBackend()
    claims = {
        "email": "nina@example.com",
        "preferred_username": "nina",
        "given_name": "Nina",
        "groups": ["IT reviewer", "Domain Users"],
    }
    user = backend.create_user(claims)
    assert user.username == "nina" and user.first_name == "Nina"
    assert set(user.groups.values_list("name", flat=True)) == {"IT reviewer"}
    # The identity provider moved her: roles follow at the next sign-in.
    backend.update_user(user, {**claims, "groups": ["Executive"]})
    assert set(user.groups.values_list("name", flat=True)) == {"Executive"}
    assert not Group.objects.filter(name="Domain Users").exists()


@pytest.mark.django_db
def test_new_sso_user_gets_no_role_without_a_groups_claim(sso_on):
    from harmony_portal.oidc_backend import PortalOIDCBackend

    sso_on.OIDC_GROUPS_CLAIM = ""
    user = PortalOIDCBackend().create_user(
        {"email": "nina@example.com", "preferred_username": "nina", "groups": ["Executive"]}
    )
    assert not user.groups.exists()
