"""Notifications listen to the initiatives app: when an integration is linked to a registered
system, its IT owner hears of it. The message is recorded in the outbox inside the linking
transaction, so it goes out once that commits (and never if it rolls back)."""

from django.dispatch import receiver

from initiatives.signals import integration_linked
from outbox import enqueue


@receiver(integration_linked)
def _integration_linked(sender, integration, **kwargs):
    enqueue(
        "governance.notifications.tasks.notify_system_owner",
        {"integration_id": integration.pk},
        key=f"system-link:{integration.pk}:{integration.system_id}",
    )
