"""The readiness report: the same figures in the print-styled HTML and in the PDF's text."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from governance.compliance import services
from governance.decisions.services import record_decision
from reviews.models import ConcernAssessment
from tests import factories

from .conftest import pdf


@pytest.fixture
def reported(users, high_risk):
    """The high-risk initiative with a satisfied concern, a finding, a decision and evidence."""
    ConcernAssessment.objects.filter(initiative=high_risk, area="security").update(
        status="satisfied", score=2, readiness=100, rationale="Edge only, no cloud."
    )
    ConcernAssessment.objects.filter(initiative=high_risk, area="vendor").update(readiness=40)
    factories.design_input(
        initiative=high_risk,
        raised_by=users["reviewer"],
        severity="high",
        area="governance",
        title="Shift ranking needs a works-council agreement",
    )
    record_decision(
        initiative=high_risk,
        user=users["it_lead"],
        kind="risk_acceptance",
        summary="Pilot on one line before the agreement",
        rationale="Pilot limited to volunteers.",
        accountable=users["executive"],
    )
    evidence = services.upload_evidence(
        initiative=high_risk, user=users["sponsor"], upload=pdf("dpia.pdf"), title="DPIA v1"
    )
    return high_risk, evidence


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.mark.django_db
def test_initiative_report_html_and_pdf_show_the_same_figures(client, users, reported):
    initiative, evidence = reported
    client.force_login(users["executive"])
    html = client.get(reverse("compliance:report", args=[initiative.pk]))
    assert html.status_code == 200
    figures = html.context["report"].figures
    assert figures["overall_readiness"] == 70  # (100 + 40) / 2 assessed concerns
    assert (figures["open_inputs"], figures["open_high_inputs"]) == (1, 1)
    assert (figures["obligations_open"], figures["evidence_files"]) == (4, 1)
    page = html.content.decode()
    assert "<style>" in page and "<script" not in page and "stylesheet" not in page
    assert "High-risk under Art. 6(2), Annex III" in page
    assert evidence.sha256 in page

    response = client.get(reverse("compliance:report", args=[initiative.pk]), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{initiative.reference}'
    )
    text = pdf_text(response.content)
    compact = text.replace("\n", "").replace(" ", "")
    for expected in (
        initiative.reference,
        initiative.title,
        "70%",
        "EU AI Act classification: High-risk",
        "Art. 26(7)",
        "Shift ranking needs a works-council agreement",
        "Pilot on one line before the agreement",
        "DPIA v1",
        "GOVERN 2.1",
    ):
        assert expected in text, expected
    assert evidence.sha256 in compact  # the hash wraps across lines of its cell


@pytest.mark.django_db
def test_portfolio_report_for_the_steering_committee(client, users, reported):
    initiative, _ = reported
    factories.in_review_initiative(sponsor=users["other_sponsor"], title="Chatbot for HR FAQ")
    client.force_login(users["reviewer"])
    assert client.get(reverse("compliance:portfolio_report")).status_code == 403
    client.force_login(users["executive"])
    html = client.get(reverse("compliance:portfolio_report"))
    lines = {line.initiative.pk: line for line in html.context["report"].lines}
    assert lines[initiative.pk].overall_readiness == 70
    assert lines[initiative.pk].obligations_open == 4
    assert html.context["report"].by_class == {"high_risk": 1, "minimal": 1}
    text = pdf_text(client.get(reverse("compliance:portfolio_report"), {"format": "pdf"}).content)
    assert "high-risk 1" in text and "minimal 1" in text
    assert initiative.title in text and "Chatbot for HR FAQ" in text


def test_pdf_text_keeps_latin1_and_spells_out_the_rest():
    from governance.compliance.report import pdf_text as clean

    assert clean("Müller – “ok” → ≥ 6 months, Łódź") == 'Müller - "ok" -> >= 6 months, Lódz'
