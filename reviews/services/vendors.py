"""Vendor evaluation: weighted criteria and IT's scores per vendor."""

from django.db import transaction
from django.utils.translation import gettext

from audit.services import diff_fields, record_event
from core.errors import RuleError
from initiatives.models import Initiative, VendorCandidate

from ..models import (
    EvaluationCriterion,
    VendorScore,
)
from .common import (
    _require_review,
    _validate_score,
)

DEFAULT_CRITERIA: tuple[tuple[str, str, int], ...] = (
    ("Security posture", "Certifications, pen tests, vulnerability handling", 3),
    ("Integration posture", "Open APIs, standard connectors to ERP/MES, no shadow data store", 2),
    ("SSO support", "Works with the corporate identity provider (SAML/OIDC)", 2),
    ("Data portability", "Export of data and models in open formats; exit plan", 2),
    ("Vendor viability", "Financial health, customer base, roadmap", 3),
)


def _require_vendor_evaluator(user, initiative: Initiative) -> None:
    _require_review(user, initiative)


@transaction.atomic
def add_default_criteria(
    *, initiative: Initiative, user, source: str | None = None
) -> list[EvaluationCriterion]:
    """IT starts a vendor evaluation with the standard criteria (missing ones only)."""
    _require_vendor_evaluator(user, initiative)
    existing = set(
        EvaluationCriterion.objects.filter(initiative=initiative).values_list("name", flat=True)
    )
    added = [
        EvaluationCriterion.objects.create(
            initiative=initiative,
            name=name,
            description=description,
            weight=weight,
            position=position,
        )
        for position, (name, description, weight) in enumerate(DEFAULT_CRITERIA, start=1)
        if name not in existing
    ]
    if added:
        record_event(
            actor=user,
            action="vendor_criteria.defaults_added",
            obj=initiative,
            initiative=initiative,
            changes={"criteria": [None, [f"{c.name} ×{c.weight}" for c in added]]},
            source=source,
        )
    return added


def _validate_weight(weight) -> int:
    try:
        value = int(weight)
    except (TypeError, ValueError):
        raise RuleError(gettext("The weight must be a whole number from 1 to 10.")) from None
    if not 1 <= value <= 10:
        raise RuleError(gettext("The weight must be a whole number from 1 to 10."))
    return value


@transaction.atomic
def save_criterion(
    *,
    initiative: Initiative,
    user,
    name: str,
    weight,
    description: str = "",
    criterion: EvaluationCriterion | None = None,
    source: str | None = None,
) -> EvaluationCriterion:
    """IT adds or changes an evaluation criterion and its weight."""
    _require_vendor_evaluator(user, initiative)
    name = (name or "").strip()
    if not name:
        raise RuleError(gettext("The criterion needs a name."))
    weight = _validate_weight(weight)
    clash = EvaluationCriterion.objects.filter(initiative=initiative, name__iexact=name)
    if criterion is not None:
        clash = clash.exclude(pk=criterion.pk)
    if clash.exists():
        raise RuleError(gettext("There is already a criterion named “%(name)s”.") % {"name": name})
    if criterion is None:
        position = EvaluationCriterion.objects.filter(initiative=initiative).count() + 1
        criterion = EvaluationCriterion.objects.create(
            initiative=initiative,
            name=name,
            description=description.strip()[:300],
            weight=weight,
            position=position,
        )
        changes = {"after": {"name": name, "weight": weight}}
        action = "vendor_criterion.added"
    else:
        criterion = EvaluationCriterion.objects.select_for_update(no_key=True).get(pk=criterion.pk)
        if criterion.initiative_id != initiative.pk:
            raise RuleError(gettext("That criterion belongs to another initiative."))
        before = {
            "name": criterion.name,
            "weight": criterion.weight,
            "description": criterion.description,
        }
        criterion.name, criterion.weight = name, weight
        criterion.description = description.strip()[:300]
        criterion.save()
        changes = diff_fields(
            before, {"name": name, "weight": weight, "description": criterion.description}
        )
        if not changes:
            return criterion
        action = "vendor_criterion.changed"
    record_event(
        actor=user,
        action=action,
        obj=criterion,
        initiative=initiative,
        changes=changes,
        source=source,
    )
    return criterion


@transaction.atomic
def delete_criterion(*, criterion: EvaluationCriterion, user, source: str | None = None) -> None:
    """IT removes a criterion and its scores."""
    initiative = criterion.initiative
    _require_vendor_evaluator(user, initiative)
    record_event(
        actor=user,
        action="vendor_criterion.deleted",
        obj=criterion,
        initiative=initiative,
        changes={
            "before": {
                "name": criterion.name,
                "weight": criterion.weight,
                "scores": criterion.scores.count(),
            }
        },
        source=source,
    )
    criterion.delete()


@transaction.atomic
def score_vendor(
    *,
    criterion: EvaluationCriterion,
    vendor: VendorCandidate,
    user,
    score,
    note: str = "",
    source: str | None = None,
) -> VendorScore:
    """IT scores one vendor on one criterion, 1 (poor) to 5 (excellent)."""
    initiative = criterion.initiative
    _require_vendor_evaluator(user, initiative)
    if vendor.initiative_id != initiative.pk:
        raise RuleError(gettext("That vendor is not under evaluation for this initiative."))
    value = _validate_score(score)
    if value is None:
        raise RuleError(gettext("The score must be a whole number from 1 (poor) to 5 (excellent)."))
    existing = (
        VendorScore.objects.select_for_update(no_key=True)
        .filter(criterion=criterion, vendor=vendor)
        .first()
    )
    old = existing.score if existing else None
    if existing is not None and existing.score == value and existing.note == note.strip():
        return existing
    row, _ = VendorScore.objects.update_or_create(
        criterion=criterion,
        vendor=vendor,
        defaults={"score": value, "note": note.strip()[:500], "scored_by": user},
    )
    record_event(
        actor=user,
        action="vendor.scored",
        obj=row,
        initiative=initiative,
        changes={"score": [old, value], "vendor": vendor.name, "criterion": criterion.name},
        source=source,
    )
    return row
