"""German and English (harmony_portal.languages, the German catalogue): the browser's
language, the switcher, the person's own preference at the next sign-in, and the check that
fails on a missing or fuzzy German entry."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from harmony_portal.models import LanguagePreference

PO = Path(__file__).resolve().parents[2] / "locale" / "de" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module", autouse=True)
def compiled():
    """The compiled catalogue (make test compiles it; a lone pytest run may not have)."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (GNU gettext) is missing: scripts/ensure-gettext.sh")
    call_command("compilemessages", locale=["de"], ignore_patterns=[".venv*"], verbosity=0)


@pytest.mark.django_db
def test_the_sign_in_page_follows_the_browsers_language():
    german = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5").get("/login/")
    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB").get("/login/")
    assert '<html lang="de">' in german.content.decode()
    assert "Anmelden" in german.content.decode() and "Passwort" in german.content.decode()
    assert "Sign in" in english.content.decode() and "Anmelden" not in english.content.decode()


@pytest.mark.django_db
def test_the_switcher_keeps_the_choice_for_the_person(users):
    sponsor = users["sponsor"]
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB")
    client.force_login(sponsor)
    response = client.post("/language/", {"language": "de", "next": "/initiatives/mine/"})
    assert response.status_code == 302 and response["Location"] == "/initiatives/mine/"
    assert LanguagePreference.objects.get(user=sponsor).language == "de"
    page = client.get("/initiatives/mine/").content.decode()
    assert "Meine Initiativen" in page and "Zum Hauptinhalt springen" in page

    # Another browser that asks for English: after signing in, the person's choice wins.
    other = Client(HTTP_ACCEPT_LANGUAGE="en-GB")
    other.post("/login/", {"username": "sponsor", "password": "pw"})
    assert "Meine Initiativen" in other.get("/initiatives/mine/").content.decode()


@pytest.mark.django_db
def test_the_switcher_refuses_an_unknown_language_and_an_outside_address(users):
    client = Client()
    client.force_login(users["sponsor"])
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert not LanguagePreference.objects.exists()


@pytest.mark.django_db
def test_signed_out_the_switcher_sets_the_browsers_language():
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB")
    response = client.post("/language/", {"language": "de", "next": "/login/"})
    assert response.status_code == 302
    assert "Anmelden" in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_error_pages_are_german_too(users, settings):
    settings.DEBUG = False
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(users["sponsor"])
    page = client.get("/initiatives/999999/").content.decode()
    assert "Diese Seite gibt es nicht" in page and "Zur Startseite" in page


def test_the_catalogue_is_complete():
    call_command("check_translations", "--no-update")


def test_the_check_fails_on_a_missing_or_fuzzy_entry(tmp_path, settings):
    target = tmp_path / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    text = PO.read_text()
    (target / "django.po").write_text(text + '\nmsgid "Not translated yet"\nmsgstr ""\n')
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError, match="1 untranslated and 0 fuzzy"):
        call_command("check_translations", "--no-update")
    fuzzy = text.replace('msgid "Not allowed"', '#, fuzzy\nmsgid "Not allowed"', 1)
    (target / "django.po").write_text(fuzzy)
    with pytest.raises(CommandError, match="0 untranslated and 1 fuzzy"):
        call_command("check_translations", "--no-update")
