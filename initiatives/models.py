"""An AI initiative as a business sponsor registers it, early, with what IT needs to say yes."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from landscape.models import EnterpriseSystem, SystemKind

from .ai_act import AiActClass, AiActRole, AnnexI, GpaiUse, Screening, classify_initiative, describe


class Site(models.Model):
    """A plant or site; initiatives are filtered and compared by site."""

    name = models.CharField(max_length=120, unique=True)
    country = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BusinessUnit(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    IDEA = "idea", _("Idea")
    DESIGN = "design", _("Design")
    VENDOR_SELECTION = "vendor_selection", _("Vendor selection")
    BUILD = "build", _("Build")
    PILOT = "pilot", _("Pilot")
    PRODUCTION = "production", _("Production")


# IT involvement counts as "early" when it starts before a vendor is chosen or a design fixed.
EARLY_PHASES = frozenset({Phase.IDEA, Phase.DESIGN})

# The review queue's urgency. Later phases are more urgent: the design is about to be fixed
# without IT's input. Defined here, beside the index that serves the queue in this order.
PHASE_URGENCY = {
    Phase.PRODUCTION: 6,
    Phase.PILOT: 5,
    Phase.BUILD: 4,
    Phase.VENDOR_SELECTION: 3,
    Phase.DESIGN: 2,
    Phase.IDEA: 1,
}


def safety_rank() -> models.Case:
    """1 for a safety-critical initiative, else 0 (the queue's first sort key, descending)."""
    return models.Case(
        models.When(safety_critical="yes", then=models.Value(1)),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )


def phase_rank() -> models.Case:
    """The phase's urgency, 1–6 (the queue's second sort key, descending)."""
    return models.Case(
        *[models.When(phase=p, then=models.Value(rank)) for p, rank in PHASE_URGENCY.items()],
        default=models.Value(0),
        output_field=models.IntegerField(),
    )


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to IT")
    IN_REVIEW = "in_review", _("In IT partnership")
    READY_FOR_BUILD = "ready_for_build", _("Ready for build")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The statuses in which IT works with the initiative: its risk is tracked, its standing session
# runs, and a change to the AI goes through change control.
ACTIVE_STATUSES = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.READY_FOR_BUILD})


class YesNo(models.TextChoices):
    """An explicit answer; an empty value means the sponsor has not answered yet."""

    YES = "yes", _("Yes")
    NO = "no", _("No")


class RiskLevel(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BLOCKED = "blocked", _("Blocked")


# The Initiative columns the reviews app keeps for the review queue (see Initiative).
QUEUE_FACT_FIELDS = frozenset(
    {
        "queue_assessment_started",
        "queue_it_has_work",
        "queue_sponsor_has_work",
        "queue_open_inputs",
        "queue_open_high_inputs",
    }
)


class Initiative(models.Model):
    # Step 1 — the idea
    title = models.CharField(max_length=200)
    business_problem = models.TextField(max_length=4000, blank=True)
    expected_value = models.TextField(max_length=4000, blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True)
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.PROTECT, null=True, blank=True)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.IDEA)
    target_decision_date = models.DateField(
        null=True, blank=True, help_text=_("When the business needs a go/no-go decision.")
    )
    confidential = models.BooleanField(
        default=False,
        help_text=_("Visible only to its own people, IT leads and executives."),
    )

    # People
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sponsored_initiatives"
    )
    co_sponsors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_sponsored_initiatives"
    )

    # Step 2 — decision ownership
    decision_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_decisions",
        help_text=_("Owns the decisions the AI supports."),
    )
    output_actors = models.TextField(
        max_length=2000, blank=True, help_text=_("Who acts on the AI's output, day to day.")
    )
    accountable_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountable_initiatives",
        help_text=_("Accountable when the AI is wrong."),
    )
    override_authority = models.TextField(
        max_length=2000, blank=True, help_text=_("Who may override the AI, and how.")
    )
    # Explainability and operator trust (the concern area of the same name): what the people
    # who act on the output understand of it, and whether an override leaves a trace.
    output_explanation = models.TextField(
        max_length=2000,
        blank=True,
        help_text=_("How an output is explained to the people who act on it."),
    )
    operator_view = models.TextField(
        max_length=2000,
        blank=True,
        help_text=_("What the operator sees with a recommendation, including its confidence."),
    )
    override_logged = models.CharField(
        max_length=3,
        choices=YesNo.choices,
        blank=True,
        help_text=_("Is every override of a recommendation logged (who, when, why)?"),
    )

    # Step 3 — risk boundaries (data assets are rows of DataAsset)
    allowed_actions = models.TextField(max_length=4000, blank=True)
    forbidden_actions = models.TextField(max_length=4000, blank=True)
    failure_fallback = models.TextField(
        max_length=4000,
        blank=True,
        help_text=_("What happens when it fails: fallback, manual mode."),
    )
    safety_critical = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    regulated = models.CharField(max_length=3, choices=YesNo.choices, blank=True)

    # Step 4 — stack (integrations and vendors are rows of their own)
    sso_requirements = models.TextField(max_length=2000, blank=True)
    new_platforms = models.TextField(max_length=2000, blank=True)

    # Step 5 — support model
    maintained_by = models.CharField(max_length=300, blank=True)
    monitored_by = models.CharField(max_length=300, blank=True)
    update_process = models.TextField(
        max_length=2000, blank=True, help_text=_("How model or vendor updates are made.")
    )
    model_documentation = models.TextField(
        max_length=2000,
        blank=True,
        help_text=_("The model's documentation or model card: where it is, what it covers."),
    )
    drift_detection = models.TextField(
        max_length=2000,
        blank=True,
        help_text=_("How the business knows the model drifted, and who is told."),
    )

    # Step 6 — EU AI Act screening (the lists hold choices of initiatives.ai_act; "none" answers
    # "none of these"). The class is derived by `ai_act.classify` whenever an answer changes.
    ai_act_role = models.CharField(max_length=10, choices=AiActRole.choices, blank=True)
    ai_act_prohibited = models.JSONField(default=list, blank=True)
    ai_act_annex_i = models.CharField(max_length=20, choices=AnnexI.choices, blank=True)
    ai_act_third_party_assessment = models.CharField(
        max_length=3,
        choices=YesNo.choices,
        blank=True,
        help_text=_("Does the product need a third-party conformity assessment? Empty: not known."),
    )
    ai_act_annex_iii = models.JSONField(default=list, blank=True)
    ai_act_transparency = models.JSONField(default=list, blank=True)
    ai_act_gpai = models.CharField(max_length=10, choices=GpaiUse.choices, blank=True)
    ai_act_class = models.CharField(
        max_length=12, choices=AiActClass.choices, blank=True, help_text=_("Empty: not screened.")
    )
    # IT reviews the sponsor's screening (and may correct it); who, when and what IT noted.
    ai_act_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ai_act_reviewed_at = models.DateTimeField(null=True, blank=True)
    ai_act_review_note = models.TextField(max_length=4000, blank=True)

    # Workflow
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    it_first_involved_at = models.DateTimeField(null=True, blank=True)
    phase_at_it_involvement = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    ready_for_build_at = models.DateTimeField(null=True, blank=True)
    submission_notified_at = models.DateTimeField(null=True, blank=True)

    # Current risk status, kept by governance.tasks; denormalised here for queues and dashboards.
    risk_level = models.CharField(
        max_length=10, choices=RiskLevel.choices, default=RiskLevel.ON_TRACK
    )

    # The review queue's facts about the IT review of this initiative, kept from its
    # assessments and design inputs by reviews.services.queue_facts in the transaction of every
    # change to those: the queue's tabs and rows read these columns instead of testing the
    # assessments and design inputs of every open initiative (issue 19). A plain save() never
    # writes them (see save()), so a copy read before such a change cannot undo it.
    queue_assessment_started = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="An assessment is past not started.",
    )
    queue_it_has_work = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="An assessment to do, or a design input for IT to accept or confirm.",
    )
    queue_sponsor_has_work = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="An assessment that needs information, or a design input just raised.",
    )
    queue_open_inputs = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    queue_open_high_inputs = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    # Optimistic concurrency: every saved edit increments it; a stale form or API call is refused.
    version = models.PositiveIntegerField(default=1)
    # The create form carries a one-time token so a double submit creates one initiative only.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, default=None)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status", "phase"]),
            models.Index(fields=["sponsor", "status"]),
            models.Index(fields=["confidential", "status"]),
            # Lists show the most recently changed first.
            models.Index(fields=["-updated_at"], name="initiative_recent_first"),
            models.Index(fields=["ai_act_class", "status"], name="initiative_ai_act_class"),
            # The review queue of open work, most urgent first: its first page is read from
            # this index, not sorted from every open initiative (reviews.selectors).
            models.Index(
                safety_rank().desc(),
                phase_rank().desc(),
                models.F("submitted_at"),
                models.F("id"),
                name="initiative_review_urgency",
                condition=models.Q(status__in=["submitted", "in_review"]),
            ),
            # The queue's four tab counts, one aggregate over open work, read from this index
            # alone (an index-only scan: every column they test, the counted id too).
            models.Index(
                fields=[
                    "status",
                    "queue_assessment_started",
                    "queue_it_has_work",
                    "queue_sponsor_has_work",
                    "id",
                ],
                name="initiative_review_queue_tabs",
                condition=models.Q(status__in=["submitted", "in_review"]),
            ),
        ]
        permissions = [("review_initiative", "Can review the initiative as IT")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs) -> None:
        # A full save of an existing initiative writes every field but the review queue's
        # facts: they are kept from other rows by the reviews app, and the copy in memory may
        # predate a change to those rows made since it was read.
        if (
            kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
            and not self._state.adding
            and self.pk
        ):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key
                and f.name not in QUEUE_FACT_FIELDS
                and f.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk) if self.pk else "AI-new"

    @staticmethod
    def reference_of(pk: int) -> str:
        """The reference people quote ("AI-0042"), from the primary key alone (lists that
        read plain columns have no instance)."""
        return f"AI-{pk:04d}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def ai_act(self):
        """The EU AI Act classification of the stored screening, with the reasons."""
        return classify_initiative(self)

    def ai_act_answers(self) -> list[tuple[str, str]]:
        """The screening answers in words, (question, answer)."""
        return describe(Screening.of(self))

    @property
    def it_involved_early(self) -> bool | None:
        if not self.phase_at_it_involvement:
            return None
        return self.phase_at_it_involvement in EARLY_PHASES


class DataClassification(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    REGULATED = "regulated", _("Regulated")


class DataAsset(models.Model):
    """Data the AI will access, with its classification and where it lives (residency)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="data_assets")
    name = models.CharField(max_length=200)
    classification = models.CharField(max_length=20, choices=DataClassification.choices)
    personal_data = models.BooleanField(default=False)
    storage_location = models.CharField(
        max_length=200, help_text=_("Where it is stored and processed (data residency).")
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SystemType(models.TextChoices):
    ERP = "erp", _("ERP")
    MES = "mes", _("MES")
    HISTORIAN = "historian", _("Historian")
    SCADA = "scada", _("SCADA / PLC")
    DATA_LAKE = "data_lake", _("Data lake / warehouse")
    QMS = "qms", _("Quality management (QMS)")
    CMMS = "cmms", _("Maintenance (CMMS)")
    PLM = "plm", _("PLM")
    IDENTITY = "identity", _("Identity / SSO")
    OTHER = "other", _("Other")


# The system kinds of the plant system map, as the integration's system type.
SYSTEM_TYPE_OF_KIND = {
    SystemKind.MES: SystemType.MES,
    SystemKind.ERP: SystemType.ERP,
    SystemKind.SCADA: SystemType.SCADA,
    SystemKind.PLM: SystemType.PLM,
    SystemKind.QMS: SystemType.QMS,
    SystemKind.DATA_PLATFORM: SystemType.DATA_LAKE,
    SystemKind.IDENTITY: SystemType.IDENTITY,
    SystemKind.OTHER: SystemType.OTHER,
}


class IntegrationPurpose(models.TextChoices):
    """What the AI does with the system; sprawl is more than one vendor or connector for the
    same system and purpose."""

    READ_DATA = "read_data", _("Reads process or business data")
    WRITE_BACK = "write_back", _("Writes results back")
    EVENTS = "events", _("Receives events / alarms")
    MASTER_DATA = "master_data", _("Reads master data")
    IDENTITY = "identity", _("Sign-in and roles")
    OTHER = "other", _("Other")


class IntegrationPoint(models.Model):
    """A system the initiative integrates with; IT may own its architecture.

    `system` is the registered system of the plant system map; without one the name is free
    text that IT maps later (the integration is flagged "unmapped" until then).
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="integrations"
    )
    system = models.ForeignKey(
        EnterpriseSystem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrations",
        help_text=_("The registered system; leave empty and name it if it is not listed."),
    )
    system_type = models.CharField(max_length=20, choices=SystemType.choices)
    name = models.CharField(max_length=200, help_text=_("e.g. SAP S/4HANA Plant 1100"))
    description = models.TextField(max_length=2000, blank=True)
    purpose = models.CharField(
        max_length=20, choices=IntegrationPurpose.choices, default=IntegrationPurpose.READ_DATA
    )
    vendor = models.CharField(
        max_length=200, blank=True, help_text=_("Whose product connects (vendor), if any.")
    )
    connector = models.CharField(
        max_length=200, blank=True, help_text=_("How it connects, e.g. OPC UA gateway, REST API.")
    )
    # The system owner's one-click acknowledgement of this integration.
    owner_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["system", "purpose"], name="integration_system_purpose"),
            # Overlap detection asks for the initiatives of a vendor whatever its case.
            models.Index(Upper("vendor"), name="integration_vendor_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.get_system_type_display()}: {self.name}"

    @property
    def is_mapped(self) -> bool:
        return self.system_id is not None

    @property
    def acknowledged(self) -> bool:
        return self.owner_acknowledged_at is not None


class VendorCandidate(models.Model):
    """A vendor under evaluation, listed before one is chosen."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="vendors")
    name = models.CharField(max_length=200)
    product = models.CharField(max_length=200, blank=True)
    notes = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "name"], name="unique_vendor_per_initiative"
            )
        ]
        # Overlap detection asks for the initiatives of a vendor whatever its case.
        indexes = [models.Index(Upper("name"), name="vendor_candidate_name_upper")]

    def __str__(self) -> str:
        return self.name


class NamedRole(models.TextChoices):
    """The people the sponsor names on an initiative, who confirm that they take the role."""

    DECISION_OWNER = "decision_owner", _("Decision owner")
    ACCOUNTABLE = "accountable", _("Accountable person")


# The initiative's field that names each role's person.
NAMED_ROLE_FIELDS = {
    NamedRole.DECISION_OWNER: "decision_owner",
    NamedRole.ACCOUNTABLE: "accountable_person",
}


class AcknowledgementStatus(models.TextChoices):
    PENDING = "pending", _("Not confirmed yet")
    ACKNOWLEDGED = "acknowledged", _("Confirmed")
    DECLINED = "declined", _("Declined")


class RoleAcknowledgement(models.Model):
    """Whether the person named decision owner or accountable person has taken the role.

    Naming someone is the sponsor's word; the role counts once that person confirms it. A new
    person named starts again at pending (`services.sync_role_acknowledgements`).
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="role_acknowledgements"
    )
    role = models.CharField(max_length=20, choices=NamedRole.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_acknowledgements"
    )
    status = models.CharField(
        max_length=12, choices=AcknowledgementStatus.choices, default=AcknowledgementStatus.PENDING
    )
    reason = models.TextField(
        max_length=2000, blank=True, help_text=_("Why the role was declined.")
    )
    named_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["initiative_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "role"], name="unique_acknowledgement_per_role"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(reason=""),
                name="declined_role_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="acknowledgement_person")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of AI-{self.initiative_id:04d}"

    @property
    def is_acknowledged(self) -> bool:
        return self.status == AcknowledgementStatus.ACKNOWLEDGED


# django-guardian with direct foreign keys: fast joins instead of generic object ids.
class InitiativeUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Initiative, on_delete=models.CASCADE)


class InitiativeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Initiative, on_delete=models.CASCADE)


class InitiativeWord(models.Model):
    """A significant word of an initiative's title and business problem (`overlaps.words_of`):
    the inverted index that finds the initiatives sharing words with a description without
    comparing it to every initiative. Kept by `overlaps` on save; `manage.py index_words`
    rebuilds it after writes that bypass `save()`."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=40)

    class Meta:
        constraints = [
            # By word first: the lookup reads each word's initiatives from this index alone.
            models.UniqueConstraint(fields=["word", "initiative"], name="initiative_word_unique")
        ]

    def __str__(self) -> str:
        return f"{self.word} in AI-{self.initiative_id:04d}"
