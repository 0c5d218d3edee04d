"""In-app notifications and e-mail, delivered exactly once per user, channel and subject.

`deliver` inserts the `Delivery` row and sends in one transaction: a second run (a retried
or duplicated task, a concurrent worker) fails on the unique constraint and sends nothing;
a send that raises rolls the row back, so the next run tries again.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Channel, Delivery, Notification

logger = logging.getLogger(__name__)


def deliver(
    *,
    user,
    kind: str,
    key: str,
    subject: str,
    body: str,
    link: str = "",
    session=None,
    channels: tuple[str, ...] = (Channel.EMAIL, Channel.IN_APP),
) -> list[str]:
    """Send one message to one user on each channel at most once. Returns the channels sent."""
    sent = []
    for channel in channels:
        if channel == Channel.EMAIL and not user.email:
            continue
        try:
            with transaction.atomic():
                Delivery.objects.create(
                    kind=kind, key=key, user=user, channel=channel, session=session
                )
                if channel == Channel.EMAIL:
                    url = f"\n\n{settings.PORTAL_BASE_URL}{link}" if link else ""
                    send_mail(
                        subject=f"[Harmony] {subject}",
                        message=f"{body}{url}\n",
                        from_email=None,
                        recipient_list=[user.email],
                    )
                else:
                    Notification.objects.create(user=user, text=subject[:500], link=link)
        except IntegrityError:
            continue  # already delivered by an earlier or concurrent run
        sent.append(channel)
    return sent


def mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the given notifications of the user (all if None) as read. Returns how many."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
