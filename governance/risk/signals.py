"""Model signals that keep risk status current without depending on the code that writes.

Whoever changes a design input, an assessment, an initiative or a working session, a
debounced recomputation is recorded in the outbox in the transaction of the change (it
commits with it, and a broker outage delays it instead of losing it), and once the change
has committed the initiative is marked dirty.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from governance.sessions.models import WorkingSeries, WorkingSession
from initiatives.models import QUEUE_FACT_FIELDS, Initiative, RoleAcknowledgement
from reviews.models import ConcernAssessment, DesignInput

from . import services
from .tasks import schedule_risk_recompute

BOOKKEEPING_FIELDS = {"submission_notified_at", "risk_level", *QUEUE_FACT_FIELDS}


def _changed(initiative_id: int | None) -> None:
    if initiative_id is None:
        return
    schedule_risk_recompute(initiative_id)
    # After commit, outside the change's transaction: a row lock on the risk state taken
    # inside it could make two changes of one initiative deadlock with the audit chain's lock;
    # and a cascade delete of the initiative has then removed it for good.
    transaction.on_commit(lambda: _mark_dirty(initiative_id))


def _mark_dirty(initiative_id: int) -> None:
    if Initiative.objects.filter(pk=initiative_id).exists():
        services.mark_dirty(initiative_id)


@receiver(post_save, sender=DesignInput)
@receiver(post_delete, sender=DesignInput)
@receiver(post_save, sender=ConcernAssessment)
@receiver(post_delete, sender=ConcernAssessment)
@receiver(post_save, sender=WorkingSession)
@receiver(post_delete, sender=WorkingSession)
@receiver(post_save, sender=WorkingSeries)
@receiver(post_delete, sender=WorkingSeries)
@receiver(post_save, sender=RoleAcknowledgement)
@receiver(post_delete, sender=RoleAcknowledgement)
def _part_changed(sender, instance, **kwargs):
    _changed(instance.initiative_id)


@receiver(post_save, sender=Initiative)
def _initiative_changed(sender, instance, created, update_fields=None, **kwargs):
    # Saves of bookkeeping fields alone (e.g. the submission notice, the review queue's facts
    # kept by the reviews app) change no risk input.
    if update_fields and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    _changed(instance.pk)
