"""Reads of channels and their delivery log, shared by pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ChannelDelivery, OutboundChannel


def channels() -> QuerySet[OutboundChannel]:
    """Every channel with what its list shows."""
    return OutboundChannel.objects.select_related("initiative", "site", "created_by")


def delivery_log(channel_id: int | None = None) -> QuerySet[ChannelDelivery]:
    """Deliveries, newest first (of one channel when given)."""
    qs = ChannelDelivery.objects.select_related("channel")
    if channel_id is not None:
        qs = qs.filter(channel_id=channel_id)
    return qs.order_by("-created_at", "-id")
