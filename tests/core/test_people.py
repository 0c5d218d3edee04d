"""People are named by their display name, never their username (core.people)."""

from types import SimpleNamespace

from core.people import display_name


def person(first="", last="", username="ravi"):
    return SimpleNamespace(username=username, get_full_name=lambda: f"{first} {last}".strip())


def test_the_full_name_when_there_is_one():
    assert display_name(person("Ravi", "Iyer")) == "Ravi Iyer"


def test_the_username_only_for_an_account_without_a_name():
    assert display_name(person()) == "ravi"


def test_nobody_is_named_by_the_fallback():
    assert display_name(None) == "That person"
