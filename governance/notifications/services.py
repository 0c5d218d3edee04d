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
from django.urls import reverse
from django.utils import timezone

from initiatives.models import IntegrationPoint

from .models import Channel, Delivery, DeliveryKind, Notification

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


def notify_system_owner(integration_id: int) -> list[str]:
    """Tell a system's IT owner that an initiative connects to the system and that they now
    take part in its review. Once per integration and system (the `Delivery` rows); nothing
    when the link is gone by the time the task runs."""
    integration = (
        IntegrationPoint.objects.select_related("initiative", "system__it_owner", "system__site")
        .filter(pk=integration_id, system__it_owner__isnull=False)
        .first()
    )
    if integration is None:
        return []
    system, initiative = integration.system, integration.initiative
    high = (
        " It is a high-criticality system: please acknowledge the integration."
        if (system.criticality == "high")
        else ""
    )
    return deliver(
        user=system.it_owner,
        kind=DeliveryKind.SYSTEM_LINK,
        key=f"{integration.pk}@{system.pk}",
        subject=f"{initiative.reference} connects to {system.name}",
        body=(
            f"{initiative.reference} “{initiative.title}” ({initiative.site or 'no site'}) "
            f"integrates with {system} ({integration.get_purpose_display().lower()}"
            f"{', vendor ' + integration.vendor if integration.vendor else ''}"
            f"{', via ' + integration.connector if integration.connector else ''}). "
            f"As the system's IT owner you now take part in its review.{high}"
        ),
        link=reverse("initiatives:system", args=[system.pk]),
    )
