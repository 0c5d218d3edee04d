"""Pages of the decision log and of change control. Thin: the rules live in services.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.access import visible_initiative_or_404
from core.views import run_service
from core.wording import in_sentence
from governance.sessions.selectors import next_session
from initiatives.selectors import initiative_for_detail_queryset

from . import permissions, services
from .forms import (
    ChangeRequestForm,
    DecisionForm,
    EscalationForm,
    PartnershipRouteForm,
    ProductionReleaseForm,
)
from .models import ChangeRequest, ChangeStatus, DecisionKind


def _initiative(request, pk: int):
    return visible_initiative_or_404(request.user, pk, initiative_for_detail_queryset())


def _form_page(request, initiative, form, title: str):
    return render(
        request,
        "governance/decisions/form.html",
        {"initiative": initiative, "form": form, "title": title},
    )


def new_decision(request, pk: int):
    initiative = _initiative(request, pk)
    if not permissions.can_record_decision(request.user, initiative):
        raise PermissionDenied(gettext("You may not record decisions for this initiative."))
    kinds = [
        k
        for k in DecisionKind.values
        if permissions.can_record_decision(request.user, initiative, k)
    ]
    form = DecisionForm(request.POST or None, initiative=initiative, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _ = run_service(
            request,
            lambda: services.record_decision(
                initiative=initiative,
                user=request.user,
                kind=data["kind"],
                summary=data["summary"],
                rationale=data.get("rationale", ""),
                conditions=data.get("conditions", ""),
                accountable=data.get("accountable"),
                vendor=data.get("vendor"),
                unscored_rationale=data.get("unscored_rationale", ""),
            ),
            form=form,
            success=gettext("Decision recorded in the decision log."),
        )
        if ok:
            return redirect(f"{initiative.get_absolute_url()}#decisions")
    return _form_page(request, initiative, form, gettext("Record a decision"))


def escalate(request, pk: int):
    """Escalating to executives: the page offers the partnership route first (the concern on
    the next working session's agenda); escalating anyway records why and whether the concern
    was discussed in a session."""
    initiative = _initiative(request, pk)
    if not permissions.can_record_decision(request.user, initiative, DecisionKind.ESCALATION):
        raise PermissionDenied(gettext("You may not escalate for this initiative."))
    can_route = permissions.can_take_partnership_route(request.user, initiative)
    posted = request.POST if request.method == "POST" else None
    route_form = PartnershipRouteForm(posted if posted and "route" in posted else None)
    escalation_form = EscalationForm(posted if posted and "escalate" in posted else None)
    if posted and "route" in posted and can_route and route_form.is_valid():
        data = route_form.cleaned_data
        ok, route = run_service(
            request,
            lambda: services.raise_concern_for_next_session(
                initiative=initiative,
                user=request.user,
                area=data["area"],
                title=data["title"],
                description=data.get("description", ""),
            ),
            form=route_form,
        )
        if ok:
            when = (
                f"the working session on {route.session.starts_at:%d %b %Y %H:%M}"
                if route.session
                else "the first working session planned"
            )
            messages.success(
                request,
                gettext("Raised as a design input: it is on the agenda of %(when)s.")
                % {"when": when},
            )
            return redirect(f"{initiative.get_absolute_url()}#design-inputs")
    if posted and "escalate" in posted and escalation_form.is_valid():
        data = escalation_form.cleaned_data
        ok, _ = run_service(
            request,
            lambda: services.record_decision(
                initiative=initiative,
                user=request.user,
                kind=DecisionKind.ESCALATION,
                summary=data["summary"],
                rationale=data["rationale"],
                partnership_declined=True,
                discussed_in_session=data["discussed_in_session"],
            ),
            form=escalation_form,
            success=gettext("Escalation recorded in the decision log."),
        )
        if ok:
            return redirect(f"{initiative.get_absolute_url()}#decisions")
    return render(
        request,
        "governance/decisions/escalate.html",
        {
            "initiative": initiative,
            "route_form": route_form,
            "escalation_form": escalation_form,
            "can_route": can_route,
            "next_session": next_session(initiative),
        },
    )


def new_change_request(request, pk: int):
    initiative = _initiative(request, pk)
    if not permissions.can_request_change(request.user, initiative):
        raise PermissionDenied(gettext("You may not request changes to this initiative."))
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _ = run_service(
            request,
            lambda: services.request_change(
                initiative=initiative,
                user=request.user,
                kind=data["kind"],
                description=data["description"],
                extra_areas=data.get("areas") or (),
            ),
            form=form,
            success=lambda change: (
                gettext("Change request recorded; re-opened: %(areas)s.")
                % {"areas": ", ".join(change.reopened_areas)}
            ),
        )
        if ok:
            return redirect(f"{initiative.get_absolute_url()}#change-control")
    return _form_page(request, initiative, form, gettext("Request a change to the AI"))


@require_POST
def decide_change_request(request, pk: int, change_pk: int):
    initiative = _initiative(request, pk)
    change = get_object_or_404(ChangeRequest, pk=change_pk, initiative=initiative)
    to_status = request.POST.get("to", "")
    if to_status not in ChangeStatus.values:
        raise Http404("No such action.")
    run_service(
        request,
        lambda: services.decide_change(change=change, user=request.user, to_status=to_status),
        success=gettext("Change request now %(lower)s.")
        % {"lower": in_sentence(ChangeStatus(to_status).label)},
    )
    return redirect(f"{initiative.get_absolute_url()}#change-control")


def new_release(request, pk: int):
    initiative = _initiative(request, pk)
    if not permissions.can_decide_change(request.user, initiative):
        raise PermissionDenied(
            gettext("Only IT reviewers of this initiative record production versions.")
        )
    form = ProductionReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _ = run_service(
            request,
            lambda: services.record_release(
                initiative=initiative, user=request.user, **form.cleaned_data
            ),
            form=form,
            success=gettext("Production version recorded."),
        )
        if ok:
            return redirect(f"{initiative.get_absolute_url()}#change-control")
    return _form_page(request, initiative, form, gettext("Record the version in production"))
