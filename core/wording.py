"""How a label reads inside a sentence, in the active language."""

from django.utils import translation


def in_sentence(label) -> str:
    """A choice's label as it stands mid-sentence ("Now ready for build."): lower case in
    English; German keeps the capitals its nouns need ("Jetzt: Bereit für die Umsetzung")."""
    text = str(label)
    if (translation.get_language() or "en").startswith("en"):
        return text.lower()
    return text
