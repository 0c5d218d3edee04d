"""Compliance listens to the initiatives app: when an initiative's EU AI Act screening changes
(or it is submitted), its obligations follow its classification."""

from django.dispatch import receiver

from initiatives.signals import screening_changed

from .services import sync_obligations


@receiver(screening_changed)
def _screening_changed(sender, initiative, user=None, source=None, **kwargs):
    sync_obligations(initiative, user=user, source=source)
