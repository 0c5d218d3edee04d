"""Template tags of the build hand-off (library "handoff_tags"): the ticket on the initiative
page."""

from django import template

from .models import BuildTicket
from .permissions import can_configure_handoff

register = template.Library()


@register.inclusion_tag("governance/handoff/_panel.html", takes_context=True)
def handoff_panel(context, initiative):
    """The delivery ticket of a ready-for-build initiative: its link, or why it is missing."""
    ticket = BuildTicket.objects.filter(initiative=initiative).first()
    return {
        "initiative": initiative,
        "ticket": ticket,
        "can_retry": can_configure_handoff(context["user"]),
    }
