"""The auditor's view of an initiative: its whole history, readable, printable, downloadable."""

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from core.access import visible_initiative_or_404
from core.paging import capped_page
from core.spreadsheets import csv_lines

from .selectors import (
    EXPORT_COLUMNS,
    can_view_audit_trail,
    events_for_initiative,
    export_row,
    readable_events,
)


def _auditable_or_404(user, pk: int):
    initiative = visible_initiative_or_404(user, pk)
    if not can_view_audit_trail(user, initiative):
        raise PermissionDenied(
            gettext("The audit trail is for IT leads, executives and its own people.")
        )
    return initiative


@require_GET
def audit_trail(request, pk: int):
    initiative = _auditable_or_404(request.user, pk)
    page = capped_page(events_for_initiative(initiative), 100, request.GET.get("page"))
    page.object_list = readable_events(page.object_list)
    return render(request, "audit/trail.html", {"initiative": initiative, "page": page})


@require_GET
def audit_trail_print(request, pk: int):
    initiative = _auditable_or_404(request.user, pk)
    return render(
        request,
        "audit/trail_print.html",
        {
            "initiative": initiative,
            "events": readable_events(events_for_initiative(initiative)),
            "generated_at": timezone.now(),
        },
    )


def _filename(initiative, ext: str) -> str:
    return f"{initiative.reference}-audit-trail-{timezone.localdate():%Y%m%d}.{ext}"


@require_GET
def audit_trail_csv(request, pk: int):
    initiative = _auditable_or_404(request.user, pk)

    def rows():
        yield EXPORT_COLUMNS
        for event in events_for_initiative(initiative).iterator(chunk_size=500):
            row = export_row(event)
            row["changes"] = json.dumps(row["changes"], ensure_ascii=False, sort_keys=True)
            yield [row[c] for c in EXPORT_COLUMNS]

    response = StreamingHttpResponse(csv_lines(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(initiative, "csv")}"'
    return response


@require_GET
def audit_trail_json(request, pk: int):
    initiative = _auditable_or_404(request.user, pk)
    body = {
        "initiative": {
            "id": initiative.pk,
            "reference": initiative.reference,
            "title": initiative.title,
        },
        "generated_at": timezone.now().isoformat(),
        "events": [export_row(e) for e in events_for_initiative(initiative)],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(initiative, "json")}"'
    return response
