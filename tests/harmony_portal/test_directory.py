"""Directory groups: the IT lead's mapping (page and API, with permissions and bad input), and
roles and sites following the groups claim at every single sign-on — tested through the real
OIDC code flow against a local identity provider: an RSA key made here, JWKS, token and
userinfo endpoints on a loopback HTTP server, ID tokens signed with that key."""

import importlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import environ
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.urls import clear_url_caches

from audit.models import AuditEvent
from harmony_portal import directory
from harmony_portal.models import DirectoryGroupMapping, PersonSite
from harmony_portal.sso import oidc_settings
from tests import factories

pytestmark = pytest.mark.django_db

CLIENT_ID = "harmony-portal"
IT_GROUP = "6f1c2e4a-entra-it-reviewers"  # an Entra ID group object id
AUGSBURG_GROUP = "GRP-Plant-Augsburg"


class LocalIdentityProvider:
    """A minimal OpenID provider on loopback: it signs the ID token the test asks for."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.signing_key = None  # a test may sign with another key than the JWKS serves
        self.claims: dict = {}
        self.requests: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body: dict):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                provider.requests.append(f"GET {self.path}")
                if self.path == "/jwks":
                    public = jwt.algorithms.RSAAlgorithm.to_jwk(
                        provider.key.public_key(), as_dict=True
                    )
                    self._json(
                        {"keys": [{**public, "kid": provider.kid, "alg": "RS256", "use": "sig"}]}
                    )
                elif self.path == "/userinfo":
                    assert self.headers["Authorization"] == "Bearer access-1"
                    # Like Entra ID: the groups are in the ID token, not in userinfo.
                    self._json({k: v for k, v in provider.claims.items() if k != "groups"})
                else:
                    self.send_error(404)

            def do_POST(self):
                provider.requests.append(f"POST {self.path}")
                length = int(self.headers["Content-Length"])
                form = parse_qs(self.rfile.read(length).decode())
                assert form["grant_type"] == ["authorization_code"]
                assert form["client_id"] == [CLIENT_ID] and form["code_verifier"]
                now = int(time.time())
                token = jwt.encode(
                    {
                        "iss": provider.url,
                        "aud": CLIENT_ID,
                        "iat": now,
                        "exp": now + 300,
                        **provider.claims,
                    },
                    provider.signing_key or provider.key,
                    algorithm="RS256",
                    headers={"kid": provider.kid},
                )
                self._json({"id_token": token, "access_token": "access-1", "token_type": "Bearer"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def idp(settings, monkeypatch):
    with LocalIdentityProvider() as provider:
        env = {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": "s3cret",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{provider.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{provider.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{provider.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{provider.url}/jwks",
            "OIDC_GROUPS_CLAIM": "groups",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        for name, value in oidc_settings(environ.Env()).items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "harmony_portal.oidc_backend.PortalOIDCBackend",
        ]
        import harmony_portal.urls

        importlib.reload(harmony_portal.urls)
        clear_url_caches()
        yield provider
        settings.OIDC_ENABLED = False
        importlib.reload(harmony_portal.urls)
        clear_url_caches()


def sign_in(idp, claims: dict) -> Client:
    """The browser's side of the code flow: start, come back with a code, be signed in."""
    client = Client()
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    query = parse_qs(urlparse(start.url).query)
    idp.claims = {**claims, "nonce": query["nonce"][0]}
    back = client.get("/oidc/callback/", {"code": "code-1", "state": query["state"][0]})
    assert back.status_code == 302 and "/login/" not in back.url, back.url
    return client


def roles(username):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    return set(user.groups.values_list("name", flat=True)), {
        s.site.name for s in PersonSite.objects.filter(user=user).select_related("site")
    }


NINA = {"sub": "nina-1", "email": "nina@example.com", "preferred_username": "nina"}


def test_roles_and_sites_follow_the_groups_at_each_sign_in(idp, users):
    augsburg = factories.SiteFactory(name="Augsburg Plant")
    directory.add_mapping(user=users["it_lead"], group=IT_GROUP, role="IT reviewer")
    directory.add_mapping(user=users["it_lead"], group=AUGSBURG_GROUP, site=augsburg)

    client = sign_in(idp, {**NINA, "groups": [IT_GROUP, AUGSBURG_GROUP, "Domain Users"]})
    assert roles("nina") == ({"IT reviewer"}, {"Augsburg Plant"})
    assert client.get("/api/me/").json()["roles"] == ["IT reviewer"]
    assert {"GET /jwks", "POST /token", "GET /userinfo"} <= set(idp.requests)
    event = AuditEvent.objects.get(action="account.directory_synced")
    assert event.changes == {"roles": [[], ["IT reviewer"]], "sites": [[], ["Augsburg Plant"]]}

    # Same groups again: nothing changes, nothing is recorded.
    sign_in(idp, {**NINA, "groups": [IT_GROUP, AUGSBURG_GROUP]})
    assert AuditEvent.objects.filter(action="account.directory_synced").count() == 1

    # She left the IT group in the directory: the role goes at her next sign-in, audited.
    sign_in(idp, {**NINA, "groups": [AUGSBURG_GROUP, "Executive"]})
    assert roles("nina") == ({"Executive"}, {"Augsburg Plant"})
    last = AuditEvent.objects.filter(action="account.directory_synced").order_by("-seq").first()
    assert last.changes == {"roles": [["IT reviewer"], ["Executive"]]}
    assert last.source == "sso"


@pytest.mark.parametrize("forgery", ["another key", "another nonce"])
def test_a_forged_token_signs_no_one_in(idp, users, forgery):
    directory.add_mapping(user=users["it_lead"], group=IT_GROUP, role="IT lead")
    client = Client(raise_request_exception=False)
    start = client.get("/oidc/authenticate/")
    query = parse_qs(urlparse(start.url).query)
    idp.claims = {**NINA, "nonce": query["nonce"][0], "groups": [IT_GROUP]}
    if forgery == "another key":
        idp.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        idp.claims["nonce"] = "replayed"
    response = client.get("/oidc/callback/", {"code": "code-1", "state": query["state"][0]})
    assert response.status_code == 400 or "/login/" in response.url
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="account.directory_synced").exists()


# ---- the mapping: page and API ------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["sponsor", "reviewer", "executive", "norole"])
def test_only_it_leads_configure_the_mapping(api_as, users, actor):
    client = Client()
    client.force_login(users[actor])
    assert client.get("/directory-groups/").status_code == 403
    assert client.post("/directory-groups/", {"group": "x", "role": "IT lead"}).status_code == 403
    assert api_as(actor).get("/api/directory-group-mappings/").status_code == 403
    response = api_as(actor).post(
        "/api/directory-group-mappings/", {"group": "x", "role": "IT lead"}, format="json"
    )
    assert response.status_code == 403
    assert not DirectoryGroupMapping.objects.exists()


def test_anonymous_is_refused(api_as):
    assert api_as("anonymous").get("/api/directory-group-mappings/").status_code == 401
    response = Client().get("/directory-groups/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_it_lead_adds_and_removes_a_mapping_in_the_browser(users):
    client = Client()
    client.force_login(users["it_lead"])
    response = client.post("/directory-groups/", {"group": IT_GROUP, "role": "IT reviewer"})
    assert response.status_code == 302
    mapping = DirectoryGroupMapping.objects.get()
    assert IT_GROUP in client.get("/directory-groups/").content.decode()
    bad = client.post("/directory-groups/", {"group": "Typed group", "role": "", "site": ""})
    assert "Map the group to a role, a site, or both." in bad.content.decode()
    assert "Typed group" in bad.content.decode()
    client.post(f"/directory-groups/{mapping.pk}/remove/")
    assert not DirectoryGroupMapping.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="directory_mapping").values_list(
            "action", flat=True
        )
    ) == ["directory_mapping.added", "directory_mapping.removed"]


def test_the_api_adds_lists_and_removes(api_as, users):
    site = factories.SiteFactory(name="Brno Plant")
    client = api_as("it_lead")
    created = client.post(
        "/api/directory-group-mappings/", {"group": "GRP-Brno", "site": site.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    assert client.get("/api/directory-group-mappings/").json()["results"][0]["group"] == "GRP-Brno"
    again = client.post(
        "/api/directory-group-mappings/", {"group": "GRP-Brno", "site": site.pk}, format="json"
    )
    assert again.status_code == 400 and "group" in again.json()["errors"]
    for body, field in (
        ({"group": "G"}, "role"),
        ({"group": "G", "role": "King"}, "role"),
        ({"role": "IT lead"}, "group"),
    ):
        response = client.post("/api/directory-group-mappings/", body, format="json")
        assert response.status_code == 400 and field in response.json()["errors"], body
    assert (
        client.delete(f"/api/directory-group-mappings/{created.json()['id']}/").status_code == 204
    )
    assert not DirectoryGroupMapping.objects.exists()
