"""The portal's roles. Each is a Django group; membership decides what a user may do."""

from functools import lru_cache

from django.db import models


class Role(models.TextChoices):
    SPONSOR = "Business sponsor"
    REVIEWER = "IT reviewer"
    IT_LEAD = "IT lead"
    EXECUTIVE = "Executive"
    ADMINISTRATOR = "Administrator"


# Roles that see the whole portfolio, confidential initiatives included.
PORTFOLIO_ROLES = frozenset({Role.IT_LEAD, Role.EXECUTIVE, Role.ADMINISTRATOR})


def roles_of(user) -> frozenset[str]:
    """The role names a user holds, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_harmony_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {Role.ADMINISTRATOR}
        user._harmony_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def sees_whole_portfolio(user) -> bool:
    return bool(roles_of(user) & PORTFOLIO_ROLES)


@lru_cache(maxsize=1)
def role_names() -> tuple[str, ...]:
    return tuple(r.value for r in Role)
