"""Reads of the in-app notifications: the bell's count and the list."""

from __future__ import annotations

from django.db.models import QuerySet

from core.access import restrict_to_visible

from .models import EventKind, Follow, Notification
from .services import modes_of


def _visible(user, qs: QuerySet[Notification]) -> QuerySet[Notification]:
    """Notifications about initiatives the user (still) sees, and those about none. Each row's
    own initiative is tested (a join), not whether it is among every visible one."""
    about_one = restrict_to_visible(user, qs.filter(initiative__isnull=False), "initiative__")
    return qs.filter(initiative__isnull=True) | about_one


def unread_count(user) -> int:
    """How many unread notifications the user has (one COUNT query)."""
    if not user.is_authenticated:
        return 0
    return _visible(user, Notification.objects.filter(user=user, read_at__isnull=True)).count()


def notifications_of(user) -> QuerySet[Notification]:
    """The user's notifications, newest first; none about an initiative they no longer see."""
    return _visible(user, Notification.objects.filter(user=user))


def preferences_of(user) -> list[dict]:
    """Every event kind with its label and the user's mode (their choice or the default)."""
    modes = modes_of(user)
    return [{"kind": k, "label": label, "mode": modes[k]} for k, label in EventKind.choices]


def follows(user, initiative) -> bool:
    return Follow.objects.filter(user=user, initiative=initiative).exists()
