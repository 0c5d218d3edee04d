"""How the portal names a person to people: the display name, never the username."""


def display_name(person, fallback: str = "That person") -> str:
    """The person's full name; the username only when no name is recorded (a technical
    account). Messages, pages and e-mails use this, the audit trail keeps the username."""
    if person is None:
        return fallback
    full = person.get_full_name().strip() if hasattr(person, "get_full_name") else ""
    return full or getattr(person, "username", "") or fallback
