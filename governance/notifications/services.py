"""In-app notifications and e-mail, delivered exactly once per user, channel and subject.

`deliver` inserts the `Delivery` row and sends in one transaction: a second run (a retried
or duplicated task, a concurrent worker) fails on the unique constraint and sends nothing;
a send that raises rolls the row back, so the next run tries again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from audit.models import AuditEvent
from audit.services import record_event
from core.access import restrict_to_visible
from core.errors import FieldRuleError
from core.people import language_of, speaking_to
from core.wording import in_sentence
from initiatives.models import Initiative, IntegrationPoint

from .models import (
    DEFAULT_MODES,
    Channel,
    Delivery,
    DeliveryKind,
    EventKind,
    Follow,
    Mode,
    Notification,
    Preference,
)

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
    event_kind: str = "",
    initiative_id: int | None = None,
    unsubscribe_url: str = "",
) -> list[str]:
    """Send one message to one user on each channel at most once. Returns the channels sent.

    `unsubscribe_url` (absolute) is added to the e-mail's text and as its List-Unsubscribe
    header (RFC 8058 one-click). The frame of the e-mail (subject prefix, unsubscribe footer)
    is in the recipient's language; callers write `subject` and `body` in it too
    (`core.people.speaking_to`)."""
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
                    headers = {}
                    footer = ""
                    if unsubscribe_url:
                        with speaking_to(user):
                            footer = "\n\n--\n" + gettext("Stop these e-mails: %(url)s") % {
                                "url": unsubscribe_url
                            }
                        headers = {
                            "List-Unsubscribe": f"<{unsubscribe_url}>",
                            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                        }
                    EmailMessage(
                        subject=f"[Harmony] {subject}",
                        body=f"{body}{url}\n{footer}",
                        to=[user.email],
                        headers=headers,
                    ).send()
                else:
                    Notification.objects.create(
                        user=user,
                        text=subject[:500],
                        link=link,
                        kind=event_kind,
                        initiative_id=initiative_id,
                    )
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
    with speaking_to(system.it_owner):
        how = in_sentence(integration.get_purpose_display())
        if integration.vendor:
            how += gettext(", vendor %(vendor)s") % {"vendor": integration.vendor}
        if integration.connector:
            how += gettext(", via %(connector)s") % {"connector": integration.connector}
        body = gettext(
            "%(reference)s “%(title)s” (%(site)s) integrates with %(system)s (%(how)s). "
            "As the system's IT owner you now take part in its review."
        ) % {
            "reference": initiative.reference,
            "title": initiative.title,
            "site": initiative.site or gettext("no site"),
            "system": system,
            "how": how,
        }
        if system.criticality == "high":
            body += " " + gettext(
                "It is a high-criticality system: please acknowledge the integration."
            )
        subject = gettext("%(reference)s connects to %(system)s") % {
            "reference": initiative.reference,
            "system": system.name,
        }
    return deliver(
        user=system.it_owner,
        kind=DeliveryKind.SYSTEM_LINK,
        key=f"{integration.pk}@{system.pk}",
        subject=subject,
        body=body,
        link=reverse("initiatives:system", args=[system.pk]),
    )


# --- hand-off notifications -----------------------------------------------------------------


def modes_of(user) -> dict[str, str]:
    """The user's mode for every event kind: their choice, else the default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "mode"))
    return {kind: chosen.get(kind, DEFAULT_MODES[kind]) for kind in EventKind.values}


def notify_event(event_id: int) -> int:
    """Deliver the messages of one audit event (the outbox task's body). Exactly once per
    person and channel, whatever number of times it runs. Returns how many were sent."""
    from . import events

    event = AuditEvent.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    sent = 0
    told: set[int] = set()  # one event, one message per person (a mention beats "commented")
    # The words of each message in each recipient's language: the resolvers run again under
    # that language (at most once per language), in the same order as the first time.
    in_language: dict[str, list] = {}

    def words(language: str, index: int, message):
        if language not in in_language:
            with translation.override(language):
                in_language[language] = events.messages_for(event)
        found = in_language[language]
        return found[index] if index < len(found) else message

    for index, message in enumerate(events.messages_for(event)):
        ids = set(message.recipients)
        if message.followers and event.initiative_id:
            ids |= set(
                Follow.objects.filter(initiative_id=event.initiative_id).values_list(
                    "user_id", flat=True
                )
            )
        recipients = [
            u for u in events.allowed_recipients(event.initiative_id, ids - told, event.actor_id)
        ]
        told |= {u.pk for u in recipients}
        for user in recipients:
            mode = modes_of(user)[message.kind]
            theirs = words(language_of(user), index, message)
            channels = (
                (Channel.EMAIL, Channel.IN_APP)
                if mode == Mode.IMMEDIATELY and not message.extra.get("in_app_only")
                else (Channel.IN_APP,)
            )
            sent += len(
                deliver(
                    user=user,
                    kind=DeliveryKind.EVENT,
                    key=f"{event.pk}:{message.kind}",
                    subject=theirs.title,
                    body=theirs.text or theirs.title,
                    link=message.link,
                    channels=channels,
                    event_kind=message.kind,
                    initiative_id=event.initiative_id,
                    unsubscribe_url=unsubscribe_url(user, message.kind),
                )
            )
        events.publish(
            {
                "kind": str(message.kind),
                "key": f"event:{event.pk}:{message.kind}",
                "event_id": event.pk,
                "initiative_id": event.initiative_id,
                "actor_id": event.actor_id,
                "recipient_ids": [u.pk for u in recipients],
                "title": message.title,
                "text": message.text,
                "link": message.link,
                "occurred_at": event.at.isoformat(),
            }
        )
    return sent


def send_daily_digests(now=None) -> int:
    """One e-mail per person per day with the hand-offs of the last day they chose to read
    in a digest. Safe to run twice (the day is the delivery key)."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    since = now - timedelta(days=1)
    key = timezone.localdate(now).isoformat()
    recent = Notification.objects.filter(created_at__gte=since).exclude(kind="")
    users = (
        get_user_model()
        .objects.filter(pk__in=recent.values("user_id"), is_active=True)
        .exclude(email="")
    )
    sent = 0
    for user in users:
        modes = modes_of(user)
        digest_kinds = [k for k, m in modes.items() if m == Mode.DIGEST]
        items = list(
            restrict_to_visible(
                user, recent.filter(user=user, kind__in=digest_kinds), "initiative__"
            ).order_by("created_at")
        )
        if not items:
            continue
        lines = [f"- {n.text}\n  {settings.PORTAL_BASE_URL}{n.link}" for n in items]
        with speaking_to(user):
            subject = ngettext(
                "Your day in Harmony: %(count)s update",
                "Your day in Harmony: %(count)s updates",
                len(items),
            ) % {"count": len(items)}
            intro = gettext("What happened on your initiatives:")
        sent += len(
            deliver(
                user=user,
                kind=DeliveryKind.DAILY_DIGEST,
                key=key,
                subject=subject,
                body=intro + "\n" + "\n".join(lines),
                link=reverse("notifications:list"),
                channels=(Channel.EMAIL,),
                unsubscribe_url=unsubscribe_url(user, ""),
            )
        )
    return sent


# --- preferences, unsubscribing, following --------------------------------------------------

UNSUBSCRIBE_SALT = "harmony.notifications.unsubscribe"


def unsubscribe_token(user, kind: str) -> str:
    """A signed token naming the user and the kind ("" = every kind) to turn e-mail off for."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(user, kind: str) -> str:
    token = unsubscribe_token(user, kind)
    return f"{settings.PORTAL_BASE_URL}{reverse('notifications:unsubscribe', args=[token])}"


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a token this portal signed; None for anything else."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k", "") not in ("", *EventKind.values):
        return None
    return data.get("u"), data.get("k", "")


def set_preferences(*, user, modes: dict[str, str], source: str | None = None) -> dict:
    """Save the user's mode per event kind (kinds not given keep theirs). Returns the changes."""
    bad = {k: gettext("Unknown kind of event.") for k in modes if k not in EventKind.values}
    bad |= {
        k: gettext("Choose one of: %(modes)s.") % {"modes": ", ".join(Mode.values)}
        for k, m in modes.items()
        if k in EventKind.values and m not in Mode.values
    }
    if bad:
        field, message = next(iter(bad.items()))
        raise FieldRuleError(field, message)
    with transaction.atomic():
        before = modes_of(user)
        changes = {k: [before[k], m] for k, m in modes.items() if before[k] != m}
        for kind, mode in modes.items():
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})
        if changes:
            record_event(
                actor=user,
                action="notifications.preferences_changed",
                obj=user,
                changes=changes,
                source=source,
            )
    return changes


def unsubscribe(*, token: str) -> tuple[object, str]:
    """Turn e-mail off (in-app only) for the kind in a signed token; the user and kind."""
    from django.contrib.auth import get_user_model

    data = read_unsubscribe_token(token)
    user = get_user_model().objects.filter(pk=data[0]).first() if data else None
    if user is None:
        raise PermissionDenied(gettext("This unsubscribe link is not valid."))
    kinds = [data[1]] if data[1] else EventKind.values
    set_preferences(user=user, modes={k: Mode.IN_APP for k in kinds}, source="browser")
    return user, data[1]


def set_following(*, user, initiative: Initiative, follow: bool, source: str | None = None):
    """Follow or unfollow an initiative the user may see. Returns whether they now follow."""
    if not restrict_to_visible(user, Initiative.objects.filter(pk=initiative.pk)).exists():
        raise PermissionDenied(gettext("You may not see this initiative."))
    with transaction.atomic():
        if follow:
            _, changed = Follow.objects.get_or_create(user=user, initiative=initiative)
        else:
            changed = bool(Follow.objects.filter(user=user, initiative=initiative).delete()[0])
        if changed:
            record_event(
                actor=user,
                action="initiative.followed" if follow else "initiative.unfollowed",
                obj=initiative,
                initiative=initiative,
                changes={"follower": user.username},
                source=source,
            )
    return follow
