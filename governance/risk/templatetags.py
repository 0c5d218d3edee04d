"""Template tags of risk status (library "risk_tags"): the panel on the initiative page and
the label of a level."""

from django import template

from initiatives.models import RiskLevel

from .models import RiskState, RiskStatusChange
from .rules import reason_in_language

register = template.Library()


@register.inclusion_tag("governance/risk/_panel.html")
def risk_panel(initiative):
    """Risk status with its reasons, readiness per concern and the history of changes."""
    from reviews.models import ConcernAssessment

    state = RiskState.objects.filter(initiative=initiative).first()
    history = list(
        RiskStatusChange.objects.filter(initiative=initiative).order_by("-at", "-id")[:10]
    )
    # The reasons are stored in English; shown (never saved) in the reader's language.
    for row in [state, *history]:
        if row is not None:
            row.reasons = [reason_in_language(r) for r in row.reasons or []]
    return {
        "initiative": initiative,
        "state": state,
        "level_label": RiskLevel(initiative.risk_level).label,
        "assessments": list(ConcernAssessment.objects.filter(initiative=initiative)),
        "history": history,
    }


@register.filter
def risk_label(level: str) -> str:
    """The label of a risk level code, e.g. At risk for at_risk."""
    try:
        return RiskLevel(level).label
    except ValueError:
        return level
