"""Regulation and evidence: framework references, the deployer obligations of a high-risk
classification, and evidence files attached to an initiative and its parts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Framework(models.TextChoices):
    NIST_AI_RMF = "nist_ai_rmf", _("NIST AI RMF 1.0")
    ISO_42001 = "iso_42001", _("ISO/IEC 42001:2023 Annex A")
    EU_AI_ACT = "eu_ai_act", _("EU AI Act")


class Precision(models.TextChoices):
    """How exactly a reference names its framework item."""

    EXACT = "exact", _("Exact item")
    CATEGORY = "category", _("Category level")


class FrameworkReference(models.Model):
    """One item of a framework (a NIST AI RMF category or subcategory, an ISO/IEC 42001 Annex A
    control, an AI Act article) with the checklist questions and obligations that address it.

    Shipped as versioned data (`fixtures/framework_references.json`, `catalogue` names the
    release) and edited by IT leads in the portal; a retired reference stays, inactive, with
    its history in the audit trail.
    """

    framework = models.CharField(max_length=20, choices=Framework.choices)
    code = models.CharField(max_length=40, help_text=_("e.g. GOVERN 1.2, A.6.2.8, Art. 26(7)"))
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=300, help_text=_("The document the item is cited from."))
    precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.EXACT)
    note = models.TextField(max_length=2000, blank=True)
    catalogue = models.CharField(
        max_length=20,
        blank=True,
        help_text=_("The shipped catalogue release; empty if added here."),
    )
    active = models.BooleanField(default=True, help_text=_("Retired references keep history."))
    questions = models.ManyToManyField(
        "reviews.ChecklistQuestion", blank=True, related_name="framework_references"
    )
    obligations = models.JSONField(
        default=list, blank=True, help_text=_("Codes of the AI Act obligations that address it.")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["framework", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_framework_code")
        ]

    def __str__(self) -> str:
        return f"{self.get_framework_display()} {self.code}"


class ObligationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state of an obligation or change request", "Open")
    CLOSED = "closed", _("Closed with evidence")
    NOT_APPLICABLE = "not_applicable", _("No longer applies")


class Obligation(models.Model):
    """A duty the AI Act puts on a high-risk system's deployer (or provider), tracked until it
    is closed with evidence. Created and retired by `services.sync_obligations`."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="obligations"
    )
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    article = models.CharField(max_length=30)
    status = models.CharField(
        max_length=20, choices=ObligationStatus.choices, default=ObligationStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_obligations",
        help_text=_("Who sees to it; for human oversight, the person who oversees."),
    )
    closing_note = models.TextField(max_length=4000, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["initiative", "id"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="one_obligation_per_code"),
            models.CheckConstraint(
                condition=~Q(status=ObligationStatus.CLOSED)
                | Q(closed_by__isnull=False, closed_at__isnull=False),
                name="closed_obligation_names_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article}: {self.title}"


class EvidenceTarget(models.TextChoices):
    INITIATIVE = "initiative", _("The initiative")
    ASSESSMENT = "assessment", _("Concern assessment")
    DESIGN_INPUT = "design_input", _("Design input")
    DECISION = "decision", _("Decision")
    OBLIGATION = "obligation", _("Obligation")


class ScanResult(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("Not scanned (no virus scanner configured)")
    CLEAN = "clean", _("Scanned: clean")


# The targets that are a row of their own, each with the foreign key that names it.
TARGET_KEYS = ("assessment", "design_input", "decision", "obligation")


def _one_target_condition() -> Q:
    """target = "initiative" with no key set, or target = X with exactly X's key set."""
    condition = Q(target=EvidenceTarget.INITIATIVE, **{f"{k}__isnull": True for k in TARGET_KEYS})
    for key in TARGET_KEYS:
        condition |= Q(target=key, **{f"{k}__isnull": k != key for k in TARGET_KEYS})
    return condition


def evidence_storage():
    """The storage evidence files live in (`STORAGES["evidence"]`): the file system, or any
    S3-compatible store; never served at a public address."""
    from django.core.files.storage import storages

    return storages["evidence"]


class EvidenceFile(models.Model):
    """One version of a document kept as evidence. A new upload of the same document is the
    next version; removing one deletes its bytes but keeps this row and its SHA-256."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="evidence_files"
    )
    target = models.CharField(max_length=20, choices=EvidenceTarget.choices)
    assessment = models.ForeignKey(
        "reviews.ConcernAssessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    design_input = models.ForeignKey(
        "reviews.DesignInput", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "governance.Decision", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    document = models.UUIDField(default=uuid.uuid4, help_text=_("The same for every version."))
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    file = models.FileField(storage=evidence_storage, max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan = models.CharField(
        max_length=20, choices=ScanResult.choices, default=ScanResult.NOT_SCANNED
    )
    references = models.ManyToManyField(
        FrameworkReference, blank=True, related_name="evidence_files"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["initiative", "document", "-version"]
        indexes = [models.Index(fields=["initiative", "target"])]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="one_evidence_version"),
            # Exactly the foreign key its target names is set (none for the initiative itself).
            models.CheckConstraint(
                condition=_one_target_condition(),
                name="evidence_names_its_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.original_name})"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def target_object(self):
        return {
            EvidenceTarget.ASSESSMENT: self.assessment,
            EvidenceTarget.DESIGN_INPUT: self.design_input,
            EvidenceTarget.DECISION: self.decision,
            EvidenceTarget.OBLIGATION: self.obligation,
        }.get(self.target, self.initiative)
