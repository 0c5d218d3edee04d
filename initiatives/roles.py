"""The portal's roles. Each is a Django group; membership decides what a user may do."""

from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The value is the name of the directory group (it stays English); the label is what
    # people read.
    SPONSOR = "Business sponsor", _("Business sponsor")
    REVIEWER = "IT reviewer", _("IT reviewer")
    IT_LEAD = "IT lead", _("IT lead")
    EXECUTIVE = "Executive", _("Executive")
    ADMINISTRATOR = "Administrator", _("Administrator")


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
