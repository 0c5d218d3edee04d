"""A portfolio CSV produced in the background: who asked, for which filters, how far it got.

The dashboard itself only reads; this record is the one thing it writes, because a CSV of tens
of thousands of rows is produced by a Celery worker (`tasks.build_portfolio_export`) and
offered for download when it is ready, rather than streamed in the request.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def export_storage():
    """Where finished exports are kept (`STORAGES["exports"]`, beside the evidence files):
    never served at a public address, read only through the owner's download view."""
    from django.core.files.storage import storages

    return storages["exports"]


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PortfolioExport(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_exports"
    )
    # The dashboard's filters as GET parameters (DashboardFilters.as_params) and its sort:
    # the worker reads the portfolio as the owner would see it then.
    filters = models.JSONField(default=dict, blank=True)
    sort = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(storage=export_storage, max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["finished_at"], name="portfolio_export_finished")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["done", "failed"])
                | models.Q(finished_at__isnull=False),
                name="portfolio_export_finished_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(file=""),
                name="portfolio_export_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"Portfolio export {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        """How far the worker got, 0–100 (100 once done, whatever the counts)."""
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def filename(self) -> str:
        """The name the browser saves it as: the day it was asked for, as the direct CSV."""
        from django.utils import timezone

        return f"portfolio-readiness-{timezone.localdate(self.created_at).isoformat()}.csv"
