"""The OpenID Connect authentication backend, installed only when SSO is configured."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from initiatives.roles import role_names

from .sso import roles_from_claims


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

    def sync_roles(self, user, claims) -> None:
        """With OIDC_GROUPS_CLAIM set, the user's portal roles are exactly those in the claim."""
        claim = getattr(settings, "OIDC_GROUPS_CLAIM", "")
        if not claim:
            return
        wanted = roles_from_claims(claims, claim, role_names())
        portal_groups = user.groups.filter(name__in=role_names())
        user.groups.remove(*portal_groups.exclude(name__in=wanted))
        user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in wanted])
