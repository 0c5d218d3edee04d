"""Model signals that keep the review queue's facts on the initiative current.

Whoever saves or deletes an assessment or a design input (a service, the admin, a data fix in
the shell), the initiative's queue facts are recomputed in the same transaction, so the queue
never shows a tab that the rows contradict. Writes that send no signals (bulk_create,
queryset.update) call `refresh_queue_facts` themselves.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ConcernAssessment, DesignInput
from .services.queue_facts import refresh_queue_facts


@receiver(post_save, sender=DesignInput)
@receiver(post_delete, sender=DesignInput)
@receiver(post_save, sender=ConcernAssessment)
@receiver(post_delete, sender=ConcernAssessment)
def _review_row_changed(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixture's initiative may not be loaded yet
        return
    refresh_queue_facts(instance.initiative_id)
