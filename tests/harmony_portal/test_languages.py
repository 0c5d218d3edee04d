"""German and English (harmony_portal.languages, the German catalogue): the browser's
language, the switcher, the person's own preference at the next sign-in, and the check that
fails on a missing or fuzzy German entry."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from harmony_portal.models import LanguagePreference
from tests import factories

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


# --- every role's main pages in German ------------------------------------------------------

# English words that only the templates write: none of them may be left on a German page.
NAVIGATION = ["My work", "Review queue", "Readiness dashboard", ">Systems<", ">Calendar<"]
PRINTABLE = {"compliance:portfolio_report"}
PAGES = {
    "sponsor": [
        ("initiatives:mine", "Meine Initiativen", ["Register early", "New initiative"]),
        ("work:mine", "Meine Aufgaben", ["Everything where the next move is yours"]),
        (
            "initiatives:list",
            "Portfolio der KI-Initiativen",
            ["AI initiative portfolio", "Title contains"],
        ),
        (
            "landscape:list",
            "Systemlandkarte der Werke",
            ["Plant system map", "The enterprise systems"],
        ),
        ("notifications:list", "Benachrichtigungen", ["Mark all read", "No notifications yet"]),
        ("notifications:preferences", "Benachrichtigungseinstellungen", ["Daily digest"]),
        ("sessions:calendar", "Mein Kalender der Arbeitssitzungen", ["Subscribe to this address"]),
        ("api-token-page", "API-Token", ["You have no API token", "Using it"]),
    ],
    "reviewer": [
        (
            "reviews:queue",
            "Meine Prüf-Warteschlange",
            ["My review queue", "Sorted by urgency", "Open inputs"],
        ),
        ("reviews:checklists", "Prüf-Checklisten", ["Review checklists", "The standard questions"]),
        ("work:mine", "Meine Aufgaben", ["Nothing waits for you", "My work"]),
    ],
    "it_lead": [
        (
            "reviews:queue",
            "IT-Prüf-Warteschlange",
            ["IT review queue", "Everything submitted to IT"],
        ),
        (
            "channels:list",
            "Kanäle: Teams, Slack und Webhooks",
            ["Add a channel", "No channels yet"],
        ),
        (
            "handoff:settings",
            "Übergabe an die Umsetzung: Jira und ServiceNow",
            ["Connect a site", "Latest tickets"],
        ),
        ("directory-groups", "Verzeichnisgruppen", ["Directory group<", "No mappings"]),
        ("compliance:references", "Rahmenwerksbezüge", ["Framework references", "Add a reference"]),
        ("landscape:import", "CMDB-Export importieren", ["Import a CMDB export", "Read the file"]),
    ],
    "executive": [
        (
            "dashboard:dashboard",
            "Reife des KI-Portfolios",
            [
                "AI portfolio readiness",
                "Funnel by phase",
                "Partnership health",
                "Export CSV",
                "ruled out by an IT lead",
            ],
        ),
        (
            "dashboard:design-inputs",
            "Reife-Dashboard",
            ["Readiness dashboard", "No design inputs here"],
        ),
        (
            "compliance:portfolio_coverage",
            "Abdeckung der Rahmenwerke im gesamten Portfolio",
            ["Framework coverage across", "Portfolio readiness report"],
        ),
        (
            "compliance:portfolio_report",
            "Reifebericht des KI-Portfolios",
            ["AI portfolio readiness report", "Download PDF"],
        ),
    ],
}


@pytest.fixture
def in_partnership(users):
    """An initiative in IT partnership, the reviewer assigned, with one open design input."""
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    factories.design_input(initiative=initiative, raised_by=users["reviewer"], severity="high")
    return initiative


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(PAGES))
def test_each_roles_main_pages_are_german(users, in_partnership, role):
    client = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    client.force_login(users[role])
    for name, heading, english in PAGES[role]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        page = response.content.decode()
        assert '<html lang="de">' in page, name
        assert heading in page, (name, heading)
        if name not in PRINTABLE:  # the printable report has no navigation
            assert "Meine Aufgaben" in page and "Benachrichtigungen" in page, name
        left = [word for word in english + NAVIGATION if word in page]
        assert not left, (name, left)


@pytest.mark.django_db
def test_the_initiative_panels_and_a_design_input_are_german(users, in_partnership):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(users["reviewer"])
    page = client.get(in_partnership.get_absolute_url()).content.decode()
    for german in [
        "Design-Inputs der IT",
        "Entscheidungsprotokoll",
        "Änderungssteuerung",
        "Risikostatus",
        "IT-Prüfer",
        "Bereit für die Umsetzung?",
    ]:
        assert german in page, german
    for english in [
        "Design inputs from IT",
        "Decision log",
        "Change control",
        "Raise a design input",
        "No standing working session yet",
        "Mark ready for build",
    ]:
        assert english not in page, english

    item = in_partnership.design_inputs.get()
    page = client.get(reverse("reviews:design_input", args=[item.pk])).content.decode()
    assert "Was die IT festgestellt hat" in page and "Verlauf" in page
    assert "What IT found" not in page and "Proposed solution" not in page


@pytest.mark.django_db
def test_without_a_language_the_pages_stay_english(users, in_partnership):
    """The default (no Accept-Language): English, dates in the British format as before."""
    client = Client()
    client.force_login(users["executive"])
    page = client.get(reverse("dashboard:dashboard")).content.decode()
    assert "AI portfolio readiness" in page and "Reife des KI-Portfolios" not in page
    assert "Readiness dashboard" in page and "My work" in page


@pytest.mark.django_db
def test_the_printable_reports_are_german(users, in_partnership):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(users["it_lead"])
    report = client.get(reverse("compliance:report", args=[in_partnership.pk])).content.decode()
    assert '<html lang="de">' in report
    assert "Reifebericht für den Lenkungsausschuss" in report and "Offene Design-Inputs" in report
    assert "Readiness report for the steering committee" not in report
    assert "Download PDF" not in report and "Open design inputs" not in report

    trail = client.get(reverse("audit:trail_print", args=[in_partnership.pk])).content.decode()
    assert '<html lang="de">' in trail and "Zurück zum Prüfpfad" in trail
    assert "Back to the audit trail" not in trail and "Changes (old → new)" not in trail


def test_labels_django_derives_from_field_names_are_translated():
    """Fields without a label of their own get one from core.forms.FIELD_LABELS, translated:
    the fallback test's "Tested by", the session series' "Starts on", the system's kind."""
    from django.utils import translation

    from governance.sessions.forms import SeriesForm
    from landscape.forms import SystemForm
    from reviews.forms import FallbackTestForm

    with translation.override("de"):
        fallback = FallbackTestForm()
        assert str(fallback.fields["tested_by"].label) == "Getestet von"
        assert str(fallback.fields["tested_on"].label) == "Getestet am"
        assert str(SeriesForm().fields["starts_on"].label) == "Beginnt am"
        assert str(SystemForm().fields["criticality"].label) == "Kritikalität"
    with translation.override("en"):
        assert str(FallbackTestForm().fields["tested_by"].label) == "Tested by"
        # A label of the form's own is kept.
        assert str(SystemForm().fields["it_owner"].label) == "IT owner"


@pytest.mark.django_db
def test_the_header_names_the_roles_in_the_page_language(users):
    """The role badges beside the name read in the page's language; the roles themselves
    (directory group names) stay as they are."""
    client = Client()
    client.force_login(users["it_lead"])
    german = client.get("/my-work/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<span class="badge text-bg-light ms-1">IT-Leitung</span>' in german
    english = client.get("/my-work/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="badge text-bg-light ms-1">IT lead</span>' in english
