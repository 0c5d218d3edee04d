"""Helpers of the review service tests: the audit events a call left, and a design input
brought into a given state through the services."""

from audit.models import AuditEvent
from reviews import services
from reviews.models import DesignInputStatus
from tests import factories


def _new_events(before_id):
    return list(AuditEvent.objects.filter(id__gt=before_id).order_by("id"))


def _last_id():
    last = AuditEvent.objects.order_by("-id").first()
    return last.id if last else 0


def _at(status, reviewed, users, severity="medium"):
    """A design input brought into `status` through the services."""
    item = factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], severity=severity
    )
    if status == DesignInputStatus.RAISED:
        return item
    if status == DesignInputStatus.SOLUTION_PROPOSED:
        return services.transition_design_input(
            design_input=item, user=users["sponsor"], action="propose", text="Use EU region"
        )
    if status == "confirmed":
        item = services.transition_design_input(
            design_input=item, user=users["sponsor"], action="incorporate", text="EU region"
        )
        return services.transition_design_input(
            design_input=item, user=users["reviewer"], action="confirm"
        )
    action, actor, text = {
        DesignInputStatus.INCORPORATED: ("incorporate", "sponsor", "EU region now"),
        DesignInputStatus.RISK_ACCEPTED: ("accept_risk", "it_lead", "Pilot only"),
        DesignInputStatus.WITHDRAWN: ("withdraw", "reviewer", "Duplicate"),
    }[status]
    return services.transition_design_input(
        design_input=item, user=users[actor], action=action, text=text
    )
