"""Model signals that make the dashboard's cached figures stale when what they count changes.

The dashboard is the top layer: it subscribes to the models below it instead of those writers
knowing about it (as `governance/risk/signals.py` does for risk status). After the change
commits — not before, or a view could compute the old figures again and cache them under the
new version — the version token of `governance.dashboard.cache` is replaced. A change rolled
back invalidates nothing.

What the figures count: initiatives (phase, status, risk, EU AI Act class, involvement,
submission and readiness dates, site and unit for the filters, confidentiality), decisions
(escalations, vendor selections before IT), design inputs (blockers, incorporated, the
partnership route) and working sessions (held, planned, cancelled); the overlaps across
sites also compare integrations (systems) and vendor candidates. Risk levels the risk
recompute writes in bulk come through its own signal. Concern assessments feed only the
portfolio table, which is not cached.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from governance.decisions.models import Decision
from governance.risk.services import levels_changed
from governance.sessions.models import WorkingSeries, WorkingSession
from initiatives.models import Initiative, IntegrationPoint, VendorCandidate
from reviews.models import DesignInput

from .cache import invalidate


def invalidate_on_commit() -> None:
    """Invalidate the cached figures once the current transaction commits (at once outside
    one). A cache that fails then is logged by Django and does not fail the request."""
    transaction.on_commit(invalidate, robust=True)


@receiver(post_save, sender=Initiative)
@receiver(post_delete, sender=Initiative)
@receiver(post_save, sender=Decision)
@receiver(post_delete, sender=Decision)
@receiver(post_save, sender=DesignInput)
@receiver(post_delete, sender=DesignInput)
@receiver(post_save, sender=WorkingSession)
@receiver(post_delete, sender=WorkingSession)
@receiver(post_save, sender=WorkingSeries)
@receiver(post_delete, sender=WorkingSeries)
@receiver(post_save, sender=IntegrationPoint)
@receiver(post_delete, sender=IntegrationPoint)
@receiver(post_save, sender=VendorCandidate)
@receiver(post_delete, sender=VendorCandidate)
def _counted_changed(sender, **kwargs):
    invalidate_on_commit()


@receiver(levels_changed)
def _risk_levels_changed(sender, **kwargs):
    invalidate_on_commit()
