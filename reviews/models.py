"""IT review: who reviews what, the seven concern assessments, and findings as design inputs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ConcernArea(models.TextChoices):
    SECURITY = "security", _("Security & data exposure")
    OWNERSHIP = "ownership", _("Ownership & accountability")
    ARCHITECTURE = "architecture", _("Architecture & integration")
    GOVERNANCE = "governance", _("Governance")
    VENDOR = "vendor", _("Vendor lock-in & survivability")
    PERFORMANCE = "performance", _("Performance & reliability")
    # Can IT, and the operator on the line, understand why the AI recommends what it does, and
    # is an override possible and logged?
    EXPLAINABILITY = "explainability", _("Explainability & operator trust")


class ReviewAssignment(models.Model):
    """An IT reviewer assigned to an initiative, for all concerns or for one concern area."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    concern_area = models.CharField(
        max_length=20, choices=ConcernArea.choices, blank=True, help_text=_("Empty: all areas.")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "reviewer", "concern_area"], name="unique_review_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.initiative_id} ({self.concern_area or 'all areas'})"


class AssessmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    NEEDS_INFO = "needs_info", _("Needs info")
    SATISFIED = "satisfied", _("Satisfied")


class ConcernAssessment(models.Model):
    """IT's assessment of one concern area of one initiative. Score: 1 (low risk) – 5 (high)."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="assessments"
    )
    area = models.CharField(max_length=20, choices=ConcernArea.choices)
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_STARTED
    )
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("1 low – 5 high risk")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rationale = models.TextField(max_length=4000, blank=True)
    # Readiness 0–100 for this concern, computed by governance.risk from the assessment and the
    # open design inputs; null until first computed.
    readiness = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency for reviewers editing the same assessment.
    version = models.PositiveIntegerField(default=1)
    # An IT lead may rule the concern out for this initiative, with a reason; it then counts as
    # assessed for "ready for build" (reviews.services.readiness).
    not_applicable_reason = models.TextField(max_length=2000, blank=True)
    not_applicable_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    not_applicable_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["initiative", "area"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "area"], name="one_assessment_per_area"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="assessment_score_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(readiness__isnull=True) | Q(readiness__lte=100),
                name="assessment_readiness_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} for initiative {self.initiative_id}"

    @property
    def not_applicable(self) -> bool:
        return bool(self.not_applicable_reason)

    @property
    def counts_as_assessed(self) -> bool:
        """Done for "ready for build": satisfied, or ruled not applicable by an IT lead."""
        return self.status == AssessmentStatus.SATISFIED or self.not_applicable


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class DesignInputStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    INCORPORATED = "incorporated", _("Incorporated into the design")
    RISK_ACCEPTED = "risk_accepted", _("Risk accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_DESIGN_INPUT_STATUSES = (DesignInputStatus.RAISED, DesignInputStatus.SOLUTION_PROPOSED)


class DesignInput(models.Model):
    """A finding from IT, tracked until it is incorporated into the design (not a veto)."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="design_inputs"
    )
    area = models.CharField(max_length=20, choices=ConcernArea.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    proposed_solution = models.TextField(max_length=4000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_design_inputs",
        help_text=_("Who must act on it next."),
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=DesignInputStatus.choices, default=DesignInputStatus.RAISED
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="raised_design_inputs"
    )
    # The partnership route: raised by the sponsor side for the next working session instead of
    # escalating to executives (governance.decisions offers it before an escalation).
    instead_of_escalation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # What changed in the design (incorporated), or why the risk was accepted, and by whom.
    resolution = models.TextField(max_length=4000, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_design_inputs",
    )
    # The sponsor marks it incorporated; IT confirms the design really changed.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="confirmed_design_inputs",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["initiative", "status"]),
            models.Index(fields=["status", "severity", "created_at"]),
            models.Index(fields=["owner", "status"]),
            # Lists show the newest findings first.
            models.Index(fields=["-created_at"], name="design_input_newest_first"),
            # "What blocks": the oldest open high-severity inputs across the portfolio.
            models.Index(
                fields=["created_at"],
                condition=Q(severity="high", status__in=["raised", "solution_proposed"]),
                name="open_high_inputs_oldest_first",
            ),
            # My work: incorporated inputs IT has not confirmed yet (few, among many confirmed).
            models.Index(
                fields=["initiative", "raised_by"],
                condition=Q(status="incorporated", confirmed_at__isnull=True),
                name="inputs_awaiting_confirmation",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DesignInputStatus.RISK_ACCEPTED) | Q(accepted_by__isnull=False),
                name="accepted_risk_names_a_person",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DESIGN_INPUT_STATUSES


class AssessmentScoreChange(models.Model):
    """One change of an assessment's score or status, kept so the history of scores survives."""

    assessment = models.ForeignKey(
        ConcernAssessment, on_delete=models.CASCADE, related_name="score_history"
    )
    at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_score = models.PositiveSmallIntegerField(null=True, blank=True)
    to_score = models.PositiveSmallIntegerField(null=True, blank=True)
    from_status = models.CharField(max_length=20, choices=AssessmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=AssessmentStatus.choices)
    note = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["assessment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.from_score or '—'} → {self.to_score or '—'}"


class ChecklistQuestion(models.Model):
    """A standard question IT asks in one concern area; IT leads edit the list in the portal."""

    area = models.CharField(max_length=20, choices=ConcernArea.choices)
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text=_("Inactive questions keep old answers."))

    class Meta:
        ordering = ["area", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "text"], name="unique_question_per_area")
        ]

    def __str__(self) -> str:
        return self.text


class ChecklistAnswer(models.Model):
    """The answer to one checklist question in one assessment."""

    assessment = models.ForeignKey(
        ConcernAssessment, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(ChecklistQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer[:40]}"


class EvaluationCriterion(models.Model):
    """What IT compares vendors on for one initiative, with its weight in the ranking."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="evaluation_criteria"
    )
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(default=1, help_text=_("1–10; relative importance."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["initiative", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "name"], name="unique_criterion_name"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=10), name="criterion_weight_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VendorScore(models.Model):
    """IT's score of one vendor on one criterion: 1 (poor) – 5 (excellent)."""

    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.CASCADE, related_name="scores"
    )
    vendor = models.ForeignKey(
        "initiatives.VendorCandidate", on_delete=models.CASCADE, related_name="scores"
    )
    score = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=500, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion", "vendor"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "vendor"], name="one_score_per_vendor"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="vendor_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor_id} on {self.criterion}: {self.score}"


class ComponentOwnership(models.Model):
    """The IT owner with design authority over one integration component, and its design notes."""

    integration = models.OneToOneField(
        "initiatives.IntegrationPoint", on_delete=models.CASCADE, related_name="ownership"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_components"
    )
    design_notes = models.TextField(max_length=8000, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["integration"]

    def __str__(self) -> str:
        return f"{self.integration} (owner {self.owner})"


class ComponentDecision(models.Model):
    """A design decision on a component, recorded by its owner (or an IT lead)."""

    component = models.ForeignKey(
        ComponentOwnership, on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["component", "decided_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class FallbackTestResult(models.TextChoices):
    PASSED = "passed", _("Passed: the work ran manually without the AI")
    FAILED = "failed", _("Failed: the manual fallback did not hold")


class FallbackTest(models.Model):
    """A test of a safety-critical initiative's manual fallback: who ran it, when, the result.

    A safety-critical initiative is ready for build only once its latest test passed.
    """

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="fallback_tests"
    )
    tested_by = models.CharField(
        max_length=200, help_text=_("Who ran the test (e.g. shift supervisor Line 3).")
    )
    tested_on = models.DateField()
    result = models.CharField(max_length=10, choices=FallbackTestResult.choices)
    notes = models.TextField(max_length=4000, blank=True, help_text=_("What was tried, what held."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tested_on", "-id"]

    def __str__(self) -> str:
        return f"Fallback test of {self.tested_on:%d %b %Y}: {self.get_result_display()}"

    @property
    def passed(self) -> bool:
        return self.result == FallbackTestResult.PASSED
