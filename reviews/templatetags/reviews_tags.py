"""What the review panels on the initiative page show, read once per page."""

from django import template

from initiatives import permissions
from initiatives.models import Status
from initiatives.roles import Role, has_role

from .. import selectors, services
from ..models import ConcernArea

register = template.Library()


@register.simple_tag
def review_context(initiative, user) -> dict:
    """Assessments, design inputs, blockers, assignments, vendors and components of one
    initiative, cached on it so the main and side panels share one set of queries."""
    cached = initiative.__dict__.get("_review_context")
    if cached is not None:
        return cached
    design_inputs = list(selectors.design_inputs_for(initiative))
    for item in design_inputs:
        item.initiative = initiative  # already loaded: no query per row
        item.allowed = services.allowed_design_input_actions(user, item)
    criteria, ranking = selectors.vendor_comparison(initiative)
    can_review = permissions.can_review(user, initiative)
    checklist = services.ready_for_build_checklist(initiative)
    assessments = selectors.assessments_for(initiative)
    context = {
        "assessments": assessments,
        # Readiness in the page's summary: "5 of 7 concerns" assessed (or ruled out).
        "assessed_count": sum(1 for a in assessments if a.counts_as_assessed),
        "design_inputs": design_inputs,
        "open_count": sum(1 for d in design_inputs if d.is_open),
        "checklist": checklist,
        "blockers": [b for item in checklist for b in item.blockers],
        "assignments": selectors.assignments_for(initiative),
        "criteria": criteria,
        "ranking": ranking,
        "components": selectors.components_for(initiative),
        "is_lead": has_role(user, Role.IT_LEAD),
        "can_review": can_review,
        "may_mark_ready": can_review and initiative.status == Status.IN_REVIEW,
        "may_reopen_review": can_review and initiative.status == Status.READY_FOR_BUILD,
        "concern_areas": ConcernArea.choices,
        "it_people": selectors.it_people() if has_role(user, Role.IT_LEAD) else [],
    }
    initiative.__dict__["_review_context"] = context
    return context
