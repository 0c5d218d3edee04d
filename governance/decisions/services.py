"""Writes of the decision log and of change control for the AI itself.

Rules, once, for the pages and the API:
- Risk acceptance names an accountable person with the authority to accept risk: an IT lead,
  an executive, or the initiative's own accountable person (step 2 of the intake).
- Escalations say why, come after the partnership route was offered and record whether the
  concern was discussed in a working session; vendor selection names one of the initiative's
  vendor candidates and says why it won, and why it could not wait when IT has not scored it.
- A change request (new model version, new data source, new integration, other) re-opens the
  concern assessments the change affects, through `reviews.services.reopen_assessments`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import record_event
from core.errors import FieldRuleError, RuleError, TransitionNotAllowed
from core.people import display_name
from core.wording import in_sentence
from governance.sessions.models import WorkingSession
from governance.sessions.selectors import next_session
from initiatives import permissions
from initiatives.models import ACTIVE_STATUSES, Initiative, VendorCandidate
from reviews.models import ConcernArea, DesignInput, VendorScore
from reviews.services.assessments import reopen_assessments
from reviews.services.design_inputs import raise_concern_instead_of_escalation

from .models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Decision,
    DecisionKind,
    ProductionRelease,
)
from .permissions import can_decide_change, can_record_decision, can_request_change

# Which concern assessments each kind of change re-opens.
AREAS_BY_CHANGE: dict[str, tuple[str, ...]] = {
    ChangeKind.NEW_MODEL_VERSION: (
        ConcernArea.PERFORMANCE,
        ConcernArea.GOVERNANCE,
        ConcernArea.VENDOR,
        # A new model explains itself differently and its confidence means something else.
        ConcernArea.EXPLAINABILITY,
    ),
    ChangeKind.NEW_DATA_SOURCE: (ConcernArea.SECURITY, ConcernArea.GOVERNANCE),
    ChangeKind.NEW_INTEGRATION: (
        ConcernArea.ARCHITECTURE,
        ConcernArea.SECURITY,
        ConcernArea.PERFORMANCE,
    ),
    ChangeKind.OTHER: (),
}

ALLOWED_CHANGE_TRANSITIONS: dict[str, frozenset[str]] = {
    ChangeStatus.OPEN: frozenset({ChangeStatus.APPROVED, ChangeStatus.REJECTED}),
    ChangeStatus.APPROVED: frozenset({ChangeStatus.IMPLEMENTED, ChangeStatus.REJECTED}),
    ChangeStatus.REJECTED: frozenset(),
    ChangeStatus.IMPLEMENTED: frozenset(),
}


@transaction.atomic
def record_decision(
    *,
    initiative: Initiative,
    user,
    kind: str,
    summary: str,
    rationale: str = "",
    conditions: str = "",
    accountable=None,
    vendor: VendorCandidate | None = None,
    unscored_rationale: str = "",
    partnership_declined: bool = False,
    discussed_in_session: str = "",
    source: str | None = None,
) -> Decision:
    """Add an entry to the initiative's decision log (entries are never edited: a changed
    decision is a new entry).

    Two anti-patterns are caught as they happen: selecting a vendor IT has not scored needs
    `unscored_rationale` and is flagged "selected before IT assessment"; an escalation is
    recorded only once the partnership route (`raise_concern_for_next_session`) was offered
    and declined (`partnership_declined`), with whether the concern was discussed in a
    working session (`discussed_in_session`, "yes" or "no").
    """
    permissions.forget_cached_perms(user)
    if kind not in DecisionKind.values:
        raise FieldRuleError("kind", gettext("Choose a kind of decision."))
    if not can_record_decision(user, initiative, kind):
        raise PermissionDenied(
            gettext("You may not record this kind of decision for this initiative.")
        )
    summary, rationale, conditions = summary.strip(), rationale.strip(), conditions.strip()
    if not summary:
        raise FieldRuleError("summary", gettext("Say in one line what was decided."))
    if kind == DecisionKind.RISK_ACCEPTANCE:
        if accountable is None:
            raise FieldRuleError(
                "accountable", gettext("A risk acceptance must name who is accountable.")
            )
        if not permissions.has_risk_authority(accountable, initiative):
            raise FieldRuleError(
                "accountable",
                gettext(
                    "%(accountable)s may not accept risk: name an IT lead, an executive, or the "
                    "initiative's decision owner or accountable person."
                )
                % {"accountable": display_name(accountable)},
            )
        if not rationale:
            raise FieldRuleError("rationale", gettext("Say which risk is accepted and why."))
    if kind == DecisionKind.APPROVAL and not conditions:
        raise FieldRuleError(
            "conditions", gettext("List the conditions of the approval (or “none”).")
        )
    unscored_rationale = unscored_rationale.strip()
    before_it_assessment = False
    if kind == DecisionKind.ESCALATION:
        if not partnership_declined:
            raise FieldRuleError(
                "partnership_declined",
                gettext(
                    "Raise the concern for the next working session first, or confirm that you "
                    "escalate anyway."
                ),
            )
        if not rationale:
            raise FieldRuleError(
                "rationale", gettext("Say why this is escalated instead of decided together.")
            )
        if discussed_in_session not in ("yes", "no"):
            raise FieldRuleError(
                "discussed_in_session",
                gettext("Say whether the concern was discussed in a working session."),
            )
    else:
        partnership_declined, discussed_in_session = False, ""
    if kind == DecisionKind.VENDOR_SELECTION:
        if vendor is None:
            raise FieldRuleError(
                "vendor", gettext("Choose the selected vendor from the candidates.")
            )
        if vendor.initiative_id != initiative.pk:
            raise FieldRuleError(
                "vendor", gettext("That vendor is not a candidate of this initiative.")
            )
        if not rationale:
            raise FieldRuleError("rationale", gettext("Say why this vendor was selected."))
        before_it_assessment = not vendor_scored_by_it(vendor)
        if before_it_assessment and not unscored_rationale:
            raise FieldRuleError(
                "unscored_rationale",
                gettext(
                    "IT has not scored %(name)s yet. Say why it is selected before IT's "
                    "assessment, or ask IT to score it first."
                )
                % {"name": vendor.name},
            )
    else:
        vendor = None
    if not before_it_assessment:
        unscored_rationale = ""
    decision = Decision.objects.create(
        initiative=initiative,
        kind=kind,
        summary=summary[:300],
        rationale=rationale,
        conditions=conditions,
        decided_by=user,
        accountable=accountable,
        vendor=vendor,
        vendor_name=vendor.name if vendor else "",
        before_it_assessment=before_it_assessment,
        unscored_rationale=unscored_rationale,
        partnership_offered=partnership_declined,
        discussed_in_session=discussed_in_session,
    )
    after: dict[str, Any] = {"kind": kind, "summary": decision.summary}
    if rationale:
        after["rationale"] = rationale
    if conditions:
        after["conditions"] = conditions
    if accountable is not None:
        after["accountable"] = accountable.username
    if vendor is not None:
        after["vendor"] = vendor.name
    if before_it_assessment:
        after["before_it_assessment"] = True
        after["unscored_rationale"] = unscored_rationale
    if kind == DecisionKind.ESCALATION:
        after["partnership_offered"] = True
        after["discussed_in_session"] = discussed_in_session
    record_event(
        actor=user,
        action=f"decision.{kind}",
        obj=decision,
        initiative=initiative,
        changes={"after": after},
        source=source,
    )
    return decision


def vendor_scored_by_it(vendor: VendorCandidate) -> bool:
    """Has IT scored this vendor on at least one criterion of the evaluation?"""
    return VendorScore.objects.filter(vendor=vendor).exists()


@dataclass(frozen=True)
class PartnershipRoute:
    design_input: DesignInput
    session: WorkingSession | None  # the next planned session; None: none planned yet


def raise_concern_for_next_session(
    *,
    initiative: Initiative,
    user,
    area: str,
    title: str,
    description: str = "",
    source: str | None = None,
) -> PartnershipRoute:
    """The partnership route offered before an escalation: the concern becomes a design input,
    so it is on the agenda of the next working session (the agenda lists open design inputs).
    Returns it with that session, if one is planned."""
    design_input = raise_concern_instead_of_escalation(
        initiative=initiative,
        user=user,
        area=area,
        title=title,
        description=description,
        source=source,
    )
    return PartnershipRoute(design_input, next_session(initiative))


def affected_areas(kind: str, extra_areas: Iterable[str] = ()) -> list[str]:
    """The concern areas a change of this kind re-opens, plus any the requester adds."""
    areas = list(AREAS_BY_CHANGE.get(kind, ()))
    for area in extra_areas:
        if area in ConcernArea.values and area not in areas:
            areas.append(area)
    return areas


@transaction.atomic
def request_change(
    *,
    initiative: Initiative,
    user,
    kind: str,
    description: str,
    extra_areas: Iterable[str] = (),
    source: str | None = None,
) -> ChangeRequest:
    """Record a requested change to the AI and re-open the assessments it affects.

    One event for the request; `reopen_assessments` adds one per re-opened assessment.
    """
    locked = Initiative.objects.select_for_update(no_key=True).get(pk=initiative.pk)
    permissions.forget_cached_perms(user)
    if not can_request_change(user, locked):
        raise PermissionDenied(gettext("You may not request changes to this initiative."))
    # Once IT has the initiative, its changes go through change control.
    if locked.status not in ACTIVE_STATUSES:
        raise RuleError(
            gettext(
                "Change requests start once the initiative is with IT; a draft is simply edited."
            )
        )
    if kind not in ChangeKind.values:
        raise FieldRuleError("kind", gettext("Choose what kind of change this is."))
    description = description.strip()
    if not description:
        raise FieldRuleError("description", gettext("Describe the change."))
    areas = affected_areas(kind, extra_areas)
    if not areas:
        raise FieldRuleError(
            "areas", gettext("Choose at least one concern area this change affects.")
        )
    change = ChangeRequest.objects.create(
        initiative=locked,
        kind=kind,
        description=description,
        requested_by=user,
        reopened_areas=areas,
    )
    record_event(
        actor=user,
        action="change.requested",
        obj=change,
        initiative=locked,
        changes={
            "after": {
                "kind": kind,
                "description": description,
                "status": change.status,
                "reopened_areas": areas,
            }
        },
        source=source,
    )
    reopen_assessments(
        initiative=locked,
        areas=areas,
        user=user,
        reason=f"Change request #{change.pk}: {change.get_kind_display().lower()}",
        source=source,
    )
    return change


@transaction.atomic
def decide_change(
    *, change: ChangeRequest, user, to_status: str, source: str | None = None
) -> ChangeRequest:
    """Approve, reject or mark a change request implemented."""
    locked = (
        ChangeRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("initiative")
        .get(pk=change.pk)
    )
    permissions.forget_cached_perms(user)
    if not can_decide_change(user, locked.initiative):
        raise PermissionDenied(gettext("Only IT reviewers of this initiative decide on changes."))
    if to_status not in ALLOWED_CHANGE_TRANSITIONS.get(locked.status, frozenset()):
        target = ChangeStatus(to_status).label if to_status in ChangeStatus.values else to_status
        raise TransitionNotAllowed(
            gettext("A change request that is %(lower)s cannot become %(lower2)s.")
            % {"lower": in_sentence(locked.get_status_display()), "lower2": in_sentence(target)}
        )
    before = locked.status
    locked.status = to_status
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        actor=user,
        action=f"change.{to_status}",
        obj=locked,
        initiative=locked.initiative,
        changes={"status": [before, to_status]},
        source=source,
    )
    return locked


@transaction.atomic
def record_release(
    *,
    initiative: Initiative,
    user,
    model_name: str,
    model_version: str,
    vendor_name: str = "",
    vendor_version: str = "",
    change_request: ChangeRequest | None = None,
    notes: str = "",
    source: str | None = None,
) -> ProductionRelease:
    """Record what now runs in production (model and vendor versions)."""
    permissions.forget_cached_perms(user)
    if not can_decide_change(user, initiative):
        raise PermissionDenied(
            gettext("Only IT reviewers of this initiative record production versions.")
        )
    model_name, model_version = model_name.strip(), model_version.strip()
    if not model_name:
        raise FieldRuleError("model_name", gettext("Name the model in production."))
    if not model_version:
        raise FieldRuleError("model_version", gettext("Give the version in production."))
    if change_request is not None and change_request.initiative_id != initiative.pk:
        raise FieldRuleError(
            "change_request", gettext("That change request belongs to another initiative.")
        )
    previous = ProductionRelease.objects.filter(initiative=initiative).first()
    release = ProductionRelease.objects.create(
        initiative=initiative,
        model_name=model_name,
        model_version=model_version,
        vendor_name=vendor_name.strip(),
        vendor_version=vendor_version.strip(),
        change_request=change_request,
        notes=notes.strip(),
        released_by=user,
    )
    record_event(
        actor=user,
        action="release.recorded",
        obj=release,
        initiative=initiative,
        changes={"in_production": [str(previous) if previous else None, str(release)]},
        source=source,
    )
    return release
