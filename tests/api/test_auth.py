"""Authentication: the API token page, token-authenticated calls, `GET /api/me/`, and no data
for anonymous callers anywhere in the API (every operation of the schema, whatever app adds it).
"""

import re

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


# --- the token page -----------------------------------------------------------------------------


def test_token_page_needs_login(client):
    response = client.get("/api-token/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_navbar_links_to_the_token_page(client, users):
    client.force_login(users["norole"])
    assert 'href="/api-token/"' in client.get("/initiatives/").content.decode()


def test_create_show_once_regenerate_and_revoke(client, users):
    user = users["reviewer"]
    client.force_login(user)
    assert "You have no API token" in client.get("/api-token/").content.decode()

    response = client.post("/api-token/", {"action": "create"}, follow=True)
    key = Token.objects.get(user=user).key
    assert key in response.content.decode()
    # Shown once: a reload shows only its last characters.
    again = client.get("/api-token/").content.decode()
    assert key not in again and f"…{key[-4:]}" in again

    client.post("/api-token/", {"action": "regenerate"})
    new_key = Token.objects.get(user=user).key
    assert new_key != key
    api = client_with_token(key)
    assert api.get("/api/me/").status_code == 401
    assert client_with_token(new_key).get("/api/me/").status_code == 200

    client.post("/api-token/", {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()
    assert client_with_token(new_key).get("/api/me/").status_code == 401
    actions = list(
        AuditEvent.objects.filter(actor=user, action__startswith="api_token.").values_list(
            "action", flat=True
        )
    )
    assert actions == ["api_token.created", "api_token.regenerated", "api_token.revoked"]
    assert not AuditEvent.objects.filter(object_repr__contains=new_key).exists()


def test_token_page_refuses_other_methods(client, users):
    client.force_login(users["norole"])
    assert client.put("/api-token/").status_code == 405


def client_with_token(key: str):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# --- token calls and /api/me/ -------------------------------------------------------------------


def test_me_with_a_token(api_as, users):
    body = api_as("it_lead").get("/api/me/").json()
    assert body["username"] == "it_lead"
    assert body["roles"] == ["IT lead"]
    assert body["sees_whole_portfolio"] is True
    assert body["can_register_initiatives"] is False
    sponsor = api_as("sponsor").get("/api/me/").json()
    assert (sponsor["roles"], sponsor["sees_whole_portfolio"]) == (["Business sponsor"], False)
    assert sponsor["can_register_initiatives"] is True


def test_me_with_the_browser_session(client, users):
    client.force_login(users["executive"])
    assert client.get("/api/me/").json()["roles"] == ["Executive"]


def test_session_writes_need_csrf(users, world):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(users["sponsor"])
    response = client.post(f"/api/initiatives/{world['own_draft'].pk}/submit/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_wrong_token_and_inactive_user_are_401(api_as, users):
    assert client_with_token("0" * 40).get("/api/me/").status_code == 401
    client = api_as("sponsor")
    users["sponsor"].is_active = False
    users["sponsor"].save()
    response = client.get("/api/initiatives/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_obtain_token_with_username_and_password(api_client, users):
    response = api_client.post(
        "/api/token/", {"username": "sponsor", "password": "pw"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=users["sponsor"]).key
    bad = api_client.post("/api/token/", {"username": "sponsor", "password": "no"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


# --- anonymous: 401 everywhere, never data --------------------------------------------------


def all_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def concrete(path: str, pk: int) -> str:
    return re.sub(r"\{[^}]+\}", str(pk), path)


def test_every_operation_refuses_anonymous_callers(api_client, users, world):
    pk = world["confidential"].pk
    checked = 0
    for path, method, operation in all_operations():
        public = {} in operation.get("security", [])
        response = getattr(api_client, method)(concrete(path, pk), {}, format="json")
        if public:
            # Public by design (e.g. /api/token/): its own rules apply, but never a crash.
            assert response.status_code < 500, (method, path)
            continue
        assert response.status_code == 401, (method, path, response.status_code)
        assert set(response.json()) == {"detail", "code"}, (method, path)
        assert "Secret" not in response.content.decode()
        checked += 1
    assert checked >= 8


def test_schema_and_docs_need_a_user(api_client, client, users):
    assert api_client.get(reverse("api-schema")).status_code == 401
    for name in ("api-docs", "api-redoc"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith("/login/")
    assert (
        client_with_token(Token.objects.create(user=users["norole"]).key)
        .get(reverse("api-schema"))
        .status_code
        == 200
    )
