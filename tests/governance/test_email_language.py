"""German everywhere in Python: e-mails in the recipient's language (their `LanguagePreference`,
else the portal's default), choices, form errors and API refusals in the request's language."""

import shutil

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from core.people import language_of, speaking_to
from governance.notifications import services as notification_services
from governance.notifications.models import EventKind, Mode
from governance.sessions import invitations
from governance.sessions.reminders import send_session_reminder
from harmony_portal.models import LanguagePreference
from initiatives.models import Status
from initiatives.roles import Role
from initiatives.tasks import notify_it_of_submission
from reviews import services as review_services
from tests import factories
from tests.governance.conftest import soon

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def compiled():
    """The compiled catalogue (make test compiles it; a lone pytest run may not have)."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (GNU gettext) is missing: scripts/ensure-gettext.sh")
    call_command("compilemessages", locale=["de"], ignore_patterns=[".venv*"], verbosity=0)


def prefers(user, language: str) -> None:
    LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_persons_language_is_their_preference_else_the_default(users, settings):
    prefers(users["reviewer"], "de")
    assert language_of(users["reviewer"]) == "de"
    assert language_of(users["other_reviewer"]) == settings.LANGUAGE_CODE
    assert language_of(None) == settings.LANGUAGE_CODE
    with speaking_to(users["reviewer"]):
        assert translation.get_language() == "de"


def test_the_hand_off_e_mail_is_in_each_recipients_language(users, deliver_events):
    prefers(users["reviewer"], "de")
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    deliver_events()
    mail.outbox.clear()
    for reviewer in (users["reviewer"], users["other_reviewer"]):
        review_services.assign_reviewer(
            initiative=initiative, reviewer=reviewer, user=users["it_lead"]
        )
    # Whatever language the worker runs in, each person reads their own.
    with translation.override("en"):
        deliver_events()

    (german,) = mails_to(users["reviewer"])
    assert german.subject.startswith(f"[Harmony] Sie prüfen {initiative.reference}")
    assert "hat Sie als Prüfer zugewiesen." in german.body
    assert "Diese E-Mails abbestellen:" in german.body
    (english,) = mails_to(users["other_reviewer"])
    assert english.subject.startswith(f"[Harmony] You review {initiative.reference}")
    assert "assigned you as IT reviewer." in english.body
    assert "Stop these e-mails:" in english.body and "abbestellen" not in english.body

    # The bell keeps the words in the person's language too.
    texts = users["reviewer"].notifications.values_list("text", flat=True)
    assert any(t.startswith("Sie prüfen") for t in texts)


def test_the_daily_digest_is_in_the_recipients_language(users, deliver_events):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    factories.in_review_initiative(sponsor=users["other_sponsor"])
    deliver_events()
    mail.outbox.clear()
    prefers(users["sponsor"], "de")
    notification_services.set_preferences(
        user=users["sponsor"], modes={EventKind.INPUT_RAISED: Mode.DIGEST}
    )
    factories.design_input(
        initiative=initiative, raised_by=users["reviewer"], severity="high", title="Logs"
    )
    deliver_events()
    assert not mail.outbox
    assert notification_services.send_daily_digests() == 1
    (digest,) = mails_to(users["sponsor"])
    assert digest.subject == "[Harmony] Ihr Tag in Harmony: 1 Neuigkeit"
    assert "Was bei Ihren Initiativen passiert ist:" in digest.body
    assert "hat „Logs“ (Hoch) zu" in digest.body


def test_the_english_digest_stays_english(users, deliver_events):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    deliver_events()
    mail.outbox.clear()
    notification_services.set_preferences(
        user=users["sponsor"], modes={EventKind.INPUT_RAISED: Mode.DIGEST}
    )
    factories.design_input(initiative=initiative, raised_by=users["reviewer"], title="Logs")
    with translation.override("de"):  # the worker's language does not leak into the mail
        deliver_events()
        assert notification_services.send_daily_digests() == 1
    (digest,) = mails_to(users["sponsor"])
    assert digest.subject == "[Harmony] Your day in Harmony: 1 update"
    assert "What happened on your initiatives:" in digest.body


def test_the_submission_notice_goes_out_once_per_language(users):
    german_lead = factories.UserFactory(username="lead_de", role=Role.IT_LEAD)
    prefers(german_lead, "de")
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    mail.outbox.clear()
    assert notify_it_of_submission(initiative.pk) is True

    (german,) = mails_to(german_lead)
    assert german.subject.startswith("[Harmony] Neue KI-Initiative zur IT-Partnerschaft:")
    assert "Prüfer zuweisen:" in german.body
    (english,) = mails_to(users["it_lead"])
    assert english.subject.startswith("[Harmony] New AI initiative for IT partnership:")
    assert "Assign reviewers:" in english.body


def test_the_session_reminder_and_invitation_are_in_the_recipients_language(users):
    prefers(users["reviewer"], "de")
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    series = factories.working_series(
        initiative=initiative, user=users["sponsor"], participants=[users["reviewer"]]
    )
    session = soon(series)
    mail.outbox.clear()
    send_session_reminder(session.pk)
    (german,) = mails_to(users["reviewer"])
    assert german.subject.startswith(f"[Harmony] Arbeitssitzung zu {initiative.reference}")
    assert "Die regelmäßige IT-Arbeitssitzung" in german.body
    (english,) = mails_to(users["sponsor"])
    assert english.subject.startswith(f"[Harmony] Working session for {initiative.reference}")

    mail.outbox.clear()
    invitations.send_session_invitations(session.pk)
    (german,) = mails_to(users["reviewer"])
    assert german.subject.startswith("[Harmony] Einladung: IT-Arbeitssitzung:")
    assert "Tagesordnung und Notizen:" in german.body
    (english,) = mails_to(users["sponsor"])
    assert english.subject.startswith("[Harmony] Invitation: IT working session:")


def test_choices_and_model_labels_follow_the_active_language(users):
    initiative = factories.draft_initiative(sponsor=users["sponsor"])
    with translation.override("de"):
        assert initiative.get_status_display() == "Entwurf"
        assert str(Status.READY_FOR_BUILD.label) == "Bereit für die Umsetzung"
        assert str(initiative._meta.get_field("confidential").help_text).startswith(
            "Nur für die eigenen Beteiligten"
        )
    with translation.override("en"):
        assert initiative.get_status_display() == "Draft"


def test_a_form_error_is_shown_in_german_to_a_german_browser(users):
    german = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    german.force_login(users["it_lead"])
    page = german.post("/directory-groups/", {"group": "plant-it", "role": "", "site": ""})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ordnen Sie die Gruppe einer Rolle, einem Standort oder beidem zu." in html

    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB")
    english.force_login(users["it_lead"])
    html = english.post("/directory-groups/", {"group": "plant-it"}).content.decode()
    assert "Map the group to a role, a site, or both." in html


def test_an_api_refusal_follows_accept_language(users, api_as):
    client = api_as("reviewer")
    german = client.post(
        "/api/initiatives/", {"title": "Vision QA"}, format="json", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert german.status_code == 403
    assert german.json()["detail"] == "Nur Business-Sponsoren legen Initiativen an."
    english = client.post("/api/initiatives/", {"title": "Vision QA"}, format="json")
    assert english.status_code == 403
    assert english.json()["detail"] == "Only business sponsors register initiatives."


def test_risk_reasons_are_stored_in_english_and_read_in_the_readers_language():
    from django.utils import timezone

    from governance.risk.rules import (
        AssessmentFacts,
        InitiativeFacts,
        compute_risk,
        reason_in_language,
    )

    facts = InitiativeFacts(
        status=Status.IN_REVIEW,
        has_decision_owner=False,
        assessments=[AssessmentFacts("security", "not_started", None, timezone.now())],
    )
    with translation.override("de"):  # whoever triggers the recompute
        reasons = compute_risk(facts, timezone.now()).reasons
    assert "Not assessed yet: Security & data exposure" in reasons
    assert "Decision owner missing" in reasons
    with translation.override("de"):
        shown = [reason_in_language(r) for r in reasons]
    assert "Noch nicht bewertet: Sicherheit & Datenexposition" in shown
    assert "Entscheidungsverantwortliche Person fehlt" in shown
    assert reason_in_language("Written by an older version") == "Written by an older version"
    overdue = "High-severity design input overdue since 05 Mar 2030: Logs (Governance)"
    with translation.override("de"):
        assert reason_in_language(overdue) == (
            "Design-Input mit hohem Schweregrad überfällig seit 05 Mär 2030: Logs (Governance)"
        )
    assert reason_in_language(overdue) == overdue


def test_a_german_reader_gets_the_pdf_report_and_the_dashboard_in_german(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(users["executive"])
    page = client.get("/governance/dashboard/").content.decode()
    assert "Initiativen nach Phase" in page and "Initiatives by phase" not in page
    pdf = client.get(f"/governance/compliance/initiatives/{initiative.pk}/report/?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_main_pages_render_in_german(users, deliver_events):
    """Every choice, label and message marked in Python reaches the pages without breaking
    them (a lazy label joined or compared where a string was expected would be a 500)."""
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    item = factories.design_input(
        initiative=initiative, raised_by=users["reviewer"], severity="high", title="Logs"
    )
    draft = factories.draft_initiative(sponsor=users["sponsor"])
    deliver_events()
    assessment = initiative.assessments.get(area="security")
    pages = {
        "sponsor": [
            "/initiatives/mine/",
            f"/initiatives/{initiative.pk}/",
            "/my-work/",
            "/notifications/",
            "/notifications/preferences/",
            *[f"/initiatives/{draft.pk}/edit/{step}/" for step in range(1, 7)],
        ],
        "reviewer": [
            "/reviews/",
            f"/reviews/assessments/{assessment.pk}/",
            f"/reviews/design-inputs/{item.pk}/",
            f"/reviews/initiatives/{initiative.pk}/vendors/",
        ],
        "executive": [
            "/governance/dashboard/",
            "/governance/dashboard/initiatives/?risk=at_risk&involvement=early",
            "/governance/dashboard/design-inputs/?state=blocking&area=security",
            "/governance/dashboard/sessions/?state=held",
            f"/governance/compliance/initiatives/{initiative.pk}/report/",
        ],
    }
    for role, urls in pages.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="de")
        client.force_login(users[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            if "/report/" not in url:  # the printable report has a layout of its own
                assert '<html lang="de">' in response.content.decode(), url
    detail = Client(HTTP_ACCEPT_LANGUAGE="de")
    detail.force_login(users["sponsor"])
    html = detail.get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "In IT-Partnerschaft" in html  # the status choice
