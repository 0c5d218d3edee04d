"""Reads of regulation and evidence that pages, downloads, the report and the API share:
obligations, evidence files and framework coverage per initiative and per portfolio."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from audit.models import AuditEvent
from core.access import restrict_to_visible
from initiatives.models import ACTIVE_STATUSES, Initiative
from initiatives.permissions import member_initiative_ids
from initiatives.roles import sees_whole_portfolio
from reviews.models import AssessmentStatus, ConcernAssessment, DesignInput, DesignInputStatus

from .models import (
    EvidenceFile,
    Framework,
    FrameworkReference,
    Obligation,
    ObligationStatus,
)


def obligations_for(initiative: Initiative) -> list[Obligation]:
    """The initiative's obligations with their owner, closer and live evidence, open first."""
    live = EvidenceFile.objects.filter(removed_at__isnull=True).order_by("-uploaded_at")
    rank = {
        ObligationStatus.OPEN: 0,
        ObligationStatus.CLOSED: 1,
        ObligationStatus.NOT_APPLICABLE: 2,
    }
    rows = list(
        Obligation.objects.filter(initiative=initiative)
        .select_related("owner", "closed_by")
        .prefetch_related(Prefetch("evidence", queryset=live, to_attr="live_evidence"))
    )
    return sorted(rows, key=lambda o: (rank[o.status], o.pk))


def with_readable_files(user, queryset: QuerySet) -> QuerySet:
    """Rows (with an `initiative`) of the initiatives whose evidence the user may read: all
    visible ones for the roles that see the whole portfolio, else those the user is one of the
    people of (`permissions.can_see_evidence`, as a query)."""
    qs = restrict_to_visible(user, queryset, prefix="initiative__")
    if not user.is_authenticated or sees_whole_portfolio(user):
        return qs
    return qs.filter(initiative__in=member_initiative_ids(user))


def readable_obligations(user) -> QuerySet[Obligation]:
    """Obligations of the initiatives whose evidence the user may read."""
    qs = Obligation.objects.select_related("initiative", "owner", "closed_by")
    return with_readable_files(user, qs)


def evidence_for(initiative: Initiative, *, include_removed: bool = True) -> list[EvidenceFile]:
    """The initiative's evidence, newest version first within each document, with what each
    file is attached to."""
    qs = EvidenceFile.objects.filter(initiative=initiative).select_related(
        "uploaded_by", "removed_by", "assessment", "design_input", "decision", "obligation"
    )
    if not include_removed:
        qs = qs.filter(removed_at__isnull=True)
    return list(qs.order_by("target", "document", "-version"))


def readable_evidence(user) -> QuerySet[EvidenceFile]:
    """Evidence rows of the initiatives whose files the user may read."""
    qs = EvidenceFile.objects.select_related("initiative", "uploaded_by", "removed_by")
    return with_readable_files(user, qs)


def references(*, active_only: bool = True) -> list[FrameworkReference]:
    """The framework references with their checklist questions, framework by framework."""
    qs = FrameworkReference.objects.prefetch_related("questions")
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("framework", "code"))


def reference_history(reference: FrameworkReference) -> QuerySet[AuditEvent]:
    """Every change of one reference, oldest first, from the audit trail."""
    return AuditEvent.objects.filter(
        object_type=FrameworkReference._meta.label, object_id=str(reference.pk)
    ).select_related("actor")


# --- Coverage -------------------------------------------------------------------------------


ADDRESSED, OPEN, NOT_APPLICABLE = "addressed", "open", "not_applicable"


@dataclass
class CoverageRow:
    reference: FrameworkReference
    status: str  # addressed, open or not_applicable
    addressed_by: list[str] = field(default_factory=list)  # in words


@dataclass
class _Facts:
    """What addresses framework items, per initiative id (gathered in a few queries)."""

    satisfied: dict[int, set[str]]  # satisfied assessment areas
    incorporated: dict[int, dict[str, list[str]]]  # area -> incorporated design input titles
    evidence: dict[int, dict[int, list[str]]]  # reference id -> evidence titles
    obligations: dict[int, dict[str, str]]  # obligation code -> status


def _facts(initiative_ids) -> _Facts:
    satisfied: dict[int, set[str]] = defaultdict(set)
    for pk, area in ConcernAssessment.objects.filter(
        initiative__in=initiative_ids, status=AssessmentStatus.SATISFIED
    ).values_list("initiative_id", "area"):
        satisfied[pk].add(area)
    incorporated: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pk, area, title in DesignInput.objects.filter(
        initiative__in=initiative_ids, status=DesignInputStatus.INCORPORATED
    ).values_list("initiative_id", "area", "title"):
        incorporated[pk][area].append(title)
    evidence: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pk, ref, title in EvidenceFile.references.through.objects.filter(
        evidencefile__initiative__in=initiative_ids, evidencefile__removed_at__isnull=True
    ).values_list("evidencefile__initiative_id", "frameworkreference_id", "evidencefile__title"):
        evidence[pk][ref].append(title)
    obligations: dict[int, dict[str, str]] = defaultdict(dict)
    for pk, code, status in Obligation.objects.filter(initiative__in=initiative_ids).values_list(
        "initiative_id", "code", "status"
    ):
        obligations[pk][code] = status
    return _Facts(satisfied, incorporated, evidence, obligations)


def _row(reference: FrameworkReference, pk: int, facts: _Facts) -> CoverageRow:
    areas = {q.area for q in reference.questions.all()}
    by: list[str] = []
    for area in sorted(areas & facts.satisfied.get(pk, set())):
        by.append(f"satisfied assessment: {area}")
    incorporated = facts.incorporated.get(pk, {})
    for area in sorted(areas):
        by += [f"incorporated design input: {title}" for title in incorporated.get(area, [])]
    by += [f"evidence: {title}" for title in facts.evidence.get(pk, {}).get(reference.pk, [])]
    own = facts.obligations.get(pk, {})
    for code in reference.obligations or []:
        if own.get(code) == ObligationStatus.CLOSED:
            by.append(f"obligation closed with evidence: {code}")
    if by:
        return CoverageRow(reference, ADDRESSED, by)
    applies = any(
        own.get(code) in (ObligationStatus.OPEN, ObligationStatus.CLOSED)
        for code in reference.obligations or []
    )
    if not areas and not applies:
        # Only obligations map to it, and this initiative has none of them.
        return CoverageRow(reference, NOT_APPLICABLE)
    return CoverageRow(reference, OPEN)


def coverage_for(initiative: Initiative) -> list[CoverageRow]:
    """Each active framework reference for one initiative: addressed (and by what), open, or not
    applicable (it maps only to AI Act obligations the initiative does not have). Five queries."""
    facts = _facts([initiative.pk])
    return [_row(reference, initiative.pk, facts) for reference in references()]


@dataclass
class PortfolioCoverage:
    reference: FrameworkReference
    addressed: int
    open: int
    not_applicable: int

    @property
    def share(self) -> float | None:
        due = self.addressed + self.open
        return round(self.addressed / due, 3) if due else None


def portfolio_initiatives(user) -> QuerySet[Initiative]:
    """The initiatives the portfolio coverage and report count: visible and with IT."""
    qs = Initiative.objects.filter(status__in=list(ACTIVE_STATUSES))
    return restrict_to_visible(user, qs)


def portfolio_coverage(user) -> tuple[int, list[PortfolioCoverage]]:
    """For each active reference, in how many of the user's visible active initiatives it is
    addressed, open or not applicable; and how many initiatives were counted."""
    ids = list(portfolio_initiatives(user).values_list("pk", flat=True))
    facts = _facts(ids)
    rows = []
    for reference in references():
        counts = {ADDRESSED: 0, OPEN: 0, NOT_APPLICABLE: 0}
        for pk in ids:
            counts[_row(reference, pk, facts).status] += 1
        rows.append(
            PortfolioCoverage(reference, counts[ADDRESSED], counts[OPEN], counts[NOT_APPLICABLE])
        )
    return len(ids), rows


def coverage_summary(rows: list[CoverageRow]) -> dict[str, dict[str, int]]:
    """Addressed / open / not applicable counts per framework."""
    summary = {f.value: {ADDRESSED: 0, OPEN: 0, NOT_APPLICABLE: 0} for f in Framework}
    for row in rows:
        summary[row.reference.framework][row.status] += 1
    return summary


COVERAGE_COLUMNS = ("framework", "code", "title", "precision", "status", "addressed_by", "source")


def coverage_csv_rows(rows: list[CoverageRow]):
    """The initiative coverage as CSV rows, header first."""
    yield COVERAGE_COLUMNS
    for row in rows:
        ref = row.reference
        yield (
            ref.get_framework_display(),
            ref.code,
            ref.title,
            ref.precision,
            row.status,
            "; ".join(row.addressed_by),
            ref.source,
        )


def portfolio_csv_rows(rows: list[PortfolioCoverage]):
    """The portfolio coverage as CSV rows, header first."""
    yield ("framework", "code", "title", "addressed", "open", "not_applicable", "source")
    for row in rows:
        ref = row.reference
        yield (
            ref.get_framework_display(),
            ref.code,
            ref.title,
            row.addressed,
            row.open,
            row.not_applicable,
            ref.source,
        )
