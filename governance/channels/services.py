"""Channels: create, enable, disable and delete them; fan events out; post one delivery.

`fan_out(event)` is the one entry point: it is subscribed to the hand-off events of
`governance.notifications.events` (`events.subscribe`; the audit hand-offs from its task, the
portal's own events from `publish(make_event(...))`) and follows the initiatives' status
changes other than the submission (which is the `submitted` hand-off). It writes one
`ChannelDelivery` per matching active channel (once per event key) and records the post in
the outbox, in the caller's transaction. `attempt_delivery` (the Celery task's body) posts,
logs the answer, records the next try with exponential back-off, and disables a channel after
`CHANNEL_DISABLE_AFTER` failed tries in a row, telling the person who created it.
"""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import record_event
from core.errors import FieldRuleError, RuleError
from core.people import display_name, speaking_to
from core.sealed import SealBroken, new_signing_secret, open_secret, seal
from governance.notifications.models import DeliveryKind
from governance.notifications.services import deliver
from initiatives.models import Initiative, Site
from outbox import enqueue

from . import payloads, posting
from .models import (
    EVENT_KINDS,
    ChannelDelivery,
    ChannelTarget,
    DeliveryStatus,
    OutboundChannel,
)
from .permissions import can_manage_channels

DELIVERY_TASK = "governance.channels.tasks.deliver_to_channel"

# The hosts a Teams or Slack incoming webhook lives on; anything else is refused for them.
TEAMS_HOSTS = (".webhook.office.com", ".logic.azure.com", ".powerplatform.com")
SLACK_HOSTS = ("hooks.slack.com",)


def _check_url(target: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise FieldRuleError("url", gettext("Enter the full address of the webhook (https://…)."))
    if parts.scheme == "http" and not settings.DEBUG and not _loopback(parts.hostname):
        raise FieldRuleError("url", gettext("Webhook addresses must use https."))
    host = parts.hostname.lower()
    if _loopback(host):
        return  # local receivers (tests, a relay on the same machine)
    if target == ChannelTarget.SLACK and host not in SLACK_HOSTS:
        raise FieldRuleError(
            "url", gettext("A Slack incoming webhook address starts with https://hooks.slack.com/.")
        )
    if target == ChannelTarget.TEAMS and not host.endswith(TEAMS_HOSTS):
        raise FieldRuleError(
            "url",
            gettext(
                "A Teams webhook address is on webhook.office.com or a Power Automate workflow "
                "(logic.azure.com, powerplatform.com)."
            ),
        )


def _loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def _url_hint(url: str) -> str:
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}/…"


@transaction.atomic
def create_channel(
    *,
    user,
    name: str,
    target: str,
    url: str,
    event_kinds: list[str],
    initiative: Initiative | None = None,
    site: Site | None = None,
    source: str | None = None,
) -> tuple[OutboundChannel, str]:
    """Create a channel. Returns it and its signing secret (generic webhooks; "" otherwise),
    which is shown this once and stored only encrypted."""
    if not can_manage_channels(user):
        raise PermissionDenied(gettext("Only IT leads set up channels."))
    name = name.strip()
    if not name:
        raise FieldRuleError("name", gettext("Give the channel a name."))
    if target not in ChannelTarget.values:
        raise FieldRuleError("target", gettext("Choose Teams, Slack or a generic webhook."))
    _check_url(target, url)
    kinds = list(dict.fromkeys(event_kinds))
    if not kinds:
        raise FieldRuleError("event_kinds", gettext("Choose at least one kind of event."))
    unknown = [k for k in kinds if k not in EVENT_KINDS]
    if unknown:
        raise FieldRuleError(
            "event_kinds", gettext("Unknown event kind: %(join)s.") % {"join": ", ".join(unknown)}
        )
    if (initiative is None) == (site is None):
        raise FieldRuleError("site", gettext("Choose either one initiative or one site."))
    secret = new_signing_secret() if target == ChannelTarget.WEBHOOK else ""
    channel = OutboundChannel.objects.create(
        name=name,
        target=target,
        initiative=initiative,
        site=site,
        event_kinds=kinds,
        sealed_url=seal(url),
        url_hint=_url_hint(url),
        sealed_signing_secret=seal(secret) if secret else "",
        created_by=user,
    )
    record_event(
        actor=user,
        action="channel.created",
        obj=channel,
        initiative=initiative,
        changes={
            "target": target,
            "scope": channel.scope_label,
            "event_kinds": kinds,
            "url": channel.url_hint,
        },
        source=source,
    )
    return channel, secret


@transaction.atomic
def set_channel_active(
    *, channel: OutboundChannel, user, active: bool, source: str | None = None
) -> OutboundChannel:
    """Enable or disable a channel by hand; enabling resets its failure count."""
    if not can_manage_channels(user):
        raise PermissionDenied(gettext("Only IT leads change channels."))
    locked = OutboundChannel.objects.select_for_update(no_key=True).get(pk=channel.pk)
    if locked.active == active:
        raise RuleError(
            gettext("The channel is already %(value)s.")
            % {"value": "enabled" if active else "disabled"}
        )
    locked.active = active
    locked.consecutive_failures = 0
    locked.disabled_at = None if active else timezone.now()
    locked.disabled_reason = "" if active else f"Disabled by {display_name(user)}."
    locked.save()
    record_event(
        actor=user,
        action="channel.enabled" if active else "channel.disabled",
        obj=locked,
        initiative=locked.initiative_id,
        changes={"active": [not active, active]},
        source=source,
    )
    return locked


@transaction.atomic
def delete_channel(*, channel: OutboundChannel, user, source: str | None = None) -> None:
    """Delete a channel and its log (the audit trail keeps that it existed)."""
    if not can_manage_channels(user):
        raise PermissionDenied(gettext("Only IT leads delete channels."))
    record_event(
        actor=user,
        action="channel.deleted",
        obj=channel,
        initiative=channel.initiative_id,
        changes={"name": channel.name, "target": channel.target},
        source=source,
    )
    channel.delete()


# --- Fan-out ---------------------------------------------------------------------------------


def subscribed_channels(event: dict) -> list[OutboundChannel]:
    """Active channels subscribed to the event's kind for its initiative or its site. Site
    channels never get a confidential initiative's events (a team room is no need-to-know)."""
    initiative_id = event.get("initiative_id")
    if not initiative_id:
        return []
    initiative = Initiative.objects.filter(pk=initiative_id).values("site_id", "confidential")
    facts = initiative.first()
    if facts is None:
        return []
    scope = Q(initiative_id=initiative_id)
    if facts["site_id"] and not facts["confidential"]:
        scope |= Q(site_id=facts["site_id"])
    # Kinds are matched here, not in SQL: SQLite (`make run`) has no JSON containment lookup.
    candidates = OutboundChannel.objects.filter(scope, active=True)
    return [c for c in candidates if event["kind"] in c.event_kinds]


def event_key(event: dict) -> str:
    """What makes an event one: its `key`, else (a hand-off without one) its audit event and
    kind, else its kind, initiative and time."""
    if event.get("key"):
        return event["key"]
    if event.get("event_id"):
        return f"event:{event['event_id']}:{event['kind']}"
    return f"{event['kind']}:{event.get('initiative_id')}:{event['occurred_at']}"


def _with_actor_name(event: dict) -> dict:
    """The event as posted: the actor's username (`actor`, for machines reading the generic
    webhook) and display name (`actor_name`, for "By …" in chat messages) next to
    `actor_id`."""
    if event.get("actor"):
        return event
    person = None
    if event.get("actor_id"):
        person = get_user_model().objects.filter(pk=event["actor_id"]).first()
    if person is None:
        return {**event, "actor": "", "actor_name": ""}
    return {**event, "actor": person.username, "actor_name": display_name(person)}


def fan_out(event: dict) -> int:
    """Record one delivery per subscribed channel and its post in the outbox, for an event of
    `governance.notifications.events` (`subscribe`'s dict: kind, key, event_id,
    initiative_id, actor_id, recipient_ids, title, text, link, occurred_at). Runs inside the
    caller's transaction (a savepoint of its own), once per channel and event key. Returns
    how many deliveries it added."""
    key = event_key(event)
    channels = subscribed_channels(event)
    if not channels:
        return 0
    event = _with_actor_name(event)
    added = 0
    with transaction.atomic():
        for channel in channels:
            delivery, created = ChannelDelivery.objects.get_or_create(
                channel=channel,
                event_key=key[:200],
                defaults={"event_kind": event["kind"], "event": event},
            )
            if created:
                enqueue(
                    DELIVERY_TASK,
                    {"delivery_id": delivery.pk},
                    key=f"channel-delivery:{delivery.pk}",
                )
                added += 1
    return added


# --- Delivery ----------------------------------------------------------------------------


def _request_for(channel: OutboundChannel, delivery: ChannelDelivery) -> tuple[str, bytes, dict]:
    url = open_secret(channel.sealed_url)
    event = delivery.event
    headers = {"Content-Type": "application/json", "User-Agent": "Harmony-Portal"}
    if channel.target == ChannelTarget.TEAMS:
        body = payloads.encode(payloads.teams_body(event))
    elif channel.target == ChannelTarget.SLACK:
        body = payloads.encode(payloads.slack_body(event))
    else:
        body = payloads.encode(payloads.webhook_body(event, delivery.pk))
        timestamp = int(time.time())
        secret = open_secret(channel.sealed_signing_secret)
        headers.update(
            {
                "X-Harmony-Event": event["kind"],
                "X-Harmony-Delivery": str(delivery.pk),
                "X-Harmony-Timestamp": str(timestamp),
                "X-Harmony-Signature": payloads.signature(secret, timestamp, body),
            }
        )
    return url, body, headers


def attempt_delivery(delivery_id: int) -> str:
    """Post one delivery if it is still due; returns its status afterwards.

    The row stays locked during the post, so a duplicated task waits and then finds it sent.
    """
    with transaction.atomic():
        delivery = (
            ChannelDelivery.objects.select_for_update(of=("self",), no_key=True)
            .select_related("channel")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "gone"
        if delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING):
            return delivery.status
        channel = OutboundChannel.objects.select_for_update(no_key=True).get(pk=delivery.channel_id)
        now = timezone.now()
        if not channel.active:
            delivery.status = DeliveryStatus.SKIPPED
            delivery.next_attempt_at = None
            delivery.save()
            return delivery.status
        try:
            url, body, headers = _request_for(channel, delivery)
        except SealBroken as exc:
            outcome = posting.Outcome(False, None, "", str(exc))
        else:
            outcome = posting.post(url, data=body, headers=headers)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.status_code = outcome.status_code
        delivery.response_excerpt = outcome.excerpt
        delivery.error = outcome.error
        if outcome.ok:
            delivery.status = DeliveryStatus.SENT
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            channel.consecutive_failures = 0
            channel.save(update_fields=["consecutive_failures"])
        else:
            channel.consecutive_failures = F("consecutive_failures") + 1
            channel.save(update_fields=["consecutive_failures"])
            channel.refresh_from_db(fields=["consecutive_failures"])
            if channel.consecutive_failures >= settings.CHANNEL_DISABLE_AFTER:
                _disable_after_failures(channel, outcome)
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            elif delivery.attempts >= settings.INTEGRATION_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delay = posting.retry_delay(delivery.attempts)
                delivery.status = DeliveryStatus.RETRYING
                delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
                enqueue(
                    DELIVERY_TASK,
                    {"delivery_id": delivery.pk},
                    key=f"channel-delivery:{delivery.pk}:{delivery.attempts}",
                    delay=delay,
                )
        delivery.save()
        return delivery.status


def _disable_after_failures(channel: OutboundChannel, outcome: posting.Outcome) -> None:
    reason = (
        f"Disabled after {channel.consecutive_failures} failed deliveries in a row "
        f"(last: {outcome.error or 'no answer'})."
    )
    channel.active = False
    channel.disabled_at = timezone.now()
    channel.disabled_reason = reason
    channel.save(update_fields=["active", "disabled_at", "disabled_reason"])
    record_event(
        actor=None,
        action="channel.disabled",
        obj=channel,
        initiative=channel.initiative_id,
        changes={"active": [True, False], "reason": reason},
        source="task",
    )
    # Waiting deliveries of a disabled channel are not sent.
    ChannelDelivery.objects.filter(
        channel=channel, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]
    ).update(status=DeliveryStatus.SKIPPED, next_attempt_at=None)
    creator = channel.created_by
    if creator.is_active:
        with speaking_to(creator):
            subject = gettext("Channel “%(name)s” was disabled") % {"name": channel.name}
            body = f"{reason}\n" + gettext(
                "Check the address and the receiving side, then enable it again."
            )
        deliver(
            user=creator,
            kind=DeliveryKind.CHANNEL_DISABLED,
            key=f"{channel.pk}@{channel.disabled_at.isoformat()}",
            subject=subject,
            body=body,
            link=reverse("channels:detail", args=[channel.pk]),
        )
