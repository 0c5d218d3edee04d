"""Who maintains the plant system map.

The role names are the portal's groups (`initiatives.roles.Role`); this app sits below the
initiatives app and may not import it, so it names the two groups it needs (a test holds
them equal to the roles).
"""

IT_LEAD_GROUP = "IT lead"
ADMINISTRATOR_GROUP = "Administrator"
MAINTAINER_GROUPS = (IT_LEAD_GROUP, ADMINISTRATOR_GROUP)
IT_GROUPS = ("IT reviewer", IT_LEAD_GROUP, ADMINISTRATOR_GROUP)


def _groups(user) -> set[str]:
    cached = getattr(user, "_landscape_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._landscape_groups = cached
    return cached


def can_maintain(user) -> bool:
    """IT leads (and administrators) keep the system map."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_groups(user) & set(MAINTAINER_GROUPS))


def can_read(user) -> bool:
    """Everyone signed in reads the map: sponsors pick systems from it at intake."""
    return user.is_authenticated and user.is_active
