"""Regulation and evidence in a real browser: a prohibited practice cannot be submitted; on a
high-risk initiative the sponsor uploads evidence (a disguised file is refused), closes an
obligation with it, and the readiness report shows the figures, as a page and as a PDF."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from governance.compliance.models import EvidenceFile, Obligation
from initiatives.models import Initiative, Status
from tests import factories
from tests.e2e.flows import answer_screening

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def evidence_store(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence", "base_url": None},
        },
    }
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_prohibited_practice_blocks_submission(page, live_server, login, screenshot):
    users = factories.role_users()
    initiative = factories.complete_initiative(sponsor=users["sponsor"], title="Mood camera")
    login(users["sponsor"])
    page.goto(f"{live_server.url}/initiatives/{initiative.pk}/edit/6/")
    page.uncheck("input[name=ai_act_prohibited][value=none]")
    answer_screening(page, prohibited="workplace_emotion")
    page.click("button[name=review]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#ai-act-class").get_attribute("data-class") == "prohibited"
    assert "Art. 5(1)(f)" in page.locator("#ai-act-reasons").inner_text()
    page.click("text=Submit for IT partnership")
    page.wait_for_load_state("networkidle")
    assert "Cannot be submitted: Prohibited practice" in page.locator(".alert-danger").inner_text()
    screenshot("ai-act-prohibited-refused")
    assert Initiative.objects.get(pk=initiative.pk).status == Status.DRAFT


@pytest.mark.django_db(transaction=True)
def test_evidence_obligation_and_readiness_report(
    page, live_server, login, screenshot, evidence_store
):
    users = factories.role_users()
    factories.ensure_catalogue()
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        title="Shift allocation by performance",
        ai_act_annex_iii=["workers_management"],
    )
    obligation = Obligation.objects.get(initiative=initiative, code="workers_informed")
    login(users["sponsor"])
    page.goto(f"{live_server.url}{initiative.get_absolute_url()}#obligations")
    assert page.locator("#ai-act-class").inner_text() == "High-risk"
    assert page.locator("#obligations li[data-status=open]").count() == 4
    screenshot("initiative-high-risk-obligations")

    # Attach evidence to "workers informed": first a disguised executable, then the real PDF.
    page.click("#obligation-workers_informed a:has-text('Attach evidence')")
    page.wait_for_url("**/evidence/new/?target=obligation:*")
    fake = evidence_store / "minutes.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    page.set_input_files("#id_file", str(fake))
    page.click("#upload-submit")
    page.wait_for_load_state("networkidle")
    assert "“minutes.pdf” is a Windows executable" in page.locator(".invalid-feedback").inner_text()
    real = evidence_store / "works-council-minutes.pdf"
    real.write_bytes(PDF)
    page.set_input_files("#id_file", str(real))
    page.fill("#id_title", "Works council minutes")
    page.click("#upload-submit")
    page.wait_for_url(f"**{initiative.get_absolute_url()}#evidence")
    digest = hashlib.sha256(PDF).hexdigest()
    assert digest in page.locator("#evidence").inner_text()
    assert EvidenceFile.objects.get().obligation == obligation

    # Close the obligation with what the evidence shows.
    page.fill("#obligation-workers_informed input[name=text]", "Informed on 3 March")
    page.click("#obligation-workers_informed button:has-text('Close')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#obligation-workers_informed").get_attribute("data-status") == "closed"

    # The readiness report: figures on the page, the same in the PDF.
    page.click("#report-link")
    page.wait_for_load_state("networkidle")
    figure = page.locator("[data-figure='obligations-open'] .n").inner_text()
    assert figure == "3"
    assert "High-risk" in page.locator("[data-figure='ai-act']").inner_text()
    assert digest in page.locator("#report-evidence").inner_text()
    screenshot("readiness-report")
    response = page.request.get(f"{page.url}?format=pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert initiative.title in text
    assert "EU AI Act classification: High-risk" in text
    assert "Works council minutes" in text
    assert "Art. 26(7)" in text and "GOVERN 2.1" in text  # the framework coverage
