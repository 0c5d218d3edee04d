"""Writes of regulation and evidence: the obligations of a high-risk classification, evidence
files, and the framework references IT leads keep.

Every write checks who may do it, runs in a transaction and leaves one audit event; an evidence
event holds the file's SHA-256, so the trail proves which bytes were seen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import diff_fields, record_event
from core.errors import FieldRuleError, RuleError, StaleEdit, TransitionNotAllowed
from core.people import display_name
from core.wording import in_sentence
from initiatives import ai_act
from initiatives import permissions as initiative_permissions
from initiatives.models import Initiative, Status
from reviews.models import ChecklistQuestion

from . import content
from .models import (
    TARGET_KEYS,
    EvidenceFile,
    EvidenceTarget,
    Framework,
    FrameworkReference,
    Obligation,
    ObligationStatus,
    ScanResult,
    evidence_storage,
)
from .permissions import can_contribute, can_edit_references, can_remove_evidence

# --- Obligations --------------------------------------------------------------------------------


@transaction.atomic
def sync_obligations(initiative: Initiative, *, user=None, source: str | None = None) -> list:
    """Keep the initiative's obligations in step with its AI Act classification.

    A high-risk class adds each duty it implies as an open obligation (once); duties no longer
    implied become "no longer applies" (kept, with their evidence); implied again, they reopen.
    Drafts get none yet: the screening may still change. One event per obligation changed.
    """
    if initiative.status == Status.DRAFT:
        return []
    duties = {d.code: d for d in ai_act.classify_initiative(initiative).duties}
    existing = {
        o.code: o
        for o in Obligation.objects.select_for_update(no_key=True).filter(initiative=initiative)
    }
    changed = []
    for code, duty in duties.items():
        obligation = existing.get(code)
        if obligation is None:
            obligation = Obligation.objects.create(
                initiative=initiative, code=code, title=duty.title, article=duty.article
            )
            event = ("obligation.added", {"after": {"code": code, "article": duty.article}})
        elif obligation.status == ObligationStatus.NOT_APPLICABLE:
            obligation.status = ObligationStatus.OPEN
            obligation.version += 1
            obligation.save(update_fields=["status", "version"])
            event = ("obligation.applies_again", {"status": ["not_applicable", "open"]})
        else:
            continue
        record_event(
            actor=user,
            action=event[0],
            obj=obligation,
            initiative=initiative,
            changes={
                **event[1],
                "reason": f"AI Act class: {initiative.get_ai_act_class_display()}",
            },
            source=source,
        )
        changed.append(obligation)
    label = initiative.get_ai_act_class_display() or "not screened"
    for code, obligation in existing.items():
        if code in duties or obligation.status == ObligationStatus.NOT_APPLICABLE:
            continue
        before = obligation.status
        obligation.status = ObligationStatus.NOT_APPLICABLE
        obligation.version += 1
        obligation.save(update_fields=["status", "version"])
        record_event(
            actor=user,
            action="obligation.no_longer_applies",
            obj=obligation,
            initiative=initiative,
            changes={
                "status": [before, obligation.status],
                "reason": f"AI Act class: {label}",
            },
            source=source,
        )
        changed.append(obligation)
    return changed


def _locked_obligation(obligation: Obligation, user, expected_version: int | None) -> Obligation:
    locked = (
        Obligation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("initiative")
        .get(pk=obligation.pk)
    )
    initiative_permissions.forget_cached_perms(user)
    if not can_contribute(user, locked.initiative):
        raise PermissionDenied(
            gettext("Only the initiative's people and IT work on its obligations.")
        )
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(
            gettext("This obligation changed since you read it. Nothing was changed: reload first.")
        )
    return locked


def _active_user(person, field: str):
    if person is not None and not person.is_active:
        raise FieldRuleError(
            field,
            gettext("%(person)s is not an active portal user.") % {"person": display_name(person)},
        )
    return person


@transaction.atomic
def assign_obligation(
    *, obligation: Obligation, user, owner, expected_version: int | None = None, source=None
) -> Obligation:
    """Name who sees to an obligation (for human oversight: the person who oversees)."""
    locked = _locked_obligation(obligation, user, expected_version)
    before = locked.owner.username if locked.owner else None
    locked.owner = _active_user(owner, "owner")
    if before == (owner.username if owner else None):
        return locked
    locked.version += 1
    locked.save(update_fields=["owner", "version"])
    record_event(
        actor=user,
        action="obligation.assigned",
        obj=locked,
        initiative=locked.initiative,
        changes={"owner": [before, owner.username if owner else None]},
        source=source,
    )
    return locked


@transaction.atomic
def close_obligation(
    *, obligation: Obligation, user, note: str, expected_version: int | None = None, source=None
) -> Obligation:
    """Close an open obligation: only with evidence attached to it and a note of what it shows;
    human oversight also needs the person who oversees named as its owner."""
    locked = _locked_obligation(obligation, user, expected_version)
    if locked.status != ObligationStatus.OPEN:
        raise TransitionNotAllowed(
            gettext("An obligation that is %(lower)s cannot be closed.")
            % {"lower": in_sentence(locked.get_status_display())}
        )
    evidence = list(
        EvidenceFile.objects.filter(obligation=locked, removed_at__isnull=True).values_list(
            "sha256", flat=True
        )
    )
    if not evidence:
        raise RuleError(gettext("Attach evidence to the obligation before closing it."))
    if locked.code == ai_act.HUMAN_OVERSIGHT.code and locked.owner_id is None:
        raise FieldRuleError("owner", gettext("Name the person who oversees it (the owner) first."))
    note = (note or "").strip()
    if not note:
        raise FieldRuleError("note", gettext("Say what the evidence shows."))
    locked.status = ObligationStatus.CLOSED
    locked.closing_note = note
    locked.closed_by = user
    locked.closed_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "closing_note", "closed_by", "closed_at", "version"])
    record_event(
        actor=user,
        action="obligation.closed",
        obj=locked,
        initiative=locked.initiative,
        changes={"status": ["open", "closed"], "note": note, "evidence_sha256": evidence},
        source=source,
    )
    return locked


@transaction.atomic
def reopen_obligation(
    *, obligation: Obligation, user, reason: str, expected_version: int | None = None, source=None
) -> Obligation:
    """Reopen a closed obligation (the evidence no longer holds), with the reason."""
    locked = _locked_obligation(obligation, user, expected_version)
    if locked.status != ObligationStatus.CLOSED:
        raise TransitionNotAllowed(gettext("Only a closed obligation can be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise FieldRuleError("reason", gettext("Say why it is reopened."))
    locked.status = ObligationStatus.OPEN
    locked.closed_by = None
    locked.closed_at = None
    locked.version += 1
    locked.save(update_fields=["status", "closed_by", "closed_at", "version"])
    record_event(
        actor=user,
        action="obligation.reopened",
        obj=locked,
        initiative=locked.initiative,
        changes={"status": ["closed", "open"], "reason": reason},
        source=source,
    )
    return locked


# --- Evidence -----------------------------------------------------------------------------------

# Which foreign key each target fills (the target's own name); the initiative itself has none.
TARGET_FIELDS = {key: key for key in TARGET_KEYS}


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def upload_evidence(
    *,
    initiative: Initiative,
    user,
    upload,
    title: str = "",
    target: str = EvidenceTarget.INITIATIVE,
    target_object=None,
    replaces: EvidenceFile | None = None,
    references: Iterable[FrameworkReference] = (),
    source: str | None = None,
) -> EvidenceFile:
    """Store an uploaded file as evidence on the initiative or one of its parts.

    Refused before anything is stored: who may not contribute, an oversize file, a type that
    is not accepted or a disguised one (judged by content), a file the virus scanner refuses.
    With `replaces` it is the next version of that document (same target). The bytes go to
    the evidence storage; the row and its audit event (with the SHA-256) commit together, and
    the stored bytes are deleted again if the transaction fails.
    """
    initiative_permissions.forget_cached_perms(user)
    if not can_contribute(user, initiative):
        raise PermissionDenied(gettext("Only the initiative's people and IT upload its evidence."))
    if target not in EvidenceTarget.values:
        raise FieldRuleError("target", gettext("Choose what the evidence is for."))
    if replaces is not None:
        if replaces.initiative_id != initiative.pk:
            raise FieldRuleError(
                "replaces", gettext("That document belongs to another initiative.")
            )
        target = replaces.target
        target_object = replaces.target_object if target != EvidenceTarget.INITIATIVE else None
    field = TARGET_FIELDS.get(target)
    if field is not None and (
        target_object is None or target_object.initiative_id != initiative.pk
    ):
        raise FieldRuleError("target", gettext("Choose one of this initiative's own items."))
    kind = content.check_upload(upload)
    scan = content.scan(upload) or ScanResult.NOT_SCANNED
    digest = _sha256(upload)
    title = (title or "").strip() or (replaces.title if replaces else upload.name)[:200]
    storage = evidence_storage()
    with transaction.atomic():
        if replaces is not None:
            # Lock the document's versions so two uploads of a new version cannot collide.
            versions = EvidenceFile.objects.select_for_update(no_key=True).filter(
                document=replaces.document
            )
            version = (versions.aggregate(n=Max("version"))["n"] or 0) + 1
            document = replaces.document
        else:
            version, document = 1, None
        evidence = EvidenceFile(
            initiative=initiative,
            target=target,
            version=version,
            title=title,
            original_name=upload.name[:255],
            content_type=kind.content_type,
            size=upload.size,
            sha256=digest,
            scan=scan,
            uploaded_by=user,
            **({field: target_object} if field else {}),
            **({"document": document} if document else {}),
        )
        path = f"{initiative.pk}/{evidence.document}/v{version}-{digest[:16]}"
        upload.seek(0)
        stored = storage.save(path, upload)
        try:
            evidence.file.name = stored
            evidence.save()
            evidence.references.set(list(references))
            record_event(
                actor=user,
                action="evidence.uploaded",
                obj=evidence,
                initiative=initiative,
                changes={
                    "after": {
                        "title": evidence.title,
                        "file": evidence.original_name,
                        "sha256": digest,
                        "size": evidence.size,
                        "content_type": evidence.content_type,
                        "target": f"{target}:{getattr(target_object, 'pk', initiative.pk)}",
                        "version": version,
                        "scan": scan,
                    }
                },
                source=source,
            )
        except Exception:
            storage.delete(stored)
            raise
    return evidence


@transaction.atomic
def remove_evidence(
    *, evidence: EvidenceFile, user, reason: str, source: str | None = None
) -> EvidenceFile:
    """Remove an evidence file: its bytes are deleted once the removal commits; the row, its
    SHA-256 and the audit event stay. A closed obligation keeps at least one file."""
    locked = (
        EvidenceFile.objects.select_for_update(of=("self",), no_key=True)
        .select_related("initiative")
        .get(pk=evidence.pk)
    )
    if locked.is_removed:
        raise TransitionNotAllowed(gettext("This file was already removed."))
    if not can_remove_evidence(user, locked):
        raise PermissionDenied(
            gettext("Only whoever uploaded it, IT leads and administrators remove it.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise FieldRuleError("reason", gettext("Say why the file is removed."))
    if locked.obligation_id is not None:
        obligation = Obligation.objects.get(pk=locked.obligation_id)
        others = EvidenceFile.objects.filter(
            obligation=obligation, removed_at__isnull=True
        ).exclude(pk=locked.pk)
        if obligation.status == ObligationStatus.CLOSED and not others.exists():
            raise RuleError(
                gettext(
                    "This is the closed obligation's only evidence: reopen the obligation first."
                )
            )
    locked.removed_at = timezone.now()
    locked.removed_by = user
    locked.removal_reason = reason[:500]
    stored = locked.file.name
    locked.file.name = ""
    locked.save(update_fields=["removed_at", "removed_by", "removal_reason", "file"])
    record_event(
        actor=user,
        action="evidence.removed",
        obj=locked,
        initiative=locked.initiative,
        changes={"sha256": locked.sha256, "file": locked.original_name, "reason": reason},
        source=source,
    )
    transaction.on_commit(lambda: evidence_storage().delete(stored))
    return locked


# --- Framework references -------------------------------------------------------------------------


REFERENCE_FIELDS = ("framework", "code", "title", "source", "precision", "note", "active")


def _reference_snapshot(reference: FrameworkReference) -> dict[str, Any]:
    out = {name: getattr(reference, name) for name in REFERENCE_FIELDS}
    out["questions"] = sorted(q.pk for q in reference.questions.all()) if reference.pk else []
    out["obligations"] = sorted(reference.obligations or [])
    return out


@transaction.atomic
def save_reference(
    *,
    user,
    fields: dict[str, Any],
    reference: FrameworkReference | None = None,
    questions: Iterable[ChecklistQuestion] | None = None,
    expected_version: int | None = None,
    source: str | None = None,
) -> FrameworkReference:
    """IT leads add or edit a framework reference. Retiring one (`active` False) keeps it and
    its history; every edit is one audit event with the old and new values."""
    if not can_edit_references(user):
        raise PermissionDenied(gettext("Only IT leads edit the framework references."))
    if reference is not None:
        reference = FrameworkReference.objects.select_for_update(no_key=True).get(pk=reference.pk)
        if expected_version is not None and reference.version != expected_version:
            raise StaleEdit(
                gettext("This reference was changed since you opened it: reload first.")
            )
    else:
        reference = FrameworkReference()
    before = _reference_snapshot(reference) if reference.pk else None
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    for name, value in fields.items():
        if name not in (*REFERENCE_FIELDS, "obligations"):
            raise RuleError(gettext("Not a field of a reference: %(name)s.") % {"name": name})
        setattr(reference, name, value)
    if reference.framework not in Framework.values:
        raise FieldRuleError("framework", gettext("Choose a framework."))
    for name in ("code", "title", "source"):
        if not getattr(reference, name):
            raise FieldRuleError(name, gettext("Required."))
    unknown = [code for code in reference.obligations or [] if code not in ai_act.DUTIES]
    if unknown:
        raise FieldRuleError(
            "obligations",
            gettext("Unknown obligation(s): %(join)s.") % {"join": ", ".join(unknown)},
        )
    clash = FrameworkReference.objects.filter(
        framework=reference.framework, code__iexact=reference.code
    ).exclude(pk=reference.pk)
    if clash.exists():
        raise FieldRuleError(
            "code", gettext("This framework already has a reference with that code.")
        )
    created = reference.pk is None
    if not created:
        reference.version += 1
    reference.save()
    if questions is not None:
        reference.questions.set(list(questions))
    after = _reference_snapshot(reference)
    if created:
        changes: dict[str, Any] = {"after": after}
    else:
        changes = diff_fields(before, after)
        if not changes:
            FrameworkReference.objects.filter(pk=reference.pk).update(version=reference.version - 1)
            reference.version -= 1
            return reference
    record_event(
        actor=user,
        action="reference.added" if created else "reference.changed",
        obj=reference,
        changes=changes,
        source=source,
    )
    return reference
