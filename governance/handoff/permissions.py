"""Who configures the hand-off and retries a ticket: IT leads (and administrators)."""

from initiatives.roles import Role, has_role


def can_configure_handoff(user) -> bool:
    return has_role(user, Role.IT_LEAD, Role.ADMINISTRATOR)
