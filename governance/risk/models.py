"""Risk status: the current computed status of each initiative, and its history."""

from django.db import models


class RiskStatusChange(models.Model):
    """History of an initiative's computed risk status, with the reasons, newest last."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="risk_history"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_level = models.CharField(max_length=10, blank=True)
    to_level = models.CharField(max_length=10)
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["initiative", "at", "id"]

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.from_level or '—'} → {self.to_level}"


class RiskState(models.Model):
    """The current computed risk status of an initiative and why, kept next to its history.

    `Initiative.risk_level` holds the level for lists and dashboards; this row holds the
    reasons so the page can answer "why is this at risk?" even when nothing changed lately.
    `dirty` marks an initiative whose inputs changed since the last computation;
    `recheck_at` is when the same inputs give another result with time alone (a due date
    passes, an assessment grows stale; empty: never). The sweep recomputes only initiatives
    dirty, due for a re-check, or never computed.
    """

    initiative = models.OneToOneField(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="risk_state",
    )
    level = models.CharField(max_length=10, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    dirty = models.BooleanField(default=True, db_index=True)
    recheck_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # How often it was marked dirty: a recompute clears `dirty` only if no mark came after it
    # read the state (a change committed while it gathered the facts).
    marks = models.PositiveIntegerField(default=0, db_default=0)

    def __str__(self) -> str:
        return f"Risk of initiative {self.initiative_id}: {self.level or 'not computed'}"
