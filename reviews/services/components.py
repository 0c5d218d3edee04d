"""Architecture ownership: IT owners, design notes and decisions per component."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from audit.services import record_event
from core.errors import RuleError
from core.people import display_name
from initiatives.models import IntegrationPoint
from initiatives.services import grant_membership

from ..models import (
    ComponentDecision,
    ComponentOwnership,
)
from ..permissions import COMPONENT_AUTHORITY, can_design_component
from .common import (
    _bump,
    _check_version,
    _is_it_person,
    _require_it_lead,
    _user_label,
)


@transaction.atomic
def assign_component_owner(
    *,
    integration: IntegrationPoint,
    owner,
    user,
    expected_version: int | None = None,
    source: str | None = None,
) -> ComponentOwnership:
    """An IT lead gives an integration component an IT owner with design authority.

    The owner gets view rights on the initiative so the component shows on its page. With
    `expected_version` (an edit of an existing component) a stale read is refused.
    """
    _require_it_lead(user, gettext("Only IT leads assign component owners."))
    if owner is None or not owner.is_active or not _is_it_person(owner):
        raise RuleError(
            gettext("%(owner)s is not an IT reviewer or IT lead; design authority stays with IT.")
            % {"owner": display_name(owner)}
        )
    initiative = integration.initiative
    existing = (
        ComponentOwnership.objects.select_for_update(no_key=True)
        .filter(integration=integration)
        .first()
    )
    old_owner = existing.owner if existing else None
    if existing is not None:
        _check_version(existing, expected_version, "component")
    if existing is not None and existing.owner_id == owner.pk:
        return existing
    if existing is None:
        component = ComponentOwnership.objects.create(
            integration=integration, owner=owner, assigned_by=user
        )
    else:
        component = existing
        component.owner, component.assigned_by = owner, user
        _bump(component, ["owner", "assigned_by", "updated_at"])
    grant_membership(initiative, owner, record=False)
    record_event(
        actor=user,
        action="component.owner_assigned",
        obj=component,
        initiative=initiative,
        changes={"owner": [_user_label(old_owner), owner.username]},
        source=source,
    )
    return component


def _require_component_authority(user, component: ComponentOwnership) -> None:
    if not can_design_component(user, component):
        raise PermissionDenied(COMPONENT_AUTHORITY)


@transaction.atomic
def update_component_notes(
    *,
    component: ComponentOwnership,
    user,
    design_notes: str,
    expected_version: int | None = None,
    source: str | None = None,
) -> ComponentOwnership:
    """The owner keeps the component's design notes."""
    locked = (
        ComponentOwnership.objects.select_for_update(of=("self",), no_key=True)
        .select_related("integration__initiative")
        .get(pk=component.pk)
    )
    _require_component_authority(user, locked)
    _check_version(locked, expected_version, "component")
    design_notes = (design_notes or "").strip()
    if len(design_notes) > 8000:
        raise RuleError(gettext("Keep the design notes under 8000 characters."))
    if design_notes == locked.design_notes:
        return locked
    before = locked.design_notes
    locked.design_notes = design_notes
    _bump(locked, ["design_notes", "updated_at"])
    record_event(
        actor=user,
        action="component.notes_updated",
        obj=locked,
        initiative=locked.integration.initiative,
        changes={"design_notes": [before, design_notes]},
        source=source,
    )
    return locked


@transaction.atomic
def add_component_decision(
    *, component: ComponentOwnership, user, text: str, source: str | None = None
) -> ComponentDecision:
    """The owner records a design decision on the component."""
    _require_component_authority(user, component)
    text = (text or "").strip()
    if not text:
        raise RuleError(gettext("Describe the decision."))
    if len(text) > 2000:
        raise RuleError(gettext("Keep the decision under 2000 characters."))
    decision = ComponentDecision.objects.create(component=component, text=text, decided_by=user)
    record_event(
        actor=user,
        action="component.decision_added",
        obj=decision,
        initiative=component.integration.initiative,
        changes={"decision": [None, text]},
        source=source,
    )
    return decision
