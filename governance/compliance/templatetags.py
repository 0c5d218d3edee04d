"""Template tags of regulation and evidence (library "compliance_tags"): the panel on the
initiative page with the AI Act obligations, the evidence files, coverage and the report."""

from django import template

from .models import EvidenceTarget, ObligationStatus
from .permissions import can_contribute, can_see_evidence
from .selectors import evidence_for, obligations_for

register = template.Library()


@register.inclusion_tag("governance/compliance/_panel.html")
def compliance_panel(initiative, user):
    """Obligations and evidence of one initiative (with links to its framework coverage and
    readiness report), for those who may read its files. A few queries, whatever the data."""
    allowed = can_see_evidence(user, initiative)
    return {
        "initiative": initiative,
        "allowed": allowed,
        "can_contribute": allowed and can_contribute(user, initiative),
        "obligations": obligations_for(initiative) if allowed else [],
        "evidence": evidence_for(initiative) if allowed else [],
        "targets": dict(EvidenceTarget.choices),
        "closed": ObligationStatus.CLOSED,
        "open": ObligationStatus.OPEN,
    }
