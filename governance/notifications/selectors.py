"""Reads of the in-app notifications: the bell's count and the list."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def unread_count(user) -> int:
    """How many unread notifications the user has (one COUNT query)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user=user)
