"""Pages of the decision log and of change control. Thin: the rules live in decisions.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from initiatives.models import Initiative
from initiatives.selectors import initiative_for_detail
from initiatives.services import InitiativeError

from . import decisions
from .decision_forms import ChangeRequestForm, DecisionForm, ProductionReleaseForm
from .models import ChangeRequest, ChangeStatus


def _visible_or_404(user, pk: int) -> Initiative:
    initiative = initiative_for_detail(user, pk)
    if initiative is None:
        raise Http404("No such initiative.")
    return initiative


def _add_rule_error(form, exc: InitiativeError) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


def new_decision(request, pk: int):
    initiative = _visible_or_404(request.user, pk)
    if not decisions.can_record_decision(request.user, initiative):
        raise PermissionDenied("You may not record decisions for this initiative.")
    form = DecisionForm(request.POST or None, initiative=initiative)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decisions.record_decision(
                initiative=initiative,
                user=request.user,
                kind=data["kind"],
                summary=data["summary"],
                rationale=data.get("rationale", ""),
                conditions=data.get("conditions", ""),
                accountable=data.get("accountable"),
                vendor=data.get("vendor"),
            )
        except InitiativeError as exc:
            _add_rule_error(form, exc)
        else:
            messages.success(request, "Decision recorded in the decision log.")
            return redirect(f"{initiative.get_absolute_url()}#decisions")
    return render(
        request,
        "governance/decision_form.html",
        {"initiative": initiative, "form": form, "title": "Record a decision"},
    )


def new_change_request(request, pk: int):
    initiative = _visible_or_404(request.user, pk)
    if not decisions.can_request_change(request.user, initiative):
        raise PermissionDenied("You may not request changes to this initiative.")
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = decisions.request_change(
                initiative=initiative,
                user=request.user,
                kind=data["kind"],
                description=data["description"],
                extra_areas=data.get("areas") or (),
            )
        except InitiativeError as exc:
            _add_rule_error(form, exc)
        else:
            messages.success(
                request,
                f"Change request recorded; re-opened: {', '.join(change.reopened_areas)}.",
            )
            return redirect(f"{initiative.get_absolute_url()}#change-control")
    return render(
        request,
        "governance/decision_form.html",
        {"initiative": initiative, "form": form, "title": "Request a change to the AI"},
    )


@require_POST
def decide_change_request(request, pk: int, change_pk: int):
    initiative = _visible_or_404(request.user, pk)
    change = get_object_or_404(ChangeRequest, pk=change_pk, initiative=initiative)
    to_status = request.POST.get("to", "")
    if to_status not in ChangeStatus.values:
        raise Http404("No such action.")
    try:
        decisions.decide_change(change=change, user=request.user, to_status=to_status)
    except InitiativeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Change request now {ChangeStatus(to_status).label.lower()}.")
    return redirect(f"{initiative.get_absolute_url()}#change-control")


def new_release(request, pk: int):
    initiative = _visible_or_404(request.user, pk)
    if not decisions.can_decide_change(request.user, initiative):
        raise PermissionDenied("Only IT reviewers of this initiative record production versions.")
    form = ProductionReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.record_release(initiative=initiative, user=request.user, **form.cleaned_data)
        except InitiativeError as exc:
            _add_rule_error(form, exc)
        else:
            messages.success(request, "Production version recorded.")
            return redirect(f"{initiative.get_absolute_url()}#change-control")
    return render(
        request,
        "governance/decision_form.html",
        {"initiative": initiative, "form": form, "title": "Record the version in production"},
    )
