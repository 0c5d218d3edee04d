"""Template tags of the decision log (library "decisions_tags"): its panel on the initiative
page, with change control and the link to the audit trail."""

from django import template

from audit.selectors import can_view_audit_trail
from initiatives.models import ACTIVE_STATUSES

from . import permissions
from .models import ChangeRequest, ChangeStatus, Decision, DecisionKind, ProductionRelease
from .services import ALLOWED_CHANGE_TRANSITIONS

register = template.Library()


@register.inclusion_tag("governance/decisions/_panel.html")
def decisions_panel(initiative, user):
    """Decision log, production version and change requests of one initiative."""
    return {
        "initiative": initiative,
        "decisions": Decision.objects.filter(initiative=initiative).select_related(
            "decided_by", "accountable"
        ),
        "releases": list(
            ProductionRelease.objects.filter(initiative=initiative).select_related("released_by")[
                :5
            ]
        ),
        "changes": ChangeRequest.objects.filter(initiative=initiative).select_related(
            "requested_by", "decided_by"
        ),
        "transitions": {s: sorted(t) for s, t in ALLOWED_CHANGE_TRANSITIONS.items()},
        "status_labels": dict(ChangeStatus.choices),
        "can_record": permissions.can_record_decision(user, initiative),
        "can_escalate": permissions.can_record_decision(user, initiative, DecisionKind.ESCALATION),
        "can_request": permissions.can_request_change(user, initiative)
        and initiative.status in ACTIVE_STATUSES,
        "can_decide": permissions.can_decide_change(user, initiative),
        "can_audit": can_view_audit_trail(user, initiative),
    }
