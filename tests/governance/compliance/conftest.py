"""Fixtures of regulation and evidence: a private evidence store per test, a high-risk
initiative in IT partnership, and uploads as browsers and scripts send them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def catalogue(db):
    """The shipped framework references, even after a browser test emptied the tables."""
    factories.ensure_catalogue()


@pytest.fixture(autouse=True)
def evidence_store(settings, tmp_path):
    """Evidence goes to a folder of this test (the file-system storage `make run` uses)."""
    location = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    return location


@pytest.fixture
def high_risk(users):
    """A workers-management initiative (Annex III 4(b)) in review, `reviewer` assigned."""
    return factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        ai_act_annex_iii=["workers_management"],
    )


def pdf(name="soc2-report.pdf", body=PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")
