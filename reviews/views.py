"""Pages for IT reviewers and IT leads: queue, assessments, design inputs, vendors, components.

Views parse input, call reviews.services and render; every rule lives in the services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from core.access import visible_initiative_or_404
from core.errors import RuleError
from core.people import display_name
from core.query_params import parse_id
from core.views import run_service
from core.wording import in_sentence
from initiatives import permissions
from initiatives.models import Initiative, IntegrationPoint, Phase, Site, Status, VendorCandidate
from initiatives.roles import Role, has_role
from initiatives.services import transition_initiative

from . import forms, selectors, services
from .models import (
    ChecklistQuestion,
    ComponentOwnership,
    ConcernArea,
    ConcernAssessment,
    DesignInput,
    EvaluationCriterion,
    ReviewAssignment,
    VendorScore,
)
from .permissions import can_assess, can_design_component, reviewer_areas


def _require_it(user) -> None:
    if not has_role(user, Role.REVIEWER, Role.IT_LEAD):
        raise PermissionDenied(gettext("The review queue is for IT reviewers and IT leads."))


# ---------------------------------------------------------------- queue


def queue(request):
    """My queue: new work, work waiting for IT, work waiting for the sponsor."""
    _require_it(request.user)
    params = request.GET
    tab = params.get("tab") or None
    site = params.get("site", "")
    filters = selectors.QueueFilters(
        site=parse_id(site),
        phase=params.get("phase", ""),
        concern=params.get("concern", "") if params.get("concern") in ConcernArea.values else "",
        status=params.get("status", ""),
    )
    rows, counts, tab = selectors.review_queue(request.user, tab=tab, filters=filters)
    page = Paginator(rows, 20).get_page(params.get("page"))
    return render(
        request,
        "reviews/queue.html",
        {
            "page": page,
            "tab": tab,
            "tabs": [(key, label, counts[key]) for key, label in selectors.QUEUE_TABS],
            "filters": {**params.dict(), "tab": tab},
            "sites": Site.objects.all(),
            "phases": Phase.choices,
            "concerns": ConcernArea.choices,
            "statuses": forms.QUEUE_STATUSES,
            "is_lead": has_role(request.user, Role.IT_LEAD),
        },
    )


# ---------------------------------------------------------------- assignments


@require_POST
def assign(request, pk: int):
    initiative = visible_initiative_or_404(request.user, pk)
    if not has_role(request.user, Role.IT_LEAD):
        raise PermissionDenied(gettext("Only IT leads assign reviewers."))
    form = forms.AssignForm(request.POST)
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        run_service(
            request,
            lambda: services.assign_reviewer(
                initiative=initiative,
                reviewer=reviewer,
                concern_area=form.cleaned_data["concern_area"],
                user=request.user,
            ),
            success=gettext("%(reviewer)s assigned.") % {"reviewer": display_name(reviewer)},
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(initiative)


@require_POST
def unassign(request, pk: int):
    assignment = get_object_or_404(ReviewAssignment.objects.select_related("initiative"), pk=pk)
    initiative = visible_initiative_or_404(request.user, assignment.initiative_id)
    services.unassign_reviewer(assignment=assignment, user=request.user)
    messages.success(request, gettext("Assignment removed."))
    return redirect(initiative)


@require_POST
def ready_for_build(request, pk: int):
    """IT marks the initiative ready for build; refused while high-severity inputs block."""
    initiative = visible_initiative_or_404(request.user, pk)
    to_status = request.POST.get("to", Status.READY_FOR_BUILD)
    if to_status not in (Status.READY_FOR_BUILD, Status.IN_REVIEW):
        raise Http404("No such action.")
    move = services.mark_ready_for_build if to_status == Status.READY_FOR_BUILD else _back_to_review
    run_service(
        request,
        lambda: move(
            initiative=initiative, user=request.user, reason=request.POST.get("reason", "")[:500]
        ),
        success=gettext("Now %(lower)s.") % {"lower": in_sentence(Status(to_status).label)},
    )
    return redirect(initiative)


def _back_to_review(*, initiative: Initiative, user, reason: str) -> Initiative:
    return transition_initiative(
        initiative=initiative, user=user, to_status=Status.IN_REVIEW, reason=reason
    )


# ---------------------------------------------------------------- assessments


def assessment(request, pk: int):
    """The scoring page of one concern: the form (or the read-only assessment), the sponsor's
    answers that matter for this concern and the way on to the next concern to assess."""
    item = get_object_or_404(
        ConcernAssessment.objects.select_related("initiative", "reviewer"), pk=pk
    )
    # The named people are shown among the sponsor's answers; rows are read once each.
    initiative = visible_initiative_or_404(
        request.user,
        item.initiative_id,
        Initiative.objects.select_related("decision_owner", "accountable_person"),
    )
    may_edit = can_assess(request.user, item)
    questions = selectors.checklist(item.area)
    answers = {a.question_id: a.answer for a in item.answers.all()}
    initial = {
        "score": item.score,
        "status": item.status,
        "rationale": item.rationale,
        "version": item.version,
    }
    # A reviewer goes on to the next area they may assess; others just see what is left.
    areas = reviewer_areas(request.user, initiative) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(
                gettext("Only the initiative's reviewers for this area may assess it.")
            )
        form = forms.AssessmentForm(
            request.POST, questions=questions, answers=answers, initial=initial
        )
        if form.is_valid():
            ok, _ = run_service(
                request,
                lambda: services.update_assessment(
                    assessment=item,
                    user=request.user,
                    score=form.cleaned_data["score"],
                    status=form.cleaned_data["status"],
                    rationale=form.cleaned_data["rationale"],
                    answers=form.answers(),
                    expected_version=form.cleaned_data.get("version"),
                ),
                form=form,
                success=gettext("%(area)s assessment saved.") % {"area": item.get_area_display()},
            )
            if ok:
                if request.POST.get("then") == "next":
                    following = selectors.next_concern_to_assess(item, areas)
                    if following is not None:
                        return redirect("reviews:assessment", pk=following.pk)
                    return redirect(f"{initiative.get_absolute_url()}#assessments")
                return redirect("reviews:assessment", pk=item.pk)
    else:
        form = forms.AssessmentForm(initial=initial, questions=questions, answers=answers)
    may_rule_out = has_role(request.user, Role.IT_LEAD) and initiative.status != Status.WITHDRAWN
    history = item.score_history.select_related("changed_by").order_by("-at", "-id")
    old_answers = [a for a in item.answers.select_related("question") if not a.question.active]
    return render(
        request,
        "reviews/assessment.html",
        {
            "may_rule_out": may_rule_out,
            "initiative": initiative,
            "assessment": item,
            "form": form,
            "may_edit": may_edit,
            "history": history,
            "old_answers": old_answers,
            "qa_pairs": [(q, answers.get(q.pk, "")) for q in questions],
            "sponsor_answers": selectors.sponsor_answers_for(initiative, item.area),
            "next_concern": selectors.next_concern_to_assess(item, areas),
        },
    )


# ---------------------------------------------------------------- design inputs


def design_input_new(request, pk: int):
    initiative = visible_initiative_or_404(request.user, pk)
    if not permissions.can_review(request.user, initiative):
        raise PermissionDenied(
            gettext("Only the initiative's IT reviewers and IT leads raise findings.")
        )
    if request.method == "POST":
        form = forms.DesignInputForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            ok, item = run_service(
                request,
                lambda: services.raise_design_input(
                    initiative=initiative, user=request.user, **data
                ),
                form=form,
                success=gettext("Design input recorded."),
            )
            if ok:
                return redirect("reviews:design_input", pk=item.pk)
    else:
        form = forms.DesignInputForm(initial={"area": request.GET.get("area", "")})
    return render(
        request, "reviews/design_input_form.html", {"initiative": initiative, "form": form}
    )


def design_input(request, pk: int):
    item = get_object_or_404(
        DesignInput.objects.select_related(
            "initiative", "owner", "raised_by", "accepted_by", "confirmed_by"
        ),
        pk=pk,
    )
    initiative = visible_initiative_or_404(request.user, item.initiative_id)
    transition_form = None
    if request.method == "POST":
        transition_form = forms.TransitionForm(request.POST)
        transition_form.fields["accepted_by"].for_initiative(item.initiative)
        if transition_form.is_valid():
            data = transition_form.cleaned_data
            ok, _ = run_service(
                request,
                lambda: services.transition_design_input(
                    design_input=item,
                    user=request.user,
                    action=data["action"],
                    text=data["text"],
                    accepted_by=data.get("accepted_by"),
                    expected_version=data.get("version"),
                ),
                form=transition_form,
                success=gettext("%(label)s: done.")
                % {"label": services.DesignInputAction(data["action"]).label},
            )
            if ok:
                return redirect("reviews:design_input", pk=item.pk)
    allowed = services.allowed_design_input_actions(request.user, item)
    events = list(
        item.initiative.audit_events.filter(
            object_type=DesignInput._meta.label, object_id=str(item.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )
    failed_action = transition_form["action"].value() if transition_form else ""
    accept_form = transition_form if failed_action == "accept_risk" else forms.TransitionForm()
    accept_form.fields["accepted_by"].for_initiative(item.initiative)
    labels = {
        **dict(services.DesignInputAction.choices),
        "raised": gettext("Raised"),
        "updated": gettext("Edited"),
    }
    for event in events:
        name = event.action.removeprefix("design_input.")
        event.label = labels.get(name, name)
    return render(
        request,
        "reviews/design_input.html",
        {
            "initiative": initiative,
            "item": item,
            "allowed": allowed,
            "actions": [(a, services.DesignInputAction(a).label) for a in allowed],
            "transition_form": transition_form,
            "failed_action": failed_action,
            "accepted_by_field": accept_form["accepted_by"],
            "events": events,
            "may_edit": permissions.can_review(request.user, initiative),
        },
    )


def design_input_edit(request, pk: int):
    item = get_object_or_404(DesignInput.objects.select_related("initiative", "owner"), pk=pk)
    initiative = visible_initiative_or_404(request.user, item.initiative_id)
    if not permissions.can_review(request.user, initiative):
        raise PermissionDenied(
            gettext("Only the initiative's IT reviewers and IT leads edit findings.")
        )
    initial = {
        "area": item.area,
        "title": item.title,
        "description": item.description,
        "severity": item.severity,
        "owner": item.owner,
        "due_date": item.due_date,
        "proposed_solution": item.proposed_solution,
        "version": item.version,
    }
    if request.method == "POST":
        form = forms.DesignInputForm(request.POST, initial=initial, version_required=True)
        form.fields["proposed_solution"].disabled = True
        if form.is_valid():
            fields = {
                k: form.cleaned_data[k]
                for k in services.EDITABLE_DESIGN_INPUT_FIELDS
                if k in form.cleaned_data
            }
            ok, _ = run_service(
                request,
                lambda: services.edit_design_input(
                    design_input=item,
                    user=request.user,
                    fields=fields,
                    expected_version=form.cleaned_data.get("version"),
                ),
                form=form,
                success=gettext("Design input saved."),
            )
            if ok:
                return redirect("reviews:design_input", pk=item.pk)
    else:
        form = forms.DesignInputForm(initial=initial)
        form.fields["proposed_solution"].disabled = True
    return render(
        request,
        "reviews/design_input_form.html",
        {"initiative": initiative, "form": form, "item": item},
    )


# ---------------------------------------------------------------- vendor evaluation


def vendors(request, pk: int):
    """Criteria with weights, the score grid and the ranked side-by-side comparison."""
    initiative = visible_initiative_or_404(request.user, pk)
    may_edit = permissions.can_review(request.user, initiative)
    criterion_form = forms.CriterionForm()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(
                gettext("Only the initiative's IT reviewers and IT leads score vendors.")
            )
        what = request.POST.get("what")
        try:
            if what == "defaults":
                services.add_default_criteria(initiative=initiative, user=request.user)
                messages.success(request, gettext("Standard criteria added."))
                return redirect("reviews:vendors", pk=pk)
            if what == "criterion":
                criterion_form = forms.CriterionForm(request.POST)
                if criterion_form.is_valid():
                    services.save_criterion(
                        initiative=initiative, user=request.user, **criterion_form.cleaned_data
                    )
                    messages.success(request, gettext("Criterion added."))
                    return redirect("reviews:vendors", pk=pk)
            elif what == "weights":
                _save_weights(request, initiative)
                messages.success(request, gettext("Weights saved."))
                return redirect("reviews:vendors", pk=pk)
            elif what == "delete":
                criterion = get_object_or_404(
                    EvaluationCriterion, pk=request.POST.get("criterion"), initiative=initiative
                )
                services.delete_criterion(criterion=criterion, user=request.user)
                messages.success(
                    request, gettext("Criterion “%(name)s” removed.") % {"name": criterion.name}
                )
                return redirect("reviews:vendors", pk=pk)
            elif what == "scores":
                changed = _save_scores(request, initiative)
                messages.success(
                    request,
                    ngettext("%(changed)s score saved.", "%(changed)s scores saved.", changed)
                    % {"changed": changed},
                )
                return redirect("reviews:vendors", pk=pk)
        except RuleError as exc:
            messages.error(request, str(exc))
    criteria, ranking = selectors.vendor_comparison(initiative)
    vendor_rows = sorted(ranking, key=lambda r: r.vendor.pk)
    return render(
        request,
        "reviews/vendors.html",
        {
            "initiative": initiative,
            "criteria": criteria,
            "ranking": ranking,
            "vendor_rows": vendor_rows,
            "criterion_form": criterion_form,
            "may_edit": may_edit,
            "score_choices": range(1, 6),
        },
    )


def _save_weights(request, initiative: Initiative) -> None:
    for criterion in EvaluationCriterion.objects.filter(initiative=initiative):
        raw = request.POST.get(f"weight_{criterion.pk}")
        if raw is None or raw == str(criterion.weight):
            continue
        services.save_criterion(
            initiative=initiative,
            user=request.user,
            name=criterion.name,
            weight=raw,
            description=criterion.description,
            criterion=criterion,
        )


def _save_scores(request, initiative: Initiative) -> int:
    criteria = {c.pk: c for c in EvaluationCriterion.objects.filter(initiative=initiative)}
    vendor_by_pk = {v.pk: v for v in VendorCandidate.objects.filter(initiative=initiative)}
    existing = {
        (s.criterion_id, s.vendor_id): s.score
        for s in VendorScore.objects.filter(criterion__initiative=initiative)
    }
    changed = 0
    for key, raw in request.POST.items():
        if not key.startswith("score_") or raw == "":
            continue
        try:
            _, c_pk, v_pk = key.split("_")
            criterion, vendor = criteria[int(c_pk)], vendor_by_pk[int(v_pk)]
        except (ValueError, KeyError):
            raise RuleError(gettext("The score grid does not match this initiative.")) from None
        if (
            existing.get((criterion.pk, vendor.pk)) is not None
            and str(existing[(criterion.pk, vendor.pk)]) == raw.strip()
        ):
            continue
        services.score_vendor(criterion=criterion, vendor=vendor, user=request.user, score=raw)
        changed += 1
    return changed


# ---------------------------------------------------------------- components


def component(request, pk: int):
    """One integration component: its IT owner, design notes and decisions."""
    point = get_object_or_404(IntegrationPoint.objects.select_related("initiative"), pk=pk)
    initiative = visible_initiative_or_404(request.user, point.initiative_id)
    owned = (
        ComponentOwnership.objects.select_related("owner", "assigned_by")
        .filter(integration=point)
        .first()
    )
    is_lead = has_role(request.user, Role.IT_LEAD)
    may_design = owned is not None and can_design_component(request.user, owned)
    owner_form = forms.ComponentOwnerForm(initial={"owner": owned.owner if owned else None})
    notes_form = forms.ComponentNotesForm(
        initial={
            "design_notes": owned.design_notes if owned else "",
            "version": owned.version if owned else None,
        }
    )
    decision_form = forms.DecisionForm()
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "owner":
                owner_form = forms.ComponentOwnerForm(request.POST)
                if owner_form.is_valid():
                    services.assign_component_owner(
                        integration=point,
                        owner=owner_form.cleaned_data["owner"],
                        user=request.user,
                    )
                    messages.success(request, gettext("IT owner assigned."))
                    return redirect("reviews:component", pk=pk)
            elif what == "notes" and owned is not None:
                notes_form = forms.ComponentNotesForm(request.POST)
                if notes_form.is_valid():
                    services.update_component_notes(
                        component=owned,
                        user=request.user,
                        design_notes=notes_form.cleaned_data["design_notes"],
                        expected_version=notes_form.cleaned_data.get("version"),
                    )
                    messages.success(request, gettext("Design notes saved."))
                    return redirect("reviews:component", pk=pk)
            elif what == "decision" and owned is not None:
                decision_form = forms.DecisionForm(request.POST)
                if decision_form.is_valid():
                    services.add_component_decision(
                        component=owned, user=request.user, text=decision_form.cleaned_data["text"]
                    )
                    messages.success(request, gettext("Decision recorded."))
                    return redirect("reviews:component", pk=pk)
            else:
                raise Http404("No such action.")
        except RuleError as exc:
            messages.error(request, str(exc))
    decisions = owned.decisions.select_related("decided_by") if owned else []
    return render(
        request,
        "reviews/component.html",
        {
            "initiative": initiative,
            "point": point,
            "owned": owned,
            "decisions": decisions,
            "is_lead": is_lead,
            "may_design": may_design,
            "owner_form": owner_form,
            "notes_form": notes_form,
            "decision_form": decision_form,
        },
    )


# ---------------------------------------------------------------- checklists


def checklists(request):
    """IT leads edit the standard questions per concern area; reviewers read them."""
    _require_it(request.user)
    is_lead = has_role(request.user, Role.IT_LEAD)
    form = forms.QuestionForm(initial={"area": request.GET.get("area", ConcernArea.SECURITY)})
    edit_errors: dict[int, str] = {}
    if request.method == "POST":
        if not is_lead:
            raise PermissionDenied(gettext("Only IT leads edit the checklists."))
        question = None
        if request.POST.get("question"):
            question = get_object_or_404(ChecklistQuestion, pk=request.POST["question"])
        form_in = forms.QuestionForm(request.POST)
        if form_in.is_valid():
            ok, _ = run_service(
                request,
                lambda: services.save_checklist_question(
                    user=request.user, question=question, **form_in.cleaned_data
                ),
                form=form_in,
                success=gettext("Checklist saved."),
            )
            if ok:
                return redirect(
                    reverse("reviews:checklists") + f"#area-{form_in.cleaned_data['area']}"
                )
        if question is None:
            form = form_in
        else:
            edit_errors[question.pk] = "; ".join(
                str(e) for errors in form_in.errors.values() for e in errors
            )
            messages.error(
                request, gettext("Not saved: %(value)s") % {"value": edit_errors[question.pk]}
            )
    by_area = {area: [] for area in ConcernArea.values}
    for q in ChecklistQuestion.objects.all():
        by_area[q.area].append(q)
    return render(
        request,
        "reviews/checklists.html",
        {
            "areas": [(value, label, by_area[value]) for value, label in ConcernArea.choices],
            "form": form,
            "is_lead": is_lead,
            "edit_errors": edit_errors,
        },
    )


@require_POST
def assessment_applicability(request, pk: int):
    """An IT lead marks the concern not applicable (with a reason), or applicable again."""
    item = get_object_or_404(ConcernAssessment.objects.select_related("initiative"), pk=pk)
    visible_initiative_or_404(request.user, item.initiative_id)
    version = parse_id(request.POST.get("version", ""))
    if request.POST.get("applicable"):
        run_service(
            request,
            lambda: services.mark_applicable(
                assessment=item, user=request.user, expected_version=version
            ),
            success=gettext("%(area)s must be assessed again.") % {"area": item.get_area_display()},
        )
    else:
        run_service(
            request,
            lambda: services.mark_not_applicable(
                assessment=item,
                user=request.user,
                reason=request.POST.get("reason", "")[:2000],
                expected_version=version,
            ),
            success=gettext("%(area)s marked not applicable.") % {"area": item.get_area_display()},
        )
    return redirect("reviews:assessment", pk=item.pk)


def fallback_tests(request, pk: int):
    """The manual fallback tests of an initiative; its people and IT reviewers record one."""
    initiative = visible_initiative_or_404(request.user, pk)
    may_record = initiative.status != Status.WITHDRAWN and (
        permissions.can_manage(request.user, initiative)
        or permissions.can_review(request.user, initiative)
    )
    form = forms.FallbackTestForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied(
                gettext("Only the initiative's people and its IT reviewers record tests.")
            )
        if form.is_valid():
            ok, _ = run_service(
                request,
                lambda: services.record_fallback_test(
                    initiative=initiative, user=request.user, **form.cleaned_data
                ),
                form=form,
                success=gettext("Fallback test recorded."),
            )
            if ok:
                return redirect("reviews:fallback_tests", pk=initiative.pk)
    return render(
        request,
        "reviews/fallback_tests.html",
        {
            "initiative": initiative,
            "tests": selectors.fallback_tests_for(initiative),
            "form": form,
            "may_record": may_record,
        },
    )
