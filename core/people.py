"""How the portal names a person to people (the display name, never the username), and in
which language it writes to them."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation


def display_name(person, fallback: str = "That person") -> str:
    """The person's full name; the username only when no name is recorded (a technical
    account). Messages, pages and e-mails use this, the audit trail keeps the username."""
    if person is None:
        return fallback
    full = person.get_full_name().strip() if hasattr(person, "get_full_name") else ""
    return full or getattr(person, "username", "") or fallback


def language_of(person) -> str:
    """The language to write to a person in (e-mails, notifications): the one they chose with
    the switcher (`harmony_portal.models.LanguagePreference`, reached through the reverse
    relation so this bottom layer imports no app), else the portal's default."""
    codes = {code for code, _ in settings.LANGUAGES}
    try:
        chosen = person.language_preference.language if person is not None else ""
    except ObjectDoesNotExist:
        chosen = ""
    except AttributeError:  # not a user model, or the preference app is not installed
        chosen = ""
    return chosen if chosen in codes else settings.LANGUAGE_CODE


def speaking_to(person):
    """`with speaking_to(user):` everything marked for translation inside is in their
    language, e.g. the subject and body of an e-mail to them."""
    return translation.override(language_of(person))
