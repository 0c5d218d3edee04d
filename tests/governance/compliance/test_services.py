"""Obligations follow the AI Act class and close only with evidence; evidence is checked by
content, versioned, hashed into the audit trail and removed without losing its hash."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from core.errors import FieldRuleError, RuleError, StaleEdit, TransitionNotAllowed
from governance.compliance import services
from governance.compliance.models import EvidenceFile, Obligation, ObligationStatus
from initiatives import services as initiative_services
from reviews.models import ConcernAssessment
from tests import factories

from .conftest import PDF_BYTES, pdf

DEPLOYER_DUTIES = ["human_oversight", "log_retention", "workers_informed", "ai_literacy"]


def codes(initiative, status=None):
    qs = Obligation.objects.filter(initiative=initiative).order_by("id")
    if status:
        qs = qs.filter(status=status)
    return list(qs.values_list("code", flat=True))


@pytest.mark.django_db
class TestObligationLifecycle:
    def test_submission_of_a_high_risk_initiative_adds_the_deployer_duties(self, high_risk):
        assert codes(high_risk) == DEPLOYER_DUTIES
        added = AuditEvent.objects.filter(initiative=high_risk, action="obligation.added")
        assert added.count() == 4

    def test_drafts_get_no_obligations_yet(self, users):
        draft = factories.complete_initiative(
            sponsor=users["sponsor"], ai_act_annex_iii=["workers_management"]
        )
        assert draft.ai_act_class == "high_risk"
        assert codes(draft) == []

    def test_fria_where_it_applies(self, users):
        initiative = factories.submitted_initiative(
            sponsor=users["sponsor"], ai_act_annex_iii=["essential_services"]
        )
        assert "fria" in codes(initiative)

    def test_reclassification_retires_and_revives_obligations(self, users, high_risk):
        initiative_services.review_screening(
            initiative=high_risk,
            user=users["it_lead"],
            answers={"ai_act_annex_iii": ["none"]},
            note="Shift planning by rota only: not Annex III.",
            expected_version=None,
        )
        assert codes(high_risk, ObligationStatus.NOT_APPLICABLE) == DEPLOYER_DUTIES
        initiative_services.review_screening(
            initiative=high_risk,
            user=users["it_lead"],
            answers={"ai_act_annex_iii": ["workers_management"]},
            note="It does rank workers after all.",
            expected_version=None,
        )
        assert codes(high_risk, ObligationStatus.OPEN) == DEPLOYER_DUTIES
        assert Obligation.objects.filter(initiative=high_risk).count() == 4

    def test_closing_needs_evidence_then_closes_and_reopens(self, users, high_risk):
        obligation = Obligation.objects.get(initiative=high_risk, code="log_retention")
        with pytest.raises(RuleError, match="Attach evidence"):
            services.close_obligation(obligation=obligation, user=users["sponsor"], note="Done")
        obligation.refresh_from_db()
        assert (obligation.status, obligation.version) == (ObligationStatus.OPEN, 1)

        evidence = services.upload_evidence(
            initiative=high_risk,
            user=users["sponsor"],
            upload=pdf("retention-policy.pdf"),
            target="obligation",
            target_object=obligation,
        )
        closed = services.close_obligation(
            obligation=obligation, user=users["sponsor"], note="Logs kept 12 months in Splunk."
        )
        assert closed.status == ObligationStatus.CLOSED and closed.closed_by == users["sponsor"]
        event = AuditEvent.objects.get(action="obligation.closed")
        assert event.changes["evidence_sha256"] == [evidence.sha256]

        with pytest.raises(RuleError, match="only evidence"):
            services.remove_evidence(evidence=evidence, user=users["sponsor"], reason="Wrong file")
        assert EvidenceFile.objects.get(pk=evidence.pk).removed_at is None

        reopened = services.reopen_obligation(
            obligation=closed, user=users["reviewer"], reason="Retention is 3 months in fact."
        )
        assert reopened.status == ObligationStatus.OPEN and reopened.closed_at is None

    def test_human_oversight_needs_its_person_named(self, users, high_risk):
        obligation = Obligation.objects.get(initiative=high_risk, code="human_oversight")
        services.upload_evidence(
            initiative=high_risk,
            user=users["reviewer"],
            upload=pdf("oversight-raci.pdf"),
            target="obligation",
            target_object=obligation,
        )
        with pytest.raises(FieldRuleError) as refused:
            services.close_obligation(obligation=obligation, user=users["sponsor"], note="RACI")
        assert refused.value.field == "owner"
        services.assign_obligation(
            obligation=obligation, user=users["sponsor"], owner=users["norole"]
        )
        closed = services.close_obligation(
            obligation=obligation, user=users["sponsor"], note="RACI"
        )
        assert closed.status == ObligationStatus.CLOSED

    def test_refusals_change_nothing(self, users, high_risk):
        obligation = Obligation.objects.get(initiative=high_risk, code="ai_literacy")
        with pytest.raises(PermissionDenied):
            services.assign_obligation(
                obligation=obligation, user=users["other_sponsor"], owner=users["sponsor"]
            )
        with pytest.raises(StaleEdit):
            services.assign_obligation(
                obligation=obligation,
                user=users["sponsor"],
                owner=users["sponsor"],
                expected_version=7,
            )
        with pytest.raises(TransitionNotAllowed):
            services.reopen_obligation(obligation=obligation, user=users["sponsor"], reason="x")
        obligation.refresh_from_db()
        assert (obligation.owner, obligation.version, obligation.status) == (None, 1, "open")
        assert not AuditEvent.objects.filter(action__startswith="obligation.assigned").exists()


@pytest.mark.django_db
class TestEvidence:
    def test_upload_stores_the_bytes_and_audits_their_hash(self, users, high_risk, evidence_store):
        evidence = services.upload_evidence(
            initiative=high_risk, user=users["reviewer"], upload=pdf(), title="Vendor SOC 2"
        )
        stored = (evidence_store / evidence.file.name).read_bytes()
        assert stored == PDF_BYTES
        event = AuditEvent.objects.get(action="evidence.uploaded")
        assert event.changes["after"]["sha256"] == hashlib.sha256(stored).hexdigest()
        assert evidence.sha256 == event.changes["after"]["sha256"]
        assert (evidence.content_type, evidence.scan) == ("application/pdf", "not_scanned")

    @pytest.mark.parametrize(
        ("name", "body", "message"),
        [
            ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "“setup.pdf” is a Windows executable"),
            ("page.txt", b"<html><script>alert(1)</script></html>", "HTML, SVG or XML markup"),
            ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "really a PNG image"),
            ("notes.docx", b"PK\x03\x04" + b"\x00" * 64, "is a ZIP file"),
            ("blank.txt", b"", "The file is empty."),
        ],
    )
    def test_disguised_and_refused_types(
        self, users, high_risk, evidence_store, name, body, message
    ):
        upload = SimpleUploadedFile(name, body, content_type="application/pdf")
        with pytest.raises(FieldRuleError) as refused:
            services.upload_evidence(initiative=high_risk, user=users["reviewer"], upload=upload)
        assert refused.value.field == "file"
        assert message in str(refused.value)
        assert not EvidenceFile.objects.exists()
        assert not AuditEvent.objects.filter(action="evidence.uploaded").exists()
        assert not evidence_store.exists() or not any(evidence_store.rglob("*.*"))

    def test_oversize_file_is_refused(self, settings, users, high_risk):
        settings.EVIDENCE_MAX_BYTES = 1024 * 1024
        upload = pdf(body=PDF_BYTES + b"0" * (2 * 1024 * 1024))
        with pytest.raises(FieldRuleError, match="The file is 2.0 MB; at most 1 MB"):
            services.upload_evidence(initiative=high_risk, user=users["reviewer"], upload=upload)
        assert not EvidenceFile.objects.exists()

    def test_new_upload_of_the_same_document_is_a_new_version(self, users, high_risk):
        first = services.upload_evidence(
            initiative=high_risk, user=users["sponsor"], upload=pdf(), title="DPIA"
        )
        second = services.upload_evidence(
            initiative=high_risk,
            user=users["reviewer"],
            upload=pdf(body=PDF_BYTES + b"% revised\n"),
            replaces=first,
        )
        assert (second.document, second.version, second.title) == (first.document, 2, "DPIA")
        assert second.sha256 != first.sha256

    def test_evidence_on_each_kind_of_target(self, users, high_risk):
        from governance.decisions.services import record_decision

        assessment = ConcernAssessment.objects.filter(initiative=high_risk).first()
        design_input = factories.design_input(initiative=high_risk, raised_by=users["reviewer"])
        decision = record_decision(
            initiative=high_risk, user=users["it_lead"], kind="architecture", summary="Edge only"
        )
        obligation = Obligation.objects.filter(initiative=high_risk).first()
        for kind, target in [
            ("assessment", assessment),
            ("design_input", design_input),
            ("decision", decision),
            ("obligation", obligation),
        ]:
            evidence = services.upload_evidence(
                initiative=high_risk,
                user=users["reviewer"],
                upload=pdf(f"{kind}.pdf"),
                target=kind,
                target_object=target,
            )
            assert evidence.target_object == target

    def test_target_of_another_initiative_is_refused(self, users, high_risk):
        other = factories.in_review_initiative(sponsor=users["other_sponsor"])
        foreign = factories.design_input(initiative=other, raised_by=users["it_lead"])
        with pytest.raises(FieldRuleError, match="this initiative's own items"):
            services.upload_evidence(
                initiative=high_risk,
                user=users["reviewer"],
                upload=pdf(),
                target="design_input",
                target_object=foreign,
            )
        assert not EvidenceFile.objects.exists()

    def test_outsiders_cannot_upload(self, users, high_risk):
        with pytest.raises(PermissionDenied):
            services.upload_evidence(
                initiative=high_risk, user=users["other_sponsor"], upload=pdf()
            )
        assert not EvidenceFile.objects.exists()

    def test_removal_deletes_the_bytes_and_keeps_the_hash(
        self, users, high_risk, evidence_store, django_capture_on_commit_callbacks
    ):
        evidence = services.upload_evidence(
            initiative=high_risk, user=users["sponsor"], upload=pdf()
        )
        path = evidence_store / evidence.file.name
        with pytest.raises(PermissionDenied):
            services.remove_evidence(evidence=evidence, user=users["reviewer"], reason="Mine now")
        assert path.exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.remove_evidence(evidence=evidence, user=users["sponsor"], reason="Outdated")
        assert not path.exists()
        evidence.refresh_from_db()
        assert evidence.is_removed and evidence.sha256
        event = AuditEvent.objects.get(action="evidence.removed")
        assert event.changes["sha256"] == evidence.sha256


@pytest.mark.django_db
class TestReferences:
    def test_catalogue_is_loaded_with_its_sources(self):
        from governance.compliance.catalogue import read_catalogue
        from governance.compliance.models import FrameworkReference

        data = read_catalogue()
        assert FrameworkReference.objects.count() == len(data["references"])
        log = FrameworkReference.objects.get(framework="eu_ai_act", code="Art. 26(6)")
        assert "at least six months" in log.title
        assert log.source.startswith("Regulation (EU) 2024/1689")
        assert log.obligations == ["log_retention"]
        govern = FrameworkReference.objects.get(code="GOVERN 2.1")
        assert {q.area for q in govern.questions.all()} == {"ownership"}
        # Every reference is addressed by something, and cites where it comes from.
        for ref in FrameworkReference.objects.prefetch_related("questions"):
            assert ref.questions.exists() or ref.obligations, ref.code
            assert ref.source and (ref.precision == "exact" or ref.note), ref.code

    def test_it_lead_edits_and_retires_with_history(self, users):
        from governance.compliance.models import FrameworkReference

        ref = FrameworkReference.objects.get(code="MAP 4")
        saved = services.save_reference(
            user=users["it_lead"],
            reference=ref,
            fields={"code": "MAP 4.1", "precision": "exact", "active": False},
            expected_version=ref.version,
        )
        assert (saved.code, saved.active, saved.version) == ("MAP 4.1", False, 2)
        event = AuditEvent.objects.get(action="reference.changed")
        assert event.changes["code"] == ["MAP 4", "MAP 4.1"]
        assert event.changes["active"] == [True, False]

    def test_reference_refusals(self, users):
        from governance.compliance.models import FrameworkReference

        ref = FrameworkReference.objects.get(code="MAP 4")
        with pytest.raises(PermissionDenied):
            services.save_reference(user=users["reviewer"], reference=ref, fields={"title": "x"})
        with pytest.raises(FieldRuleError, match="already has"):
            services.save_reference(user=users["it_lead"], reference=ref, fields={"code": "map 5"})
        with pytest.raises(FieldRuleError, match="Unknown obligation"):
            services.save_reference(
                user=users["it_lead"], reference=ref, fields={"obligations": ["coffee"]}
            )
        ref.refresh_from_db()
        assert (ref.code, ref.version, ref.obligations) == ("MAP 4", 1, [])
