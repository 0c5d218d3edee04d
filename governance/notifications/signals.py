"""Notifications listen to the initiatives app: when an integration is linked to a registered
system, its IT owner hears of it. The message is recorded in the outbox inside the linking
transaction, so it goes out once that commits (and never if it rolls back).

Status changes other than the submission (which is the `submitted` hand-off of `events`) are
published as the portal's own events (`OwnEventKind`, "initiative.<status>"), in the
transition's transaction, for the `events.subscribe`d handlers (chat and webhook channels)."""

from django.dispatch import receiver

from initiatives.models import Initiative, Status
from initiatives.signals import integration_linked, status_changed
from outbox import enqueue

from .events import make_event, publish


@receiver(integration_linked)
def _integration_linked(sender, integration, **kwargs):
    enqueue(
        "governance.notifications.tasks.notify_system_owner",
        {"integration_id": integration.pk},
        key=f"system-link:{integration.pk}:{integration.system_id}",
    )


@receiver(status_changed, dispatch_uid="notifications-status-changed")
def _status_changed(sender, initiative, from_status, to_status, user, **kwargs):
    if to_status == Status.SUBMITTED:
        return
    labels = dict(Initiative._meta.get_field("status").choices)
    who = (user.get_full_name() or user.username) if user is not None else "The portal"
    publish(
        make_event(
            kind=f"initiative.{to_status}",
            key=f"initiative.{to_status}:{initiative.pk}:v{initiative.version}",
            initiative_id=initiative.pk,
            title=f"{initiative.reference} {initiative.title}: {labels[to_status].lower()}",
            text=f"{who} moved {initiative.reference} “{initiative.title}” from "
            f"{labels[from_status].lower()} to {labels[to_status].lower()}.",
            link=initiative.get_absolute_url(),
            actor=user,
        )
    )
