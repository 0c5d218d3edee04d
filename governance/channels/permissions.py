"""Who sets up channels and reads their delivery log: IT leads (and administrators)."""

from initiatives.roles import Role, has_role


def can_manage_channels(user) -> bool:
    return has_role(user, Role.IT_LEAD, Role.ADMINISTRATOR)
