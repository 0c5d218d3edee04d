"""Pages for business sponsors: register an initiative step by step, resume, submit."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.access import restrict_to_visible, visible_initiative_or_404
from core.paging import capped_page
from core.query_params import parse_id
from core.views import run_service
from core.wording import in_sentence
from landscape import permissions as landscape_permissions
from landscape import selectors as landscape_selectors

from . import integrations, overlaps, permissions, selectors, services
from .forms import STEP_BY_NUMBER, STEPS, DeclineRoleForm, ScreeningReviewForm
from .models import NAMED_ROLE_FIELDS, Initiative, IntegrationPoint, NamedRole, Phase, Site, Status
from .roles import Role, has_role


def home(request):
    """Send each role to where its work is."""
    if has_role(request.user, Role.EXECUTIVE) and _url_exists("dashboard:dashboard"):
        return redirect("dashboard:dashboard")
    if has_role(request.user, Role.IT_LEAD, Role.REVIEWER) and _url_exists("reviews:queue"):
        return redirect("reviews:queue")
    if has_role(request.user, Role.SPONSOR):
        return redirect("initiatives:mine")
    return redirect("initiatives:list")


def _url_exists(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _visible_or_404(user, pk: int) -> Initiative:
    return visible_initiative_or_404(user, pk, selectors.initiative_for_detail_queryset())


# Rows a page of *My initiatives* shows: as many as the portfolio list; a sponsor with hundreds
# pages through them instead of waiting for all of them (and each one's next step).
MY_INITIATIVES_PAGE_SIZE = 25


def my_initiatives(request):
    page = Paginator(selectors.my_initiatives(request.user), MY_INITIATIVES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    initiatives = list(page)
    # Next steps of this page's initiatives only.
    steps = selectors.next_steps(request.user, [i.pk for i in initiatives if not i.is_draft])
    for initiative in initiatives:
        if initiative.is_draft:
            missing = services.missing_for_submission(initiative)
            initiative.missing_count = len(missing)
            # "Resume" opens the first step that still lacks an answer.
            initiative.resume_step = min((m.step for m in missing), default=1)
        initiative.next_step = steps.get(initiative.pk)
    return render(request, "initiatives/mine.html", {"initiatives": initiatives, "page": page})


# Initiatives a page of the portfolio list shows; its count stops at LIST_COUNT_CAP.
LIST_PAGE_SIZE = 25


def initiative_list(request):
    qs = selectors.visible_initiatives(request.user)
    filters = {
        "status": request.GET.get("status", ""),
        "phase": request.GET.get("phase", ""),
        "site": request.GET.get("site", ""),
        "q": request.GET.get("q", "").strip(),
    }
    if filters["status"] in Status.values:
        qs = qs.filter(status=filters["status"])
    if filters["phase"] in Phase.values:
        qs = qs.filter(phase=filters["phase"])
    if filters["site"]:
        site = parse_id(filters["site"])
        qs = qs.filter(site_id=site) if site else qs.none()
    if filters["q"]:
        qs = qs.filter(title__icontains=filters["q"])
    page = capped_page(qs.order_by("-updated_at"), LIST_PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "initiatives/list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Status.choices,
            "phases": Phase.choices,
            "sites": Site.objects.all(),
        },
    )


def detail(request, pk: int):
    initiative = _visible_or_404(request.user, pk)
    missing = services.missing_for_submission(initiative) if initiative.is_draft else []
    acknowledgements = selectors.role_acknowledgements(initiative)
    similar = overlaps.similar_initiatives(request.user, overlaps.Description.of(initiative))
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "missing": missing,
            "acknowledgements": {a.role: a for a in acknowledgements},
            "my_acknowledgements": [
                a
                for a in acknowledgements
                if a.person_id == request.user.pk and initiative.status != Status.WITHDRAWN
            ],
            "decline_form": DeclineRoleForm(),
            "steps": STEPS,
            "can_edit": permissions.can_edit(request.user, initiative),
            "can_manage": permissions.can_manage(request.user, initiative),
            "can_review": permissions.can_review(request.user, initiative),
            "similar": similar,
        },
    )


def create(request):
    """Step 1 of a new initiative; saving it creates the draft."""
    if not permissions.can_register(request.user):
        raise PermissionDenied(gettext("Only business sponsors register initiatives."))
    step = STEP_BY_NUMBER[1]
    if request.method == "POST":
        form = step.form_class(request.POST)
        if form.is_valid():
            token = form.cleaned_data.get("creation_token")
            initiative, created = services.create_initiative(
                sponsor=request.user, fields=form.model_fields(), creation_token=token
            )
            if created:
                messages.success(
                    request,
                    gettext("Draft %(reference)s saved.") % {"reference": initiative.reference},
                )
            else:
                messages.info(
                    request, gettext("This form was already submitted; nothing was duplicated.")
                )
            return redirect(_after_save_url(request, initiative, step.number))
    else:
        form = step.form_class(initial={"creation_token": uuid.uuid4()})
    return render(
        request,
        "initiatives/step.html",
        _step_context(request, None, step, form, []),
    )


def edit_step(request, pk: int, step: int):
    initiative = _visible_or_404(request.user, pk)
    if step not in STEP_BY_NUMBER:
        raise Http404("No such step.")
    if not permissions.can_edit(request.user, initiative):
        raise PermissionDenied(gettext("Only the sponsor and co-sponsors edit, and only drafts."))
    spec = STEP_BY_NUMBER[step]
    data = request.POST if request.method == "POST" else None
    form = spec.form_class(data, instance=initiative)
    formsets = [
        (heading, cls(data, instance=initiative, prefix=prefix))
        for prefix, cls, heading in spec.formsets
    ]
    if request.method == "POST":
        all_valid = form.is_valid() & all([fs.is_valid() for _, fs in formsets])
        if all_valid:
            if not form.has_changed() and not any(fs.has_changed() for _, fs in formsets):
                # Nothing new (a repeated submit, or "continue" without edits): no new version,
                # and no "saved" for a save that did not happen.
                if "save" in request.POST:
                    messages.info(request, gettext("Nothing changed, so nothing was saved."))
                return redirect(_after_save_url(request, initiative, step))
            ok, _ = run_service(
                request,
                lambda: services.update_initiative(
                    initiative=initiative,
                    user=request.user,
                    fields=form.model_fields(),
                    expected_version=form.cleaned_data.get("version"),
                    sections=_section_rows(formsets),
                ),
                form=form,
                success=gettext("Step %(step)s saved.") % {"step": step},
            )
            if ok:
                return redirect(_after_save_url(request, initiative, step))
    return render(
        request, "initiatives/step.html", _step_context(request, initiative, spec, form, formsets)
    )


_SECTION_OF_MODEL = {model: name for name, model in services.SECTION_MODELS.items()}


def _section_rows(formsets) -> dict[str, list[dict]]:
    """The complete rows of each changed section, as the service takes them: every row the
    form still shows (with its id), without the ones ticked for deletion or left empty."""
    sections = {}
    for _, formset in formsets:
        if not formset.has_changed():
            continue
        rows = []
        for form in formset.forms:
            if form in formset.deleted_forms or not (form.instance.pk or form.has_changed()):
                continue
            row = {name: form.cleaned_data[name] for name in form._meta.fields}
            rows.append({"id": form.instance.pk, **row} if form.instance.pk else row)
        sections[_SECTION_OF_MODEL[formset.model]] = rows
    return sections


def _after_save_url(request, initiative: Initiative, step: int) -> str:
    if "continue" in request.POST and step < len(STEPS):
        return reverse("initiatives:edit", args=[initiative.pk, step + 1])
    if "review" in request.POST or ("continue" in request.POST and step == len(STEPS)):
        return initiative.get_absolute_url()
    return reverse("initiatives:edit", args=[initiative.pk, step])


def _step_context(request, initiative, step, form, formsets) -> dict:
    missing = services.missing_for_submission(initiative) if initiative else []
    # Without JavaScript the sponsor sees similar initiatives once a step is saved; with it,
    # static/js/similar.js refreshes the list while she types (GET /api/initiatives/similar/).
    similar = (
        overlaps.similar_initiatives(request.user, overlaps.Description.of(initiative))
        if initiative
        else []
    )
    missing_by_step = {s.number: 0 for s in STEPS}
    for item in missing:
        missing_by_step[item.step] += 1
    return {
        "initiative": initiative,
        "step": step,
        "steps": STEPS,
        "form": form,
        "formsets": formsets,
        "missing_here": [m for m in missing if m.step == step.number],
        "required_names": {name for _, name, _ in services.REQUIRED_FOR_SUBMISSION}
        | (set(services.SCREENING_FIELDS) - {"ai_act_third_party_assessment"}),
        "missing_by_step": missing_by_step,
        "similar": similar,
    }


def review_screening(request, pk: int):
    """IT reviews the sponsor's EU AI Act screening: confirms or corrects it, with a note."""
    initiative = _visible_or_404(request.user, pk)
    if not permissions.can_review(request.user, initiative):
        raise PermissionDenied(
            gettext("Only the initiative's IT reviewers and IT leads review it.")
        )
    form = ScreeningReviewForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        ok, _ = run_service(
            request,
            lambda: services.review_screening(
                initiative=initiative,
                user=request.user,
                answers=form.answers(),
                note=form.cleaned_data["ai_act_review_note"],
                expected_version=form.cleaned_data.get("version"),
            ),
            form=form,
            success=gettext("EU AI Act screening reviewed."),
        )
        if ok:
            return redirect(f"{initiative.get_absolute_url()}#ai-act")
    return render(
        request, "initiatives/screening_review.html", {"initiative": initiative, "form": form}
    )


@require_POST
def submit(request, pk: int):
    initiative = _visible_or_404(request.user, pk)
    if not permissions.can_edit(request.user, initiative):
        if initiative.status == Status.SUBMITTED and permissions.can_manage(
            request.user, initiative
        ):
            messages.info(request, gettext("Already submitted to IT."))
            return redirect(initiative)
        raise PermissionDenied(gettext("Only the sponsor and co-sponsors submit a draft."))
    run_service(
        request,
        lambda: services.submit_initiative(initiative=initiative, user=request.user),
        success=gettext("Submitted to IT. IT leads have been notified."),
    )
    return redirect(initiative)


@require_POST
def change_status(request, pk: int):
    """Sponsor-side workflow moves: withdraw, reopen for editing."""
    initiative = _visible_or_404(request.user, pk)
    to_status = request.POST.get("to", "")
    if to_status not in (Status.DRAFT, Status.WITHDRAWN):
        raise Http404("No such action.")
    run_service(
        request,
        lambda: services.transition_initiative(
            initiative=initiative,
            user=request.user,
            to_status=to_status,
            reason=request.POST.get("reason", "")[:500],
        ),
        success=gettext("Now %(lower)s.") % {"lower": in_sentence(Status(to_status).label)},
    )
    return redirect(initiative)


def _named_role_or_404(role: str) -> str:
    if role not in NamedRole.values:
        raise Http404("No such role.")
    return role


@require_POST
def acknowledge_role(request, pk: int, role: str):
    """The person named decision owner or accountable person confirms the role, one click."""
    initiative = _visible_or_404(request.user, pk)
    role = _named_role_or_404(role)
    run_service(
        request,
        lambda: services.acknowledge_role(initiative=initiative, role=role, user=request.user),
        success=gettext("You confirmed the role of %(lower)s.")
        % {"lower": in_sentence(NamedRole(role).label)},
    )
    return redirect(f"{initiative.get_absolute_url()}#named-roles")


def decline_role(request, pk: int, role: str):
    """The person named declines the role, with a reason; a form of its own when it is bad."""
    initiative = _visible_or_404(request.user, pk)
    role = _named_role_or_404(role)
    if getattr(initiative, f"{NAMED_ROLE_FIELDS[role]}_id") != request.user.pk:
        raise PermissionDenied(gettext("Only the person named confirms or declines the role."))
    form = DeclineRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _ = run_service(
            request,
            lambda: services.decline_role(
                initiative=initiative,
                role=role,
                user=request.user,
                reason=form.cleaned_data["reason"],
            ),
            form=form,
            success=gettext(
                "You declined the role of %(lower)s; the sponsor will name someone else."
            )
            % {"lower": in_sentence(NamedRole(role).label)},
        )
        if ok:
            return redirect(f"{initiative.get_absolute_url()}#named-roles")
    return render(
        request,
        "initiatives/decline_role.html",
        {"initiative": initiative, "role": NamedRole(role), "form": form},
    )


# ---- the plant system map: a system's page, acknowledgements, mapping free text ------------


def system_detail(request, pk: int):
    """One registered system: the initiatives, vendors and connectors touching it (those the
    user may see) and its sprawl flags; the owner acknowledges integrations here."""
    system = get_object_or_404(landscape_selectors.systems(), pk=pk)
    usage = selectors.system_usage(request.user, system)
    return render(
        request,
        "initiatives/system.html",
        {
            "system": system,
            "usage": usage,
            "is_owner": system.it_owner_id == request.user.pk,
            "can_maintain": landscape_permissions.can_maintain(request.user),
        },
    )


@require_POST
def acknowledge_integration(request, pk: int):
    integration = get_object_or_404(
        restrict_to_visible(
            request.user,
            IntegrationPoint.objects.select_related("system", "initiative"),
            prefix="initiative__",
        ),
        pk=pk,
    )
    run_service(
        request,
        lambda: integrations.acknowledge_integration(integration=integration, user=request.user),
        success=gettext("Acknowledged: %(reference)s connects to %(value)s.")
        % {
            "reference": integration.initiative.reference,
            "value": integration.system.name if integration.system else integration.name,
        },
    )
    return redirect("initiatives:system", integration.system_id)


def unmapped_integrations(request):
    """IT leads map integrations named in free text to registered systems."""
    if not has_role(request.user, Role.IT_LEAD, Role.ADMINISTRATOR):
        raise PermissionDenied(gettext("Only IT leads map integrations."))
    if request.method == "POST":
        integration = get_object_or_404(
            IntegrationPoint.objects.select_related("initiative"),
            pk=parse_id(request.POST.get("integration")) or 0,
        )
        system_id = parse_id(request.POST.get("system"))
        system = get_object_or_404(landscape_selectors.systems(), pk=system_id or 0)
        run_service(
            request,
            lambda: integrations.map_integration(
                integration=integration, system=system, user=request.user
            ),
            success=gettext("“%(name)s” of %(reference)s now points to %(system)s.")
            % {
                "name": integration.name,
                "reference": integration.initiative.reference,
                "system": system,
            },
        )
        return redirect("initiatives:unmapped_integrations")
    rows = list(selectors.unmapped_integrations())
    systems = list(landscape_selectors.systems())
    for row in rows:
        # Suggest the systems of the initiative's site first.
        row.choices = sorted(systems, key=lambda s, r=row: (s.site_id != r.initiative.site_id,))
    return render(
        request, "initiatives/unmapped_integrations.html", {"rows": rows, "systems": systems}
    )
