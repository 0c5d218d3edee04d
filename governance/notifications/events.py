"""Hand-off notifications: every audit event that passes work to someone becomes a message.

How an event travels:

1. A service of any layer records its change with `audit.services.record_event`. This module
   subscribes to the audit trail (`audit.services.subscribe`), so the lower layers publish
   without importing anything above them.
2. For an action registered here (`register`), `_on_recorded` enqueues
   `governance.notifications.tasks.notify_event(event_id)` in the transactional outbox, in the
   transaction of the change: a change that rolls back notifies nobody.
3. The relay hands it to Celery after commit; `dispatch` resolves the recipients from the
   committed rows, adds the initiative's followers, drops the actor and everyone who may not
   see the initiative, and delivers per each person's preference through `services.deliver`,
   whose unique `Delivery` rows (kind "event", key = the audit event id) make it exactly once.
4. Every handler registered with `subscribe` (webhooks, Teams, Slack …) then receives the same
   event as a plain dict (see `subscribe`).
5. The portal's own events (`OwnEventKind`: status changes other than the submission, session
   reminders, overdue design inputs) have no audit hand-off behind them: their callers hand
   `make_event(...)` to `publish` directly, and the same handlers receive them.

Actions of `initiatives` and `reviews` are resolved here; the governance domains above this
one (sessions, decisions) register their own in their `notifications` module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from audit.models import AuditEvent
from audit.services import subscribe as subscribe_to_audit
from core.access import restrict_to_visible
from core.wording import in_sentence
from initiatives.models import Initiative, NamedRole
from initiatives.roles import Role
from outbox import enqueue
from reviews.models import AssessmentStatus, ConcernAssessment, DesignInput, ReviewAssignment

from .models import EventKind

logger = logging.getLogger(__name__)

TASK = "governance.notifications.tasks.notify_event"


@dataclass
class Message:
    """What one event tells whom: the people who must act next, and the words."""

    kind: str
    recipients: set[int]
    title: str
    text: str = ""
    link: str = ""
    # Followers hear of every event of the initiative; False for purely personal ones.
    followers: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


Resolver = Callable[[AuditEvent], Message | None]


@dataclass(frozen=True)
class _Entry:
    resolver: Resolver
    applies: Callable[[dict], bool] | None


_registry: dict[str, list[_Entry]] = {}
_subscribers: list[Callable[[dict], None]] = []


def register(action: str, resolver: Resolver, applies: Callable[[dict], bool] | None = None):
    """Notify about audit events with this `action`. `applies(changes)` (optional) decides,
    inside the writing transaction, whether one is worth a message at all; `resolver(event)`
    runs in the worker and returns the `Message` (or None: nobody to tell)."""
    _registry.setdefault(action, []).append(_Entry(resolver, applies))


def subscribe(handler: Callable[[dict], None]) -> None:
    """Receive every dispatched event as a plain dict, after the in-app and e-mail messages:

        {"kind": "input_raised", "key": "event:42:input_raised", "event_id": 42,
         "initiative_id": 7, "actor_id": 3, "recipient_ids": [5, 9], "title": "…",
         "text": "…", "link": "/initiatives/7/", "occurred_at": "2026-11-26T05:00:00+00:00"}

    `kind` is an `EventKind` value for the hand-offs of an audit event; the portal's own
    scheduled events (`make_event`: session reminders, overdue design inputs, status changes
    other than the submission) have `event_id` None and kinds of their own. `key` names the
    event: one audit event may give several kinds, each with its own key.
    `recipient_ids` are the people who were told (visible, not the actor). The handler runs in
    the Celery task (or, for `make_event` events, in the caller's transaction) and may run
    again if the task is retried: key your own deliveries on `key`. An exception is logged and
    does not stop the other handlers.
    """
    if handler not in _subscribers:
        _subscribers.append(handler)


def _on_recorded(event: AuditEvent) -> None:
    entries = _registry.get(event.action)
    if not entries:
        return
    if not any(e.applies is None or e.applies(event.changes or {}) for e in entries):
        return
    enqueue(TASK, {"event_id": event.pk}, key=f"notify-event:{event.pk}")


def connect() -> None:
    """Start listening to the audit trail (from `GovernanceConfig.ready`)."""
    subscribe_to_audit(_on_recorded)


def messages_for(event: AuditEvent) -> list[Message]:
    """The messages an event gives, from its registered resolvers."""
    out = []
    for entry in _registry.get(event.action, []):
        if entry.applies is not None and not entry.applies(event.changes or {}):
            continue
        message = entry.resolver(event)
        if message is not None:
            out.append(message)
    return out


def allowed_recipients(initiative_id: int | None, user_ids: Iterable[int], actor_id) -> list:
    """The active users among `user_ids` who may see the initiative, never the actor."""
    ids = {i for i in user_ids if i and i != actor_id}
    if not ids:
        return []
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    if initiative_id is None:
        return users
    return [
        u
        for u in users
        if restrict_to_visible(u, Initiative.objects.filter(pk=initiative_id)).exists()
    ]


def make_event(
    *,
    kind: str,
    key: str,
    title: str,
    text: str = "",
    link: str = "",
    initiative_id: int | None = None,
    actor=None,
    recipient_ids: Iterable[int] = (),
    occurred_at: datetime | None = None,
) -> dict:
    """An event of the portal's own (no audit event behind it) in the shape `subscribe`
    describes, every field present; `key` makes it one event for the handlers."""
    return {
        "kind": str(kind),
        "key": key,
        "event_id": None,
        "initiative_id": initiative_id,
        "actor_id": getattr(actor, "pk", None),
        "recipient_ids": sorted(recipient_ids),
        "title": title,
        "text": text,
        "link": link,
        "occurred_at": (occurred_at or timezone.now()).isoformat(timespec="seconds"),
    }


def publish(payload: dict) -> None:
    """Hand a dispatched event to every `subscribe`d handler."""
    for handler in list(_subscribers):
        try:
            handler(dict(payload))
        except Exception:  # noqa: BLE001 - one broken channel must not silence the others
            logger.exception("Notification subscriber %r failed", handler)


# --- who must act next: initiatives and reviews -------------------------------------------------


def _user_id(username: str | None) -> int | None:
    if not username:
        return None
    return get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()


def _sponsor_side(initiative: Initiative) -> set[int]:
    return {initiative.sponsor_id, *initiative.co_sponsors.values_list("pk", flat=True)}


def _reviewers(initiative_id: int) -> set[int]:
    return set(
        ReviewAssignment.objects.filter(initiative_id=initiative_id).values_list(
            "reviewer_id", flat=True
        )
    )


def _initiative(event: AuditEvent) -> Initiative | None:
    return Initiative.objects.filter(pk=event.initiative_id).first()


def _name(user_id: int | None) -> str:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return (user.get_full_name() or user.username) if user else gettext("Someone")


def _reviewer_assigned(event: AuditEvent) -> Message | None:
    assignment = ReviewAssignment.objects.filter(pk=event.object_id).first()
    initiative = _initiative(event)
    if assignment is None or initiative is None:
        return None
    area = (event.changes or {}).get("concern_area", "all")
    words = {"reference": initiative.reference, "title": initiative.title, "area": area}
    return Message(
        kind=EventKind.REVIEWER_ASSIGNED,
        recipients={assignment.reviewer_id},
        title=gettext("You review %(reference)s “%(title)s” (all areas)") % words
        if area == "all"
        else gettext("You review %(reference)s “%(title)s” (%(area)s)") % words,
        text=gettext("%(name)s assigned you as IT reviewer.") % {"name": _name(event.actor_id)},
        link=initiative.get_absolute_url(),
        followers=False,
    )


def _reviewer_unassigned(event: AuditEvent) -> Message | None:
    initiative = _initiative(event)
    reviewer = ((event.changes or {}).get("reviewer") or [None])[0]
    if initiative is None or not reviewer:
        return None
    return Message(
        kind=EventKind.REVIEWER_UNASSIGNED,
        recipients={_user_id(reviewer)},
        title=gettext("You no longer review %(reference)s “%(title)s”")
        % {"reference": initiative.reference, "title": initiative.title},
        text=gettext("%(name)s removed your review assignment.") % {"name": _name(event.actor_id)},
        link=initiative.get_absolute_url(),
        followers=False,
    )


def _submitted(event: AuditEvent) -> Message | None:
    initiative = _initiative(event)
    if initiative is None:
        return None
    leads = get_user_model().objects.filter(groups__name=Role.IT_LEAD, is_active=True)
    return Message(
        kind=EventKind.SUBMITTED,
        recipients=set(leads.values_list("pk", flat=True)),
        title=gettext("New for IT: %(reference)s “%(title)s” — assign reviewers")
        % {"reference": initiative.reference, "title": initiative.title},
        text=gettext("%(name)s submitted it for IT partnership.")
        % {"name": _name(initiative.sponsor_id)},
        link=initiative.get_absolute_url(),
        # IT leads have the e-mail of `send_submission_notice` already: in-app here.
        extra={"in_app_only": True},
    )


def _roles_named(event: AuditEvent) -> Message | None:
    initiative = _initiative(event)
    if initiative is None:
        return None
    changes = event.changes or {}
    after = changes.get("after") or {}
    named, roles = set(), []
    for name, label in (
        ("decision_owner", gettext("decision owner")),
        ("accountable_person", gettext("accountable")),
    ):
        new = changes[name][1] if name in changes else after.get(name)
        if new:
            named.add(new)
            roles.append(label)
    if not named:
        return None
    return Message(
        kind=EventKind.ROLE_NAMED,
        recipients=named,
        title=gettext("You are named %(roles)s of %(reference)s “%(title)s”")
        % {
            "roles": gettext(" and ").join(roles),
            "reference": initiative.reference,
            "title": initiative.title,
        },
        text=gettext(
            "%(name)s named you. Please acknowledge the role (or decline it, with a reason) on "
            "the initiative's page."
        )
        % {"name": _name(event.actor_id)},
        link=f"{initiative.get_absolute_url()}#yours-to-do",
        followers=False,
    )


def _role_declined(event: AuditEvent) -> Message | None:
    initiative = _initiative(event)
    if initiative is None:
        return None
    changes = event.changes or {}
    role = in_sentence(NamedRole(changes["role"]).label) if changes.get("role") else gettext("role")
    return Message(
        kind=EventKind.ROLE_DECLINED,
        recipients=_sponsor_side(initiative),
        title=gettext("%(name)s declines to be %(role)s of %(reference)s")
        % {"name": _name(event.actor_id), "role": role, "reference": initiative.reference},
        text=changes.get("reason", ""),
        link=initiative.get_absolute_url(),
    )


def _names_role(changes: dict) -> bool:
    after = changes.get("after") or {}
    return any(
        (name in changes and changes[name][1]) or after.get(name)
        for name in ("decision_owner", "accountable_person")
    )


def _component_owner(event: AuditEvent) -> Message | None:
    from reviews.models import ComponentOwnership

    component = (
        ComponentOwnership.objects.filter(pk=event.object_id)
        .select_related("integration__initiative")
        .first()
    )
    if component is None:
        return None
    initiative = component.integration.initiative
    return Message(
        kind=EventKind.ROLE_NAMED,
        recipients={component.owner_id},
        title=gettext("You own the component “%(component)s” of %(reference)s")
        % {"component": component.integration, "reference": initiative.reference},
        text=gettext("%(name)s named you component owner with design authority.")
        % {"name": _name(event.actor_id)},
        link=initiative.get_absolute_url(),
        followers=False,
    )


# Each action's title as a whole sentence, so a translation can put the words in its own order.
_INPUT_WORDS = {
    "raised": (
        EventKind.INPUT_RAISED,
        gettext_lazy("%(name)s raised “%(title)s” (%(severity)s) on %(reference)s"),
    ),
    "propose": (
        EventKind.INPUT_PROPOSED,
        gettext_lazy(
            "%(name)s proposed a solution for “%(title)s” (%(severity)s) on %(reference)s"
        ),
    ),
    "incorporate": (
        EventKind.INPUT_INCORPORATED,
        gettext_lazy("%(name)s marked incorporated “%(title)s” (%(severity)s) on %(reference)s"),
    ),
    "confirm": (
        EventKind.INPUT_CONFIRMED,
        gettext_lazy(
            "%(name)s confirmed the incorporation of “%(title)s” (%(severity)s) on %(reference)s"
        ),
    ),
    "reopen": (
        EventKind.INPUT_REOPENED,
        gettext_lazy("%(name)s re-opened “%(title)s” (%(severity)s) on %(reference)s"),
    ),
    "withdraw": (
        EventKind.INPUT_WITHDRAWN,
        gettext_lazy("%(name)s withdrew “%(title)s” (%(severity)s) on %(reference)s"),
    ),
    "accept_risk": (
        EventKind.INPUT_RISK_ACCEPTED,
        gettext_lazy("%(name)s accepted the risk of “%(title)s” (%(severity)s) on %(reference)s"),
    ),
}


def _design_input(event: AuditEvent) -> Message | None:
    item = DesignInput.objects.filter(pk=event.object_id).select_related("initiative").first()
    if item is None:
        return None
    verb = event.action.split(".", 1)[1]
    kind, words = _INPUT_WORDS[verb]
    initiative = item.initiative
    sponsor_side = _sponsor_side(initiative) | {item.owner_id}
    it_side = {item.raised_by_id} | _reviewers(initiative.pk)
    # The people who move next: IT after the sponsor side answered, the sponsor side otherwise.
    if verb == "incorporate":
        recipients = it_side
    elif verb == "propose":
        recipients = it_side if event.actor_id in sponsor_side else sponsor_side
    elif verb == "accept_risk":
        recipients = sponsor_side | it_side
    else:
        recipients = sponsor_side
    severity = in_sentence(item.get_severity_display())
    return Message(
        kind=kind,
        recipients=recipients,
        title=str(words)
        % {
            "name": _name(event.actor_id),
            "title": item.title,
            "severity": severity,
            "reference": initiative.reference,
        },
        text=gettext("Design input on %(reference)s “%(title)s”, now %(status)s.")
        % {
            "reference": initiative.reference,
            "title": initiative.title,
            "status": in_sentence(item.get_status_display()),
        },
        link=f"{initiative.get_absolute_url()}#di-{item.pk}",
    )


def _needs_info(changes: dict) -> bool:
    status = changes.get("status")
    return bool(status) and status[1] == AssessmentStatus.NEEDS_INFO


def _assessment(event: AuditEvent) -> Message | None:
    assessment = (
        ConcernAssessment.objects.filter(pk=event.object_id).select_related("initiative").first()
    )
    if assessment is None:
        return None
    initiative = assessment.initiative
    words = {"area": assessment.get_area_display(), "reference": initiative.reference}
    if event.action == "assessment.reopened":
        kind = EventKind.ASSESSMENT_REOPENED
        title = gettext("%(area)s re-opened %(reference)s") % words
        recipients = {assessment.reviewer_id} if assessment.reviewer_id else set()
        recipients |= _reviewers(initiative.pk)
        recipients |= _sponsor_side(initiative)
    else:
        kind = EventKind.ASSESSMENT_NEEDS_INFO
        title = gettext("IT needs information on %(area)s of %(reference)s") % words
        recipients = _sponsor_side(initiative)
    return Message(
        kind=kind,
        recipients=recipients,
        title=title,
        text=(event.changes or {}).get("reason") or assessment.rationale or "",
        link=f"{initiative.get_absolute_url()}#assessments",
    )


register("review.assigned", _reviewer_assigned)
register("review.unassigned", _reviewer_unassigned)
register("initiative.submitted", _submitted)
register("initiative.created", _roles_named, applies=_names_role)
register("initiative.updated", _roles_named, applies=_names_role)
register("component.owner_assigned", _component_owner)
register("role.declined", _role_declined)
for _verb in _INPUT_WORDS:
    register(f"design_input.{_verb}", _design_input)
register("assessment.updated", _assessment, applies=_needs_info)
register("assessment.reopened", _assessment)
