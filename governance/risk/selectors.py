"""Reads of the risk status that pages and the API share."""

from __future__ import annotations

from initiatives.models import Initiative

from .models import RiskState


def current_state(initiative: Initiative) -> RiskState | None:
    """The stored risk state (level and reasons) of one initiative, if computed yet."""
    return RiskState.objects.filter(initiative=initiative).first()
