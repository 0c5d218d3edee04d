"""Pages of regulation and evidence: uploads and downloads, obligations, framework coverage,
the framework references, and the readiness reports. Thin: the rules live in services.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.access import visible_initiative_or_404
from core.spreadsheets import csv_writer
from core.views import run_service
from initiatives.roles import sees_whole_portfolio
from initiatives.selectors import initiative_for_detail_queryset

from . import report, selectors, services
from .forms import EvidenceRemoveForm, EvidenceUploadForm, ObligationForm, ReferenceForm
from .models import EvidenceFile, FrameworkReference, Obligation, evidence_storage
from .permissions import can_contribute, can_edit_references, can_see_evidence


def _initiative_with_evidence(request, pk: int):
    """The initiative if the user may see it (else 404) and read its files (else 403)."""
    initiative = visible_initiative_or_404(request.user, pk, initiative_for_detail_queryset())
    if not can_see_evidence(request.user, initiative):
        raise PermissionDenied(gettext("Evidence is for the initiative's own people and IT."))
    return initiative


def upload_evidence(request, pk: int):
    initiative = _initiative_with_evidence(request, pk)
    if not can_contribute(request.user, initiative):
        raise PermissionDenied(gettext("Only the initiative's people and IT upload its evidence."))
    form = EvidenceUploadForm(
        request.POST or None,
        request.FILES or None,
        initiative=initiative,
        initial={"target": request.GET.get("target", "initiative")},
    )
    if request.method == "POST" and form.is_valid():
        target, target_object = form.target_object()
        ok, evidence = run_service(
            request,
            lambda: services.upload_evidence(
                initiative=initiative,
                user=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                target=target,
                target_object=target_object,
                replaces=form.cleaned_data["replaces"],
                references=form.cleaned_data["references"],
            ),
            form=form,
            success=lambda e: (
                gettext("Stored “%(title)s” version %(version)s (SHA-256 %(sha)s…).")
                % {"title": e.title, "version": e.version, "sha": e.sha256[:12]}
            ),
        )
        if ok:
            return redirect(f"{initiative.get_absolute_url()}#evidence")
    return render(
        request, "governance/compliance/upload.html", {"initiative": initiative, "form": form}
    )


def _evidence_or_404(request, pk: int) -> EvidenceFile:
    evidence = get_object_or_404(EvidenceFile.objects.select_related("initiative"), pk=pk)
    # A file of an initiative the user may not see is as missing as one that does not exist.
    _initiative_with_evidence(request, evidence.initiative_id)
    return evidence


def download_evidence(request, pk: int):
    """The stored bytes, always as an attachment and never sniffed: the only way to a file."""
    evidence = _evidence_or_404(request, pk)
    if evidence.is_removed:
        raise Http404("This file was removed.")
    response = FileResponse(
        evidence_storage().open(evidence.file.name, "rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Digest"] = f"sha-256={evidence.sha256}"
    return response


@require_POST
def remove_evidence(request, pk: int):
    evidence = _evidence_or_404(request, pk)
    form = EvidenceRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say why the file is removed."))
    else:
        run_service(
            request,
            lambda: services.remove_evidence(
                evidence=evidence, user=request.user, reason=form.cleaned_data["reason"]
            ),
            success=gettext("File removed; its SHA-256 stays in the audit trail."),
        )
    return redirect(f"{evidence.initiative.get_absolute_url()}#evidence")


@require_POST
def obligation_action(request, pk: int):
    obligation = get_object_or_404(Obligation.objects.select_related("initiative"), pk=pk)
    initiative = _initiative_with_evidence(request, obligation.initiative_id)
    form = ObligationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{initiative.get_absolute_url()}#obligations")
    data = form.cleaned_data
    version = data.get("version")
    calls = {
        "assign": lambda: services.assign_obligation(
            obligation=obligation, user=request.user, owner=data["owner"], expected_version=version
        ),
        "close": lambda: services.close_obligation(
            obligation=obligation, user=request.user, note=data["text"], expected_version=version
        ),
        "reopen": lambda: services.reopen_obligation(
            obligation=obligation, user=request.user, reason=data["text"], expected_version=version
        ),
    }
    run_service(
        request,
        calls[data["action"]],
        success=gettext("Obligation: %(value)s done.") % {"value": data["action"]},
    )
    return redirect(f"{initiative.get_absolute_url()}#obligations")


# --- Coverage -------------------------------------------------------------------------------------


def _csv(filename: str, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv_writer(response).writerows(rows)
    return response


def initiative_coverage(request, pk: int):
    initiative = _initiative_with_evidence(request, pk)
    rows = selectors.coverage_for(initiative)
    if request.GET.get("format") == "csv":
        return _csv(
            f"{initiative.reference}-framework-coverage-{timezone.localdate():%Y%m%d}.csv",
            selectors.coverage_csv_rows(rows),
        )
    return render(
        request,
        "governance/compliance/coverage.html",
        {"initiative": initiative, "rows": rows, "summary": selectors.coverage_summary(rows)},
    )


def _require_portfolio(user) -> None:
    if not sees_whole_portfolio(user):
        raise PermissionDenied(
            gettext("The portfolio views are for IT leads, executives and admins.")
        )


def portfolio_coverage(request):
    _require_portfolio(request.user)
    counted, rows = selectors.portfolio_coverage(request.user)
    if request.GET.get("format") == "csv":
        return _csv(
            f"portfolio-framework-coverage-{timezone.localdate():%Y%m%d}.csv",
            selectors.portfolio_csv_rows(rows),
        )
    return render(
        request,
        "governance/compliance/portfolio_coverage.html",
        {"rows": rows, "counted": counted},
    )


# --- Framework references -------------------------------------------------------------------------


def reference_list(request):
    if not can_edit_references(request.user) and not sees_whole_portfolio(request.user):
        raise PermissionDenied(gettext("The framework references are kept by IT leads."))
    return render(
        request,
        "governance/compliance/references.html",
        {
            "references": selectors.references(active_only=False),
            "can_edit": can_edit_references(request.user),
        },
    )


def reference_edit(request, pk: int | None = None):
    if not can_edit_references(request.user):
        raise PermissionDenied(gettext("Only IT leads edit the framework references."))
    reference = get_object_or_404(FrameworkReference, pk=pk) if pk else None
    form = ReferenceForm(request.POST or None, instance=reference)
    if reference is not None:
        form.fields["obligations"].initial = reference.obligations
    if request.method == "POST" and form.is_valid():
        ok, saved = run_service(
            request,
            lambda: services.save_reference(
                user=request.user,
                reference=reference,
                fields=form.service_fields(),
                questions=form.cleaned_data["questions"],
                expected_version=form.cleaned_data.get("version"),
            ),
            form=form,
            success=gettext("Framework reference saved."),
        )
        if ok:
            return redirect("compliance:references")
    history = list(selectors.reference_history(reference)) if reference else []
    return render(
        request,
        "governance/compliance/reference_form.html",
        {"form": form, "reference": reference, "history": history},
    )


# --- Readiness reports ---------------------------------------------------------------------------


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def initiative_report(request, pk: int):
    initiative = _initiative_with_evidence(request, pk)
    data = report.initiative_report(initiative)
    if request.GET.get("format") == "pdf":
        stamp = f"{timezone.localdate():%Y%m%d}"
        return _pdf(report.initiative_pdf(data), f"{initiative.reference}-readiness-{stamp}.pdf")
    return render(request, "governance/compliance/report.html", {"report": data})


def portfolio_report(request):
    _require_portfolio(request.user)
    data = report.portfolio_report(request.user)
    if request.GET.get("format") == "pdf":
        stamp = f"{timezone.localdate():%Y%m%d}"
        return _pdf(report.portfolio_pdf(data), f"portfolio-readiness-{stamp}.pdf")
    return render(request, "governance/compliance/portfolio_report.html", {"report": data})
