"""The decision log, change control and audit link on the initiative page."""

from django import template

from governance import decisions
from governance.audit import can_view_audit_trail
from governance.models import ChangeRequest, ChangeStatus, Decision, ProductionRelease

register = template.Library()


@register.inclusion_tag("governance/_decisions_panel.html")
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
        "transitions": {s: sorted(t) for s, t in decisions.ALLOWED_CHANGE_TRANSITIONS.items()},
        "status_labels": dict(ChangeStatus.choices),
        "can_record": decisions.can_record_decision(user, initiative),
        "can_request": decisions.can_request_change(user, initiative)
        and initiative.status in decisions.CHANGE_CONTROLLED_STATUSES,
        "can_decide": decisions.can_decide_change(user, initiative),
        "can_audit": can_view_audit_trail(user, initiative),
    }
