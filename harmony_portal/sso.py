"""Optional single sign-on through the company's OpenID Connect provider.

`oidc_settings` turns the environment into settings: SSO is on only when the client id, the
secret and the provider's endpoints are all set, so a portal without them has no SSO button and
no OIDC backend. It is a plain function (no Django imports) because settings.py calls it.

`harmony_portal.oidc_backend.PortalOIDCBackend` (mozilla-django-oidc) matches people by
e-mail, creates a missing user with the `preferred_username` claim as username and no role (the
IT lead assigns roles), unless OIDC_GROUPS_CLAIM names a claim whose values are portal role
names: then the user's roles follow the identity provider's groups at every sign-in.
"""

from collections.abc import Iterable
from typing import Any

REQUIRED = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
)


def oidc_settings(env) -> dict[str, Any]:
    """The OIDC_* settings from a django-environ `Env`; OIDC_ENABLED says whether SSO is on."""
    values = {name: env(name, default="") for name in REQUIRED}
    if not all(values.values()):
        return {"OIDC_ENABLED": False}
    return {
        "OIDC_ENABLED": True,
        **values,
        "OIDC_OP_JWKS_ENDPOINT": env("OIDC_OP_JWKS_ENDPOINT", default="") or None,
        "OIDC_RP_SIGN_ALGO": env("OIDC_RP_SIGN_ALGO", default="RS256"),
        "OIDC_RP_SCOPES": env("OIDC_RP_SCOPES", default="openid email profile"),
        "OIDC_GROUPS_CLAIM": env("OIDC_GROUPS_CLAIM", default=""),
        "OIDC_CREATE_USER": env.bool("OIDC_CREATE_USER", default=True),
        "OIDC_PROVIDER_NAME": env("OIDC_PROVIDER_NAME", default="company SSO"),
        "OIDC_USE_PKCE": env.bool("OIDC_USE_PKCE", default=True),
        "LOGIN_REDIRECT_URL_FAILURE": "/login/",
    }


def roles_from_claims(claims: dict[str, Any], claim: str, role_names: Iterable[str]) -> set[str]:
    """Portal roles named in the claim (a list or a comma-separated string); others ignored."""
    raw = claims.get(claim) or []
    if isinstance(raw, str):
        raw = raw.split(",")
    wanted = {str(v).strip() for v in raw}
    return wanted & set(role_names)
