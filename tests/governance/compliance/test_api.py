"""Regulation and evidence through the API: multipart upload with field errors, downloads
behind visibility, obligations, coverage and framework references with If-Match."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from governance.compliance import services
from governance.compliance.models import EvidenceFile, FrameworkReference, Obligation
from tests import factories

from .conftest import PDF_BYTES, pdf


@pytest.mark.django_db
class TestEvidenceApi:
    def test_upload_list_download(self, api_as, users, high_risk):
        api = api_as("reviewer")
        obligation = Obligation.objects.get(initiative=high_risk, code="log_retention")
        response = api.post(
            "/api/evidence/",
            {
                "initiative": high_risk.pk,
                "file": pdf("log-policy.pdf"),
                "title": "Log policy",
                "target": "obligation",
                "target_id": obligation.pk,
                "references": [FrameworkReference.objects.get(code="A.6.2.8").pk],
            },
            format="multipart",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
        assert (body["target"], body["target_id"], body["version"]) == (
            "obligation",
            obligation.pk,
            1,
        )
        listed = api.get(f"/api/evidence/?initiative={high_risk.pk}").json()
        assert [row["id"] for row in listed["results"]] == [body["id"]]
        download = api.get(body["download"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"

    def test_bad_uploads_answer_400_with_field_messages(self, api_as, settings, users, high_risk):
        api = api_as("reviewer")
        settings.EVIDENCE_MAX_BYTES = 1024 * 1024
        cases = [
            ({"file": SimpleUploadedFile("run.pdf", b"\x7fELF" + b"\x00" * 64)}, "file", "Linux"),
            ({"file": pdf(body=PDF_BYTES + b"0" * 1_200_000)}, "file", "at most 1 MB"),
            ({"file": pdf(), "target": "decision"}, "target_id", "own items"),
            ({"file": pdf(), "replaces": 999999}, "replaces", "live evidence file"),
            ({}, "file", "No file was submitted."),
        ]
        for data, field, message in cases:
            response = api.post(
                "/api/evidence/", {"initiative": high_risk.pk, **data}, format="multipart"
            )
            assert response.status_code == 400, (field, response.content)
            assert message in response.json()["errors"][field][0]
        assert not EvidenceFile.objects.exists()

    def test_hidden_initiative_files_answer_404(self, api_as, users):
        secret = factories.in_review_initiative(sponsor=users["sponsor"], confidential=True)
        evidence = services.upload_evidence(initiative=secret, user=users["sponsor"], upload=pdf())
        api = api_as("other_sponsor")
        assert api.get(f"/api/evidence/{evidence.pk}/").status_code == 404
        assert api.get(f"/api/evidence/{evidence.pk}/download/").status_code == 404
        assert api.get("/api/evidence/").json()["count"] == 0
        upload = api.post(
            "/api/evidence/", {"initiative": secret.pk, "file": pdf()}, format="multipart"
        )
        assert upload.status_code == 400  # the same answer as an initiative that does not exist
        assert "initiative" in upload.json()["errors"]
        assert EvidenceFile.objects.count() == 1

    def test_remove_keeps_the_record(self, api_as, users, high_risk):
        evidence = services.upload_evidence(
            initiative=high_risk, user=users["sponsor"], upload=pdf()
        )
        api = api_as("sponsor")
        assert (
            api.post(f"/api/evidence/{evidence.pk}/remove/", {}, format="json").status_code == 400
        )
        response = api.post(
            f"/api/evidence/{evidence.pk}/remove/", {"reason": "Wrong vendor"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["removed_at"] and response.json()["download"] is None
        assert api.get(f"/api/evidence/{evidence.pk}/download/").status_code == 404
        assert AuditEvent.objects.get(action="evidence.removed").changes["sha256"] == (
            evidence.sha256
        )


@pytest.mark.django_db
class TestObligationsAndCoverageApi:
    def test_obligation_lifecycle(self, api_as, users, high_risk):
        api = api_as("sponsor")
        obligation = Obligation.objects.get(initiative=high_risk, code="ai_literacy")
        url = f"/api/obligations/{obligation.pk}/"
        assert api.get(url)["ETag"] == '"1"'
        refused = api.post(url + "close/", {"note": "Trained"}, format="json")
        assert refused.status_code == 400
        assert refused.json()["detail"] == "Attach evidence to the obligation before closing it."
        services.upload_evidence(
            initiative=high_risk,
            user=users["sponsor"],
            upload=pdf("training-records.pdf"),
            target="obligation",
            target_object=obligation,
        )
        stale = api.post(url + "close/", {"note": "Trained"}, format="json", HTTP_IF_MATCH='"9"')
        assert stale.status_code == 412
        closed = api.post(url + "close/", {"note": "Trained"}, format="json", HTTP_IF_MATCH='"1"')
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        again = api.post(url + "close/", {"note": "Trained"}, format="json")
        assert again.status_code == 409
        assert api.post(url + "reopen/", {"reason": "Expired"}, format="json").status_code == 200

    def test_obligations_and_coverage_stay_with_the_initiatives_people(
        self, api_as, users, high_risk
    ):
        outsider = api_as("other_sponsor")
        assert outsider.get("/api/obligations/").json()["count"] == 0
        assert outsider.get(f"/api/coverage/{high_risk.pk}/").status_code == 403
        assert outsider.get("/api/coverage/").status_code == 403
        member = api_as("reviewer")
        rows = member.get(f"/api/coverage/{high_risk.pk}/").json()
        assert {r["code"]: r["status"] for r in rows}["Art. 26(7)"] == "open"
        portfolio = api_as("executive").get("/api/coverage/").json()
        assert portfolio["initiatives"] == 1
        assert api_as("executive").get("/api/coverage/0/").status_code == 404

    def test_reference_update_needs_the_version(self, api_as, users):
        ref = FrameworkReference.objects.get(code="GOVERN 1.1")
        api = api_as("it_lead")
        url = f"/api/framework-references/{ref.pk}/"
        assert api.patch(url, {"note": "Checked"}, format="json").status_code == 428
        assert (
            api.patch(url, {"note": "Checked"}, format="json", HTTP_IF_MATCH='"5"').status_code
            == 412
        )
        ok = api.patch(url, {"note": "Checked"}, format="json", HTTP_IF_MATCH='"1"')
        assert ok.status_code == 200 and ok["ETag"] == '"2"'
        reviewer = api_as("reviewer")
        denied = reviewer.patch(url, {"note": "x"}, format="json", HTTP_IF_MATCH='"2"')
        assert denied.status_code == 403
        bad = api.post(
            "/api/framework-references/",
            {"framework": "iso_42001", "code": "A.10.3", "title": "x", "source": "y"},
            format="json",
        )
        assert bad.status_code == 400 and "code" in bad.json()["errors"]
        ref.refresh_from_db()
        assert (ref.note, ref.version) == ("Checked", 2)
