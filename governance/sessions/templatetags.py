"""Template tags of working sessions (library "sessions_tags"): the panel on the initiative
page."""

from django import template

from initiatives.models import ACTIVE_STATUSES

from . import permissions, selectors
from .models import WorkingSeries

register = template.Library()


@register.inclusion_tag("governance/sessions/_panel.html", takes_context=True)
def sessions_panel(context, initiative):
    """The standing working session: cadence, next and recent occurrences."""
    user = context["user"]
    series = (
        WorkingSeries.objects.filter(initiative=initiative).prefetch_related("participants").first()
    )
    return {
        "initiative": initiative,
        "series": series,
        "occurrences": selectors.sessions_of(initiative) if series else {},
        "can_schedule": permissions.can_schedule(user, initiative)
        and initiative.status in ACTIVE_STATUSES,
    }
