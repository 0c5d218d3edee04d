"""Demo data of channels: the Augsburg plant's Teams channel and a signed webhook of the
visual quality inspection, each with a few rows in its delivery log (the demo has no real
receiver, so the log rows are written as a real run would have left them)."""

from datetime import timedelta

from django.utils import timezone

from .models import ChannelDelivery, DeliveryStatus, OutboundChannel
from .services import create_channel


def load(context: dict) -> None:
    if OutboundChannel.objects.exists():
        return
    users, initiatives = context["users"], context["initiatives"]
    lena = users["lena"]
    vqi = initiatives["vqi"]
    teams, _ = create_channel(
        user=lena,
        name="Augsburg plant IT (Teams)",
        target="teams",
        url="https://contoso.webhook.office.com/webhookb2/demo-augsburg/IncomingWebhook/demo",
        event_kinds=["submitted", "initiative.ready_for_build", "session.reminder"],
        site=vqi.site,
    )
    hook, _ = create_channel(
        user=lena,
        name="Quality data platform (webhook)",
        target="webhook",
        url="https://integration.example.com/harmony/events",
        event_kinds=["initiative.ready_for_build", "design_input.overdue"],
        initiative=vqi,
    )
    now = timezone.now()
    rows = [
        (teams, "submitted", "submitted", DeliveryStatus.SENT, 1, 200, "1", ""),
        (teams, "session.reminder", "Working session", DeliveryStatus.SENT, 2, 200, "1", ""),
        (
            hook,
            "design_input.overdue",
            "design inputs overdue",
            DeliveryStatus.SENT,
            1,
            204,
            "",
            "",
        ),
        (
            hook,
            "initiative.ready_for_build",
            "ready for build",
            DeliveryStatus.RETRYING,
            2,
            503,
            "Service Unavailable",
            "HTTP 503",
        ),
    ]
    for n, (channel, kind, what, status, attempts, code, excerpt, error) in enumerate(rows):
        at = now - timedelta(hours=6 - n)
        ChannelDelivery.objects.create(
            channel=channel,
            event_key=f"demo:{kind}:{n}",
            event_kind=kind,
            event={
                "kind": kind,
                "initiative_id": vqi.pk,
                "title": f"{vqi.reference} {vqi.title}: {what}",
                "occurred_at": at.isoformat(timespec="seconds"),
            },
            status=status,
            attempts=attempts,
            status_code=code,
            response_excerpt=excerpt,
            error=error,
            last_attempt_at=at,
            delivered_at=at if status == DeliveryStatus.SENT else None,
            next_attempt_at=now + timedelta(minutes=2)
            if status == DeliveryStatus.RETRYING
            else None,
        )
