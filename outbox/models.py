"""A message waiting in the outbox: one Celery task call, recorded in the caller's transaction."""

from django.db import models
from django.utils import timezone


class Message(models.Model):
    """A task call the relay has not yet handed to the broker. Deleted once published."""

    # The Celery task's registered name, e.g. "initiatives.tasks.notify_it_of_submission".
    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True)
    # Folds repeated work: an enqueue whose key a committed, waiting message already has adds
    # nothing. Not unique in the database on purpose: a unique key would make a transaction
    # wait for another's uncommitted message (and deadlock with the audit chain's lock);
    # two transactions at the same instant may each add one, which idempotent tasks absorb.
    key = models.CharField(max_length=200, null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Not published before this time: a delay asked for by the caller, or the relay's back-off
    # after a failed publish.
    available_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["available_at", "id"]
        indexes = [models.Index(fields=["available_at", "id"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.task}({self.kwargs})"
