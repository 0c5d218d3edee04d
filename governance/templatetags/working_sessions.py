"""Template tags for the initiative page panels and the navbar bell of the governance app."""

from django import template

from initiatives.models import RiskLevel

from .. import notifications, sessions
from ..models import RiskState, RiskStatusChange, WorkingSeries

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """One COUNT query per page, cached on the request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = notifications.unread_count(user)
    return request._unread_notifications


@register.inclusion_tag("governance/_risk_panel.html")
def risk_panel(initiative):
    """Risk status with its reasons, readiness per concern and the history of changes."""
    from reviews.models import ConcernAssessment

    state = RiskState.objects.filter(initiative=initiative).first()
    return {
        "initiative": initiative,
        "state": state,
        "level_label": RiskLevel(initiative.risk_level).label,
        "assessments": list(ConcernAssessment.objects.filter(initiative=initiative)),
        "history": list(
            RiskStatusChange.objects.filter(initiative=initiative).order_by("-at", "-id")[:10]
        ),
    }


@register.inclusion_tag("governance/_sessions_panel.html", takes_context=True)
def sessions_panel(context, initiative):
    """The standing working session: cadence, next and recent occurrences."""
    user = context["user"]
    series = (
        WorkingSeries.objects.filter(initiative=initiative).prefetch_related("participants").first()
    )
    return {
        "initiative": initiative,
        "series": series,
        "occurrences": sessions.sessions_of(initiative) if series else {},
        "can_schedule": sessions.can_schedule(user, initiative)
        and initiative.status in sessions.OPEN_STATUSES,
    }


@register.filter
def risk_label(level: str) -> str:
    """The label of a risk level code, e.g. At risk for at_risk."""
    try:
        return RiskLevel(level).label
    except ValueError:
        return level
