"""The OpenID Connect authentication backend, installed only when SSO is configured."""

from django.conf import settings
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .directory import apply_directory_groups, claim_values


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Finds people by e-mail; new ones get their `preferred_username` and no role, or the
    roles named in OIDC_GROUPS_CLAIM when that is configured."""

    def get_username(self, claims):
        preferred = (claims.get("preferred_username") or "").strip()
        if preferred and not self.UserModel.objects.filter(username=preferred).exists():
            return preferred[:150]
        return super().get_username(claims)

    @transaction.atomic
    def create_user(self, claims):
        user = self.UserModel.objects.create_user(
            self.get_username(claims),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )
        self.sync_roles(user, claims)
        return user

    def update_user(self, user, claims):
        self.sync_roles(user, claims)
        return user

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo claims, with the groups claim of the ID token when userinfo lacks it
        (Entra ID and others put groups in the token only)."""
        claims = super().get_userinfo(access_token, id_token, payload)
        claim = getattr(settings, "OIDC_GROUPS_CLAIM", "")
        if claim and claim not in claims and claim in (payload or {}):
            claims = {**claims, claim: payload[claim]}
        return claims

    def sync_roles(self, user, claims) -> None:
        """With OIDC_GROUPS_CLAIM set, the user's portal roles and sites follow the groups in
        the claim through the IT leads' mapping (and groups named like a portal role)."""
        claim = getattr(settings, "OIDC_GROUPS_CLAIM", "")
        if not claim:
            return
        apply_directory_groups(user, claim_values(claims, claim), source="sso")
