"""Reads of the IT review that pages and the API share."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from core.lookups import among
from core.paging import CountedRows
from core.people import display_name
from initiatives.models import (
    Initiative,
    Phase,
    Status,
    VendorCandidate,
    phase_rank,
    safety_rank,
)
from initiatives.permissions import restrict_to_visible
from initiatives.roles import Role, has_role

from .models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentStatus,
    ChecklistQuestion,
    ComponentOwnership,
    ConcernArea,
    ConcernAssessment,
    DesignInput,
    DesignInputStatus,
    EvaluationCriterion,
    FallbackTest,
    ReviewAssignment,
    Severity,
    VendorScore,
)


def blocking_design_inputs(initiative: Initiative) -> list[DesignInput]:
    """High-severity design inputs that stop "ready for build".

    Open ones block, and so do those the sponsor marked incorporated that IT has not yet
    confirmed: IT confirms the design really changed before build starts.
    """
    return list(
        DesignInput.objects.filter(initiative=initiative, severity=Severity.HIGH)
        .filter(
            Q(status__in=OPEN_DESIGN_INPUT_STATUSES)
            | Q(status=DesignInputStatus.INCORPORATED, confirmed_at__isnull=True)
        )
        .order_by("created_at", "id")
    )


def design_inputs_for(initiative: Initiative) -> QuerySet[DesignInput]:
    """An initiative's design inputs with the people their rows show, open ones first."""
    open_first = Case(
        When(status__in=OPEN_DESIGN_INPUT_STATUSES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    severity_rank = Case(
        When(severity=Severity.HIGH, then=Value(0)),
        When(severity=Severity.MEDIUM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        DesignInput.objects.filter(initiative=initiative)
        .select_related("owner", "raised_by", "accepted_by", "confirmed_by")
        .annotate(open_rank=open_first, severity_rank=severity_rank)
        .order_by("open_rank", "severity_rank", "created_at", "id")
    )


def visible_design_inputs(user) -> QuerySet[DesignInput]:
    """Design inputs of every initiative the user may see."""
    qs = DesignInput.objects.select_related(
        "initiative", "owner", "raised_by", "accepted_by", "confirmed_by"
    )
    return restrict_to_visible(user, qs, prefix="initiative__")


def assessments_for(initiative: Initiative) -> list[ConcernAssessment]:
    """The six assessments of an initiative, with reviewer, answers and score history."""
    return list(
        ConcernAssessment.objects.filter(initiative=initiative)
        .select_related("reviewer")
        .prefetch_related("answers__question", "score_history__changed_by")
        .order_by("area")
    )


def visible_assessments(user) -> QuerySet[ConcernAssessment]:
    qs = ConcernAssessment.objects.select_related("initiative", "reviewer")
    return restrict_to_visible(user, qs, prefix="initiative__")


def checklist(area: str) -> list[ChecklistQuestion]:
    """The active standard questions of one concern area, in order."""
    return list(ChecklistQuestion.objects.filter(area=area, active=True))


def it_people() -> list:
    """Active IT reviewers and IT leads, the people who can be assigned."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.REVIEWER, Role.IT_LEAD])
        .distinct()
        .order_by("username")
    )


def assignments_for(initiative: Initiative) -> list[ReviewAssignment]:
    return list(
        ReviewAssignment.objects.filter(initiative=initiative).select_related(
            "reviewer", "assigned_by"
        )
    )


def components_for(initiative: Initiative) -> list:
    """The initiative's integration components, each with its ownership (or None)."""
    integrations = list(
        initiative.integrations.all().order_by("id")
        if not hasattr(initiative, "_prefetched_objects_cache")
        else initiative.integrations.all()
    )
    owned = {
        c.integration_id: c
        for c in ComponentOwnership.objects.filter(integration__initiative=initiative)
        .select_related("owner", "assigned_by")
        .prefetch_related("decisions__decided_by")
    }
    for point in integrations:
        point.component = owned.get(point.pk)
    return integrations


# ---------------------------------------------------------------- queue

QUEUE_TABS = (
    ("new", _("New")),
    ("waiting_it", _("Waiting for IT")),
    ("waiting_sponsor", _("Waiting for the sponsor")),
    ("all", _("All")),
)


@dataclass
class QueueFilters:
    site: int | None = None
    phase: str = ""
    concern: str = ""
    status: str = ""
    extra: dict = field(default_factory=dict)


def _queue_scope(user) -> QuerySet[Initiative]:
    """Initiatives in the user's review queue: all submitted work for IT leads, the assigned
    ones for reviewers, always within what the user may see."""
    qs = Initiative.objects.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW])
    if not has_role(user, Role.IT_LEAD):
        if not has_role(user, Role.REVIEWER):
            return qs.none()
        # A reviewer's assignments are few: fetching their ids first lets the database walk
        # the primary key instead of testing every open initiative (4 tab counts per page).
        # The ids go as one array parameter (`core.lookups`): placed one by one, a reviewer's
        # thousands of ids cost more CPU than the rest of the page.
        assigned = set(
            ReviewAssignment.objects.filter(reviewer=user).values_list("initiative_id", flat=True)
        )
        qs = qs.filter(among(assigned, "pk"))
    return restrict_to_visible(user, qs)


def _tab_conditions() -> dict[str, Q]:
    """Each tab's condition on the queue facts kept on the initiative
    (reviews.services.queue_facts), so counting the tabs reads the index
    initiative_review_queue_tabs alone."""
    return {
        # Just submitted, or in review with no assessment started yet.
        "new": Q(status=Status.SUBMITTED) | Q(queue_assessment_started=False),
        "waiting_it": Q(status=Status.IN_REVIEW, queue_it_has_work=True),
        "waiting_sponsor": Q(status=Status.IN_REVIEW, queue_sponsor_has_work=True),
        "all": Q(),
    }


class QueueResult(NamedTuple):
    rows: CountedRows  # the tab's rows, sorted, with their count
    counts: dict[str, int]
    tab: str


def review_queue(user, *, tab: str | None = "all", filters: QueueFilters | None = None):
    """One tab of the user's review queue sorted by urgency, with the counts of every tab.

    Urgency: safety-critical first, then later phases, then the oldest submission. Without a
    tab (None), the first tab that holds something is shown.
    """
    filters = filters or QueueFilters()
    base = _queue_scope(user)
    if filters.site:
        base = base.filter(site_id=filters.site)
    if filters.phase in Phase.values:
        base = base.filter(phase=filters.phase)
    if filters.status in (Status.SUBMITTED, Status.IN_REVIEW):
        base = base.filter(status=filters.status)
    if filters.concern:
        base = base.filter(
            Exists(
                ReviewAssignment.objects.filter(
                    initiative=OuterRef("pk"), concern_area=filters.concern
                )
            )
            | Exists(
                DesignInput.objects.filter(
                    initiative=OuterRef("pk"),
                    area=filters.concern,
                    status__in=OPEN_DESIGN_INPUT_STATUSES,
                )
            )
            | Exists(
                ConcernAssessment.objects.filter(
                    initiative=OuterRef("pk"), area=filters.concern
                ).exclude(status=AssessmentStatus.SATISFIED)
            )
        )
    conditions = _tab_conditions()
    # Every tab counted in one pass over the queue (one query, not one per tab).
    counts = base.aggregate(
        **{
            name: Count("pk", filter=conditions[name]) if conditions[name] else Count("pk")
            for name, _ in QUEUE_TABS
        }
    )
    if tab is None:
        tab = next((name for name, _ in QUEUE_TABS if counts[name]), "all")
    tab = tab if tab in conditions else "all"
    rows = (
        base.filter(conditions[tab])
        .select_related("sponsor", "site")
        .annotate(
            # The expressions of the index initiative_review_urgency, so the first page is
            # read from it in this order.
            safety_rank=safety_rank(),
            phase_rank=phase_rank(),
            open_inputs=F("queue_open_inputs"),
            open_high_inputs=F("queue_open_high_inputs"),
        )
        .order_by("-safety_rank", "-phase_rank", "submitted_at", "pk")
    )
    # The tab's count is known: the paginators take it instead of counting again.
    return QueueResult(CountedRows(rows, counts[tab]), counts, tab)


# ---------------------------------------------------------------- vendors


@dataclass
class VendorRank:
    vendor: VendorCandidate
    scores: list  # one VendorScore or None per criterion, in criterion order
    weighted: Decimal | None  # weighted average 1–5 over the scored criteria
    scored_weight: int
    complete: bool
    rank: int | None = None


def vendor_comparison(initiative: Initiative) -> tuple[list[EvaluationCriterion], list[VendorRank]]:
    """Criteria and vendors ranked by weighted score: sum(weight × score) / sum(weight).

    Only scored criteria count in a vendor's average; a vendor missing scores is marked
    incomplete. Vendors with equal averages share a rank; unscored vendors come last, unranked.
    """
    criteria = list(EvaluationCriterion.objects.filter(initiative=initiative))
    vendors = list(VendorCandidate.objects.filter(initiative=initiative).order_by("id"))
    by_pair = {
        (s.criterion_id, s.vendor_id): s
        for s in VendorScore.objects.filter(criterion__initiative=initiative)
    }
    rows = []
    for vendor in vendors:
        pairs = [(c, by_pair.get((c.pk, vendor.pk))) for c in criteria]
        total = sum(c.weight * s.score for c, s in pairs if s)
        weight = sum(c.weight for c, s in pairs if s)
        weighted = (
            (Decimal(total) / Decimal(weight)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if weight
            else None
        )
        rows.append(
            VendorRank(
                vendor=vendor,
                scores=[s for _, s in pairs],
                weighted=weighted,
                scored_weight=weight,
                complete=bool(criteria) and all(s for _, s in pairs),
            )
        )
    # Scored vendors by average (ties by name), then the unscored ones by name, unranked.
    scored = sorted(
        (r for r in rows if r.weighted is not None),
        key=lambda r: (-r.weighted, r.vendor.name.lower()),
    )
    unscored = sorted((r for r in rows if r.weighted is None), key=lambda r: r.vendor.name.lower())
    rank, previous = 0, None
    for position, row in enumerate(scored, start=1):
        if row.weighted != previous:
            rank, previous = position, row.weighted
        row.rank = rank
    rows = scored + unscored
    return criteria, rows


def fallback_tests_for(initiative: Initiative) -> QuerySet:
    """The initiative's manual fallback tests, latest first, with who recorded each."""
    return FallbackTest.objects.filter(initiative=initiative).select_related("recorded_by")


def visible_fallback_tests(user) -> QuerySet:
    """The fallback tests of every initiative the user may see."""
    return restrict_to_visible(
        user, FallbackTest.objects.select_related("recorded_by"), prefix="initiative__"
    )


def visible_initiatives_for_api(user) -> QuerySet:
    """Initiatives the user may see, for the API's initiative fields."""
    return restrict_to_visible(user, Initiative.objects.all())


# ---------------------------------------------------------------- the scoring page


@dataclass(frozen=True)
class SponsorAnswer:
    """One intake answer shown beside a concern's scoring form: its label, the intake step it
    was given in, and its text as lines (empty when the sponsor has not answered it)."""

    key: str
    label: str
    step: int
    lines: tuple[str, ...]


def _text(value) -> tuple[str, ...]:
    return (str(value),) if value not in (None, "") else ()


def _person(user) -> tuple[str, ...]:
    return (display_name(user),) if user else ()


def _data_assets(initiative: Initiative) -> tuple[str, ...]:
    return tuple(
        _("%(name)s — %(classification)s%(personal)s; stored in %(where)s")
        % {
            "name": d.name,
            "classification": d.get_classification_display(),
            "personal": _(", personal data") if d.personal_data else "",
            "where": d.storage_location,
        }
        for d in initiative.data_assets.all()
    )


def _integrations(initiative: Initiative) -> tuple[str, ...]:
    return tuple(
        f"{p.get_system_type_display()}: {p.name} ({p.get_purpose_display()}"
        + (f", {p.vendor}" if p.vendor else "")
        + (f", {p.connector}" if p.connector else "")
        + ")"
        for p in initiative.integrations.all()
    )


def _vendors(initiative: Initiative) -> tuple[str, ...]:
    return tuple(
        v.name + (f" — {v.product}" if v.product else "") + (f": {v.notes}" if v.notes else "")
        for v in initiative.vendors.all()
    )


# Every answer a concern may draw on: (label, intake step, how to read it).
_ANSWERS = {
    "data_assets": (_("Data it accesses"), 3, _data_assets),
    "allowed_actions": (_("May do"), 3, lambda i: _text(i.allowed_actions)),
    "forbidden_actions": (_("Must never do"), 3, lambda i: _text(i.forbidden_actions)),
    "regulated": (_("Regulated"), 3, lambda i: _text(i.get_regulated_display())),
    "safety_critical": (
        _("Safety-critical"),
        3,
        lambda i: _text(i.get_safety_critical_display()),
    ),
    "failure_fallback": (_("When it fails"), 3, lambda i: _text(i.failure_fallback)),
    "decision_owner": (_("Decision owner"), 2, lambda i: _person(i.decision_owner)),
    "accountable_person": (
        _("Accountable when wrong"),
        2,
        lambda i: _person(i.accountable_person),
    ),
    "output_actors": (_("Acts on the output"), 2, lambda i: _text(i.output_actors)),
    "override_authority": (_("May override it"), 2, lambda i: _text(i.override_authority)),
    "output_explanation": (
        _("Output explained by"),
        2,
        lambda i: _text(i.output_explanation),
    ),
    "operator_view": (_("Operator sees"), 2, lambda i: _text(i.operator_view)),
    "override_logged": (
        _("Overrides logged"),
        2,
        lambda i: _text(i.get_override_logged_display()),
    ),
    "integrations": (_("Integrates with"), 4, _integrations),
    "sso_requirements": (_("SSO / identity"), 4, lambda i: _text(i.sso_requirements)),
    "new_platforms": (_("New platforms"), 4, lambda i: _text(i.new_platforms)),
    "vendors": (_("Vendors under evaluation"), 4, _vendors),
    "maintained_by": (_("Maintained by"), 5, lambda i: _text(i.maintained_by)),
    "monitored_by": (_("Monitored by"), 5, lambda i: _text(i.monitored_by)),
    "update_process": (_("Updates"), 5, lambda i: _text(i.update_process)),
    "model_documentation": (
        _("Model documentation"),
        5,
        lambda i: _text(i.model_documentation),
    ),
    "drift_detection": (_("Drift noticed by"), 5, lambda i: _text(i.drift_detection)),
    "ai_act_class": (
        _("EU AI Act classification"),
        6,
        lambda i: _text(i.get_ai_act_class_display()),
    ),
}

# The sponsor's answers a reviewer weighs for each concern area, in the order they matter,
# chosen from what each area's checklist asks: security looks at what data leaves where and
# what the AI must never do; ownership at who decides, answers for and maintains it;
# architecture at the systems it touches and what it adds; governance at regulation, the AI
# Act, change control and the trace of overrides; vendor lock-in at the vendors, new platforms
# and who controls updates (the intake has no exit-plan question: the checklist asks it);
# performance at failure, safety and monitoring; explainability at what the operator sees,
# may override and how the model is documented and watched.
CONCERN_ANSWERS: dict[str, tuple[str, ...]] = {
    ConcernArea.SECURITY: (
        "data_assets",
        "forbidden_actions",
        "allowed_actions",
        "regulated",
        "sso_requirements",
    ),
    ConcernArea.OWNERSHIP: (
        "decision_owner",
        "accountable_person",
        "output_actors",
        "override_authority",
        "maintained_by",
    ),
    ConcernArea.ARCHITECTURE: (
        "integrations",
        "sso_requirements",
        "new_platforms",
        "data_assets",
    ),
    ConcernArea.GOVERNANCE: (
        "ai_act_class",
        "regulated",
        "update_process",
        "override_logged",
        "model_documentation",
    ),
    ConcernArea.VENDOR: ("vendors", "new_platforms", "update_process", "maintained_by"),
    ConcernArea.PERFORMANCE: (
        "failure_fallback",
        "safety_critical",
        "monitored_by",
        "drift_detection",
    ),
    ConcernArea.EXPLAINABILITY: (
        "output_explanation",
        "operator_view",
        "override_logged",
        "override_authority",
        "model_documentation",
        "drift_detection",
    ),
}


def sponsor_answers_for(initiative: Initiative, area: str) -> list[SponsorAnswer]:
    """The sponsor's intake answers that matter for one concern area, for the scoring page.

    Read-only and in `CONCERN_ANSWERS` order. Each kind of row (data, integrations, vendors)
    is one query, or none when the initiative was loaded with its prefetch
    (`initiatives.selectors.initiative_for_detail_queryset`): never one per row.
    """
    answers = []
    for key in CONCERN_ANSWERS.get(area, ()):
        label, step, read = _ANSWERS[key]
        answers.append(SponsorAnswer(key=key, label=label, step=step, lines=read(initiative)))
    return answers


def next_concern_to_assess(
    assessment: ConcernAssessment, areas: set[str] | None = None
) -> ConcernAssessment | None:
    """The initiative's next concern, after this one in the areas' order and wrapping round,
    that still needs assessment (not satisfied and not ruled out); None when no other does.

    `areas` narrows it to the areas the reviewer may assess (None: every area), so *Next
    concern* never leads a reviewer to a page they may only read.
    """
    order = list(ConcernArea.values)
    others = [
        a
        for a in ConcernAssessment.objects.filter(initiative_id=assessment.initiative_id)
        if a.pk != assessment.pk and not a.counts_as_assessed and (areas is None or a.area in areas)
    ]
    here = order.index(assessment.area)
    others.sort(key=lambda a: (order.index(a.area) - here) % len(order))
    return others[0] if others else None
