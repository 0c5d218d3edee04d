"""Reads of the hand-off shared by pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from core.access import restrict_to_visible

from .models import BuildTicket, HandoffTarget


def targets() -> QuerySet[HandoffTarget]:
    return HandoffTarget.objects.select_related("site", "updated_by")


def tickets_for(user) -> QuerySet[BuildTicket]:
    """Build tickets of the initiatives the user may see."""
    qs = BuildTicket.objects.select_related("initiative", "target__site")
    return restrict_to_visible(user, qs, prefix="initiative__").order_by("-created_at")
