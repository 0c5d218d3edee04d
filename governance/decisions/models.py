"""The decision log and change control of the AI itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DecisionKind(models.TextChoices):
    APPROVAL = "approval", _("Approval with conditions")
    RISK_ACCEPTANCE = "risk_acceptance", _("Accepted risk")
    ARCHITECTURE = "architecture", _("Architecture decision")
    VENDOR_SELECTION = "vendor_selection", _("Vendor selection")
    ESCALATION = "escalation", _("Escalation to executives")


class Decision(models.Model):
    """An entry in an initiative's decision log. Escalations are decisions of their own kind,
    so the dashboard can weigh escalation against partnership."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    summary = models.CharField(max_length=300)
    rationale = models.TextField(max_length=4000, blank=True)
    conditions = models.TextField(max_length=4000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accountable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who accepts the risk; required for risk acceptance."),
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    # Vendor selection names one of the initiative's candidates; the name is kept as well, so
    # the log stays readable if the candidate list is edited later.
    vendor = models.ForeignKey(
        "initiatives.VendorCandidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    vendor_name = models.CharField(max_length=200, blank=True)
    # "Tool chosen before IT was involved", caught when it happens: a vendor selected before IT
    # scored it carries this flag and the reason it could not wait.
    before_it_assessment = models.BooleanField(
        default=False, help_text=_("The vendor was selected before IT scored it.")
    )
    unscored_rationale = models.TextField(
        max_length=4000, blank=True, help_text=_("Why it was selected before IT scored it.")
    )
    # An escalation is recorded only after the partnership route (the concern as a design input
    # on the next working session's agenda) was offered and declined.
    partnership_offered = models.BooleanField(
        default=False,
        help_text=_(
            "The partnership route was offered before escalating (escalations since it exists)."
        ),
    )
    discussed_in_session = models.CharField(
        max_length=3,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        blank=True,
        help_text=_("For an escalation: was the concern discussed in a working session first?"),
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "decided_at"]),
            # The log's order: a page of the newest is read from this index, not sorted.
            models.Index(fields=["-decided_at", "-id"], name="decision_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=DecisionKind.RISK_ACCEPTANCE)
                | models.Q(accountable__isnull=False),
                name="risk_acceptance_names_accountable",
            ),
            models.CheckConstraint(
                condition=models.Q(before_it_assessment=False)
                | (models.Q(kind=DecisionKind.VENDOR_SELECTION) & ~models.Q(unscored_rationale="")),
                name="vendor_before_it_assessment_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"


class ChangeKind(models.TextChoices):
    NEW_MODEL_VERSION = "new_model_version", _("New model version")
    NEW_DATA_SOURCE = "new_data_source", _("New data source")
    NEW_INTEGRATION = "new_integration", _("New integration")
    OTHER = "other", _("Other change")


class ChangeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state of an obligation or change request", "Open")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IMPLEMENTED = "implemented", _("Implemented")


class ChangeRequest(models.Model):
    """A requested change to the AI itself. Creating one re-opens the concern assessments
    the change affects, so IT looks again before it reaches production."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    description = models.TextField(max_length=4000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.OPEN
    )
    reopened_areas = models.JSONField(
        default=list, blank=True, help_text=_("Concern areas whose assessment it re-opened")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["initiative", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:80]}"


class ProductionRelease(models.Model):
    """What runs in production: model and vendor versions, newest first. The newest row is the
    current production state; older rows are its history."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="production_releases"
    )
    model_name = models.CharField(max_length=200)
    model_version = models.CharField(max_length=100)
    vendor_name = models.CharField(max_length=200, blank=True)
    vendor_version = models.CharField(max_length=100, blank=True)
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="releases"
    )
    notes = models.TextField(max_length=2000, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-released_at", "-id"]
        indexes = [models.Index(fields=["initiative", "released_at"])]

    def __str__(self) -> str:
        vendor = f" ({self.vendor_name} {self.vendor_version})".rstrip() if self.vendor_name else ""
        return f"{self.model_name} {self.model_version}{vendor}"
