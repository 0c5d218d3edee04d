"""Journeys in German in a real browser: a sponsor whose browser asks for German signs in,
reads "My initiatives" and an error page in German, switches to English in the footer and
back, and the choice follows her to another browser; a reviewer reads the review queue and an
initiative's IT panels, an executive the readiness dashboard, all in German."""

import shutil

import pytest
from django.core.management import call_command

from harmony_portal.models import LanguagePreference
from tests import factories
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import check


@pytest.fixture(scope="module", autouse=True)
def compiled():
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (GNU gettext) is missing: scripts/ensure-gettext.sh")
    call_command("compilemessages", locale=["de"], ignore_patterns=[".venv*"], verbosity=0)


def shot(window, name: str) -> None:
    """A full-page screenshot of this window under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    window.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(window, base: str, username: str) -> None:
    window.goto(f"{base}/login/")
    window.fill("#id_username", username)
    window.fill("#id_password", "pw")
    window.click("button[type=submit]")
    window.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_a_sponsor_works_in_german(browser, live_server):
    users = factories.role_users()
    factories.draft_initiative(sponsor=users["sponsor"], title="Sichtprüfung Linie 3")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    window = context.new_page()
    window.set_default_timeout(15_000)
    window.goto(f"{live_server.url}/login/")
    assert window.locator("html").get_attribute("lang") == "de"
    assert window.locator("button[type=submit]").inner_text().strip() == "Anmelden"
    assert window.locator("label[for=id_password]").inner_text() == "Passwort"

    sign_in(window, live_server.url, "sponsor")
    assert window.locator("h1").inner_text() == "Meine Initiativen"
    assert "Sichtprüfung Linie 3" in window.locator("main").inner_text()
    assert "Fortsetzen" in window.locator("main").inner_text()
    assert window.locator(".skip-link").inner_text() == "Zum Hauptinhalt springen"
    shot(window, "german-my-initiatives")

    window.goto(f"{live_server.url}/initiatives/999999/")
    assert window.locator("h1").inner_text() == "Diese Seite gibt es nicht"

    # The switcher in the footer: English, then German again; the choice is the person's.
    window.goto(f"{live_server.url}/initiatives/mine/")
    window.click(".language-switcher button[value=en]")
    window.wait_for_load_state()
    assert window.url.endswith("/initiatives/mine/")
    assert window.locator("h1").inner_text() == "My initiatives"
    assert LanguagePreference.objects.get(user=users["sponsor"]).language == "en"
    window.click(".language-switcher button[value=de]")
    window.wait_for_load_state()
    assert window.locator("h1").inner_text() == "Meine Initiativen"
    context.close()

    # Another browser that asks for English: after signing in, her choice (German) wins.
    english = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    other = english.new_page()
    other.goto(f"{live_server.url}/login/")
    assert other.locator("button[type=submit]").inner_text().strip() == "Sign in"
    sign_in(other, live_server.url, "sponsor")
    assert other.locator("h1").inner_text() == "Meine Initiativen"
    english.close()


@pytest.mark.django_db(transaction=True)
def test_a_reviewer_and_an_executive_work_in_german(browser, live_server):
    users = factories.role_users()
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        title="Sichtprüfung Linie 3",
    )
    factories.design_input(initiative=initiative, raised_by=users["reviewer"], severity="high")
    # bypass_csp: axe-core is injected as an inline script, which the portal's CSP refuses.
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="de-DE", bypass_csp=True
    )
    window = context.new_page()
    window.set_default_timeout(15_000)

    # The reviewer's queue: heading, navigation, filters and columns in German.
    sign_in(window, live_server.url, "reviewer")
    window.goto(f"{live_server.url}/reviews/")
    assert window.locator("h1").inner_text() == "Meine Prüf-Warteschlange"
    nav = window.locator("nav.navbar").inner_text()
    assert "Meine Aufgaben" in nav and "Prüf-Warteschlange" in nav and "My work" not in nav
    assert window.locator("label[for=concern]").inner_text() == "Themenfeld"
    headers = window.locator("#queue thead").inner_text()
    assert "Offene Design-Inputs" in headers and "Eingereicht" in headers
    assert "Sichtprüfung Linie 3" in window.locator("#queue").inner_text()
    shot(window, "german-review-queue")
    assert not check(window)  # axe-core: German wording keeps the page accessible

    # The design input behind it, then sign out through the German button.
    window.click("#queue a:has-text('Sichtprüfung Linie 3')")
    window.wait_for_load_state()
    window.click("#tab-review")  # the initiative page opens on its overview
    assert "Design-Inputs der IT" in window.locator("main").inner_text()
    shot(window, "german-initiative")
    window.click("button:has-text('Abmelden')")
    window.wait_for_load_state()

    # The executive's dashboard.
    sign_in(window, live_server.url, "executive")
    window.goto(f"{live_server.url}/governance/dashboard/")
    assert window.locator("h1").inner_text() == "Reife des KI-Portfolios"
    main = window.locator("main").inner_text()
    for german in ["Trichter nach Phase", "Zustand der Partnerschaft", "CSV exportieren"]:
        assert german in main, german
    for english in ["Funnel by phase", "Partnership health", "Export CSV"]:
        assert english not in main, english
    shot(window, "german-dashboard")
    assert not check(window)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_longer_german_navigation_fits_the_screen(browser, live_server):
    """An IT lead has the most entries; in German they are longer and wrap onto a second row
    inside the bar, instead of pushing "Abmelden" off the right edge."""
    factories.role_users()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    window = context.new_page()
    window.set_default_timeout(15_000)
    sign_in(window, live_server.url, "it_lead")
    window.goto(f"{live_server.url}/reviews/")
    assert window.evaluate("document.documentElement.scrollWidth") <= 1366
    bar = window.locator("nav.navbar").bounding_box()
    sign_out = window.locator("nav.navbar form button").bounding_box()
    assert sign_out["x"] + sign_out["width"] <= 1366
    assert sign_out["y"] + sign_out["height"] <= bar["y"] + bar["height"]
    assert window.locator("nav.navbar form button").inner_text().strip() == "Abmelden"
    shot(window, "german-navigation-it-lead")
    context.close()
