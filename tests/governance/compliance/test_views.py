"""Evidence, obligations and coverage in the browser: upload with a clear refusal beside the
field, download only through the permission-checked view, the page panels."""

import csv
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from governance.compliance.models import EvidenceFile, Obligation
from tests import factories

from .conftest import PDF_BYTES, pdf


def upload(client, initiative, file, **data):
    return client.post(
        reverse("compliance:upload", args=[initiative.pk]),
        {"file": file, "target": "initiative", **data},
    )


@pytest.mark.django_db
class TestUploadAndDownload:
    def test_upload_then_download_as_an_attachment(self, client, users, high_risk):
        client.force_login(users["sponsor"])
        response = upload(client, high_risk, pdf("SOC 2 report.pdf"), title="SOC 2 Type II")
        assert response.status_code == 302
        evidence = EvidenceFile.objects.get()
        page = client.get(high_risk.get_absolute_url()).content.decode()
        assert "SOC 2 Type II" in page and evidence.sha256 in page

        download = client.get(reverse("compliance:download", args=[evidence.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert download["Content-Disposition"].startswith("attachment;")
        assert 'filename="SOC 2 report.pdf"' in download["Content-Disposition"]
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Cache-Control"] == "private, no-store"
        audited = AuditEvent.objects.get(action="evidence.uploaded").changes["after"]["sha256"]
        assert audited == hashlib.sha256(PDF_BYTES).hexdigest()

    def test_disguised_file_is_refused_beside_the_field(self, client, users, high_risk):
        client.force_login(users["sponsor"])
        fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100)
        response = upload(client, high_risk, fake)
        assert response.status_code == 200
        assert response.context["form"].errors["file"] == [
            "“invoice.pdf” is a Windows executable. Accepted: PDF, PNG, JPEG, Word, Excel, "
            "PowerPoint or plain text (txt, csv, md, json, yaml, log)."
        ]
        assert not EvidenceFile.objects.exists()

    def test_oversize_file_is_refused_beside_the_field(self, client, settings, users, high_risk):
        settings.EVIDENCE_MAX_BYTES = 1024 * 1024
        client.force_login(users["sponsor"])
        response = upload(client, high_risk, pdf(body=PDF_BYTES + b"0" * 1_600_000))
        assert "at most 1 MB can be uploaded" in response.context["form"].errors["file"][0]
        assert not EvidenceFile.objects.exists()

    @pytest.mark.parametrize("who", ["other_sponsor", "norole"])
    def test_who_cannot_see_a_confidential_initiative_gets_404(self, client, users, who):
        secret = factories.in_review_initiative(sponsor=users["sponsor"], confidential=True)
        from governance.compliance import services

        evidence = services.upload_evidence(initiative=secret, user=users["sponsor"], upload=pdf())
        client.force_login(users[who])
        assert client.get(reverse("compliance:download", args=[evidence.pk])).status_code == 404
        assert client.get(reverse("compliance:upload", args=[secret.pk])).status_code == 404
        assert client.get(reverse("compliance:report", args=[secret.pk])).status_code == 404

    def test_public_initiative_files_stay_with_its_people(self, client, users, high_risk):
        from governance.compliance import services

        evidence = services.upload_evidence(
            initiative=high_risk, user=users["sponsor"], upload=pdf()
        )
        client.force_login(users["other_sponsor"])  # sees the public initiative, not its files
        assert client.get(high_risk.get_absolute_url()).status_code == 200
        assert evidence.sha256 not in client.get(high_risk.get_absolute_url()).content.decode()
        assert client.get(reverse("compliance:download", args=[evidence.pk])).status_code == 403
        for allowed in ("executive", "reviewer", "sponsor"):
            client.force_login(users[allowed])
            assert client.get(reverse("compliance:download", args=[evidence.pk])).status_code == 200

    def test_removed_file_is_gone_but_listed(self, client, users, high_risk):
        from governance.compliance import services

        evidence = services.upload_evidence(
            initiative=high_risk, user=users["sponsor"], upload=pdf()
        )
        client.force_login(users["sponsor"])
        response = client.post(
            reverse("compliance:remove", args=[evidence.pk]), {"reason": "Superseded"}
        )
        assert response.status_code == 302
        assert client.get(reverse("compliance:download", args=[evidence.pk])).status_code == 404
        page = client.get(high_risk.get_absolute_url()).content.decode()
        assert "removed" in page and evidence.sha256 in page


@pytest.mark.django_db
class TestObligationsAndCoverage:
    def test_obligation_close_is_refused_without_evidence_then_closes(
        self, client, users, high_risk
    ):
        obligation = Obligation.objects.get(initiative=high_risk, code="workers_informed")
        client.force_login(users["sponsor"])
        url = reverse("compliance:obligation", args=[obligation.pk])
        response = client.post(
            url,
            {"action": "close", "text": "Works council informed", "version": obligation.version},
            follow=True,
        )
        assert "Attach evidence to the obligation before closing it." in response.content.decode()
        obligation.refresh_from_db()
        assert obligation.status == "open"
        upload(
            client,
            high_risk,
            pdf("works-council-minutes.pdf"),
            target=f"obligation:{obligation.pk}",
        )
        obligation.refresh_from_db()
        close = {"action": "close", "text": "Works council informed 3 March"}
        client.post(url, close)  # as no page sends it: without the version read, refused
        obligation.refresh_from_db()
        assert obligation.status == "open"
        client.post(url, {**close, "version": obligation.version})
        obligation.refresh_from_db()
        assert obligation.status == "closed"

    def test_coverage_page_and_csv(self, client, users, high_risk):
        from reviews.models import ConcernAssessment

        ConcernAssessment.objects.filter(initiative=high_risk, area="ownership").update(
            status="satisfied", score=2
        )
        client.force_login(users["reviewer"])
        page = client.get(reverse("compliance:coverage", args=[high_risk.pk]))
        rows = {r.reference.code: r for r in page.context["rows"]}
        assert rows["GOVERN 2.1"].status == "addressed"
        assert rows["GOVERN 2.1"].addressed_by == ["satisfied assessment: ownership"]
        assert rows["Art. 26(6)"].status == "open"  # a high-risk duty, no evidence yet
        csv_text = client.get(
            reverse("compliance:coverage", args=[high_risk.pk]), {"format": "csv"}
        ).content.decode()
        assert csv_text.splitlines()[0] == (
            "framework,code,title,precision,status,addressed_by,source"
        )
        assert "GOVERN 2.1" in csv_text

    def test_minimal_initiative_has_ai_act_duties_not_applicable(self, client, users):
        initiative = factories.in_review_initiative(sponsor=users["sponsor"])
        client.force_login(users["sponsor"])
        page = client.get(reverse("compliance:coverage", args=[initiative.pk]))
        rows = {r.reference.code: r.status for r in page.context["rows"]}
        assert rows["Art. 26(7)"] == "not_applicable"

    def test_portfolio_coverage_for_portfolio_roles_only(self, client, users, high_risk):
        client.force_login(users["sponsor"])
        assert client.get(reverse("compliance:portfolio_coverage")).status_code == 403
        client.force_login(users["executive"])
        response = client.get(reverse("compliance:portfolio_coverage"))
        assert response.context["counted"] == 1
        csv_text = client.get(
            reverse("compliance:portfolio_coverage"), {"format": "csv"}
        ).content.decode()
        assert csv_text.startswith("framework,code,title,addressed,open,not_applicable,source")

    @pytest.mark.parametrize("export", ["initiative", "portfolio"])
    def test_coverage_csv_cells_a_spreadsheet_would_run_are_exported_as_text(
        self, client, users, high_risk, export
    ):
        from governance.compliance.models import FrameworkReference
        from governance.compliance.services import save_reference

        title = '=HYPERLINK("https://evil.example","Checked")'
        save_reference(
            user=users["it_lead"],
            reference=FrameworkReference.objects.get(code="GOVERN 2.1"),
            fields={"title": title, "note": "+49 89 1234"},
        )
        client.force_login(users["it_lead"])
        url = {
            "initiative": reverse("compliance:coverage", args=[high_risk.pk]),
            "portfolio": reverse("compliance:portfolio_coverage"),
        }[export]
        text = client.get(url, {"format": "csv"}).content.decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        (row,) = [r for r in rows if r["code"] == "GOVERN 2.1"]
        assert row["title"] == "'" + title  # shown as text, never run
        assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())

    def test_reference_edit_page(self, client, users):
        from governance.compliance.models import FrameworkReference

        ref = FrameworkReference.objects.get(code="A.10.3")
        client.force_login(users["reviewer"])
        assert client.get(reverse("compliance:reference_edit", args=[ref.pk])).status_code == 403
        client.force_login(users["it_lead"])
        form_page = client.get(reverse("compliance:reference_edit", args=[ref.pk]))
        assert form_page.status_code == 200
        data = {
            "framework": ref.framework,
            "code": ref.code,
            "title": "Suppliers (third-party AI components)",
            "source": ref.source,
            "precision": ref.precision,
            "note": "",
            "questions": [q.pk for q in ref.questions.all()],
            "version": ref.version,
        }
        response = client.post(reverse("compliance:reference_edit", args=[ref.pk]), data)
        assert response.status_code == 302
        ref.refresh_from_db()
        assert (ref.title, ref.active, ref.version) == (
            "Suppliers (third-party AI components)",
            False,  # the box was not ticked: retired
            2,
        )
        history = client.get(reverse("compliance:reference_edit", args=[ref.pk]))
        assert "reference.changed" in history.content.decode()
        stale = client.post(reverse("compliance:reference_edit", args=[ref.pk]), data)
        assert "changed since you opened it" in stale.content.decode()


@pytest.mark.django_db
def test_obligation_owners_are_chosen_by_name_with_one_directory_read(client, users, high_risk):
    """Every open obligation has a people picker; the people are read once for all of them."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    users["sponsor"].first_name, users["sponsor"].last_name = "Sam", "Sponsor"
    users["sponsor"].save(update_fields=["first_name", "last_name"])
    client.force_login(users["it_lead"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(high_risk.get_absolute_url()).content.decode()
    pickers = page.count('name="owner" class="form-select form-select-sm"')
    assert pickers > 1
    assert page.count('<option value="sponsor">Sam Sponsor</option>') == pickers
    user_table = get_user_model()._meta.db_table
    directory_reads = [
        q["sql"]
        for q in queries.captured_queries
        if f'FROM "{user_table}"' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" not in q["sql"]
    ]
    # One read of everyone for all the obligations' pickers (the others are other roles').
    assert len([sql for sql in directory_reads if "auth_user_groups" not in sql]) == 1
