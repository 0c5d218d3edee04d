"""Portfolio CSV exports produced in the background: start one, build it, remove old ones.

Up to `EXPORT_ASYNC_ROWS` initiatives the CSV streams in the request (`views.portfolio_csv`);
above, a request would hold a web worker for many seconds, so the export is recorded here and
built by a Celery worker, chunk by chunk, with its progress written after every chunk. The
file is the exact bytes the streaming response would have sent.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.spreadsheets import csv_lines
from outbox import enqueue

from .models import ExportStatus, PortfolioExport, export_storage
from .selectors.export import portfolio_export_chunks
from .selectors.filters import DashboardFilters, dashboard_initiatives, may_see_dashboard
from .selectors.portfolio import CSV_HEADER, EXPORT_CHUNK_SIZE, clean_sort

logger = logging.getLogger(__name__)

BUILD_TASK = "governance.dashboard.tasks.build_portfolio_export"


def exports_in_background(row_count: int) -> bool:
    """Whether a CSV of this many initiatives is built by a worker instead of streamed."""
    return row_count > settings.EXPORT_ASYNC_ROWS


def start_portfolio_export(*, user, filters: DashboardFilters, sort: str = "") -> PortfolioExport:
    """Record an export of the dashboard's portfolio for `user` and hand it to a worker.

    The worker is asked through the outbox, in this transaction: the export exists exactly
    when its build is on its way."""
    if not may_see_dashboard(user):
        raise PermissionDenied(
            gettext("The readiness dashboard is for executives, IT leads and admins.")
        )
    with transaction.atomic():
        export = PortfolioExport.objects.create(
            owner=user, filters=filters.as_params(), sort=clean_sort(sort)
        )
        enqueue(BUILD_TASK, {"export_id": export.pk}, key=f"portfolio-export:{export.pk}")
    return export


def _claim(export_id: int) -> PortfolioExport | None:
    """Mark the export running; None when it is finished already (a second delivery)."""
    with transaction.atomic():
        export = PortfolioExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return None
        # A delivery after a worker was lost mid-way starts again from the first row.
        export.status = ExportStatus.RUNNING
        export.started_at = timezone.now()
        export.rows_done = 0
        export.save(update_fields=["status", "started_at", "rows_done"])
    return export


def build_portfolio_export(export_id: int, *, chunk_size: int = EXPORT_CHUNK_SIZE) -> bool:
    """Write the export's CSV to the export storage, recording progress after every chunk.

    Safe to run twice: a finished export is left alone; two runs at once each write a whole
    file and the first to finish is kept (the other's file is removed). Memory is one chunk:
    the rows go to a temporary file on disk, which is then stored. Returns whether it built."""
    export = _claim(export_id)
    if export is None:
        return False
    owner = export.owner
    try:
        if not may_see_dashboard(owner):
            raise PermissionDenied("The owner no longer sees the dashboard.")
        initiatives = dashboard_initiatives(owner, DashboardFilters.from_params(export.filters))
        total = initiatives.order_by().count()
        PortfolioExport.objects.filter(pk=export_id).update(rows_total=total)
        done = 0
        with tempfile.TemporaryFile("w+b") as spool:
            spool.write("".join(csv_lines([CSV_HEADER])).encode())
            for chunk in portfolio_export_chunks(initiatives, export.sort, chunk_size):
                spool.write("".join(csv_lines(chunk)).encode())
                done += len(chunk)
                PortfolioExport.objects.filter(pk=export_id).update(
                    rows_done=done, rows_total=max(total, done)
                )
            spool.seek(0)
            stored = export_storage().save(f"portfolio-export-{export_id}.csv", File(spool))
    except Exception as exc:
        logger.exception("Portfolio export %s failed", export_id)
        PortfolioExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        return False
    with transaction.atomic():
        current = PortfolioExport.objects.select_for_update().get(pk=export_id)
        if current.status == ExportStatus.DONE:
            transaction.on_commit(lambda: export_storage().delete(stored))
            return False
        current.status = ExportStatus.DONE
        current.file.name = stored
        current.rows_done = current.rows_total = done
        current.finished_at = timezone.now()
        current.error = ""
        current.save()
    return True


def remove_expired_exports(now=None) -> int:
    """Delete the exports finished (or asked for) more than EXPORT_KEEP_HOURS ago, file and
    record; returns how many. Run hourly by beat."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.EXPORT_KEEP_HOURS)
    expired = PortfolioExport.objects.filter(
        finished_at__lt=cutoff
    ) | PortfolioExport.objects.filter(finished_at__isnull=True, created_at__lt=cutoff)
    removed = 0
    for export in expired.order_by("pk").iterator():
        name = export.file.name
        with transaction.atomic():
            deleted, _ = PortfolioExport.objects.filter(pk=export.pk).delete()
            if deleted and name:
                transaction.on_commit(lambda name=name: export_storage().delete(name))
        removed += deleted
    return removed
