"""The plant system map's pages: the register (everyone signed in reads it), and the IT lead's
forms to register, edit and import systems from a CMDB export."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from core.query_params import parse_id
from core.views import run_service

from . import selectors, services
from .forms import ImportForm, SystemForm
from .models import Criticality, EnterpriseSystem, SystemKind
from .permissions import can_maintain


def system_list(request):
    qs = selectors.systems()
    filters = {
        "site": request.GET.get("site", ""),
        "kind": request.GET.get("kind", ""),
        "criticality": request.GET.get("criticality", ""),
    }
    if filters["site"]:
        site = parse_id(filters["site"])
        qs = qs.filter(site_id=site) if site else qs.none()
    if filters["kind"] in SystemKind.values:
        qs = qs.filter(kind=filters["kind"])
    if filters["criticality"] in Criticality.values:
        qs = qs.filter(criticality=filters["criticality"])
    site_model = EnterpriseSystem._meta.get_field("site").related_model
    return render(
        request,
        "landscape/list.html",
        {
            "systems": qs,
            "filters": filters,
            "sites": site_model.objects.order_by("name"),
            "kinds": SystemKind.choices,
            "criticalities": Criticality.choices,
            "can_maintain": can_maintain(request.user),
        },
    )


def _values(form) -> dict:
    return {k: form.cleaned_data.get(k) for k in services.FIELDS}


def system_create(request):
    services.refuse_unless_maintainer(request.user)
    form = SystemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, system = run_service(
            request,
            lambda: services.register_system(user=request.user, values=_values(form)),
            form=form,
            success=lambda s: f"{s.name} is on the system map.",
        )
        if ok:
            return redirect("landscape:list")
    return render(request, "landscape/form.html", {"form": form, "system": None})


def system_edit(request, pk: int):
    services.refuse_unless_maintainer(request.user)
    system = get_object_or_404(selectors.systems(), pk=pk)
    form = SystemForm(request.POST or None, instance=system)
    if request.method == "POST" and form.is_valid():
        ok, _ = run_service(
            request,
            lambda: services.update_system(
                system=system,
                user=request.user,
                values=_values(form),
                expected_version=form.cleaned_data["version"],
            ),
            form=form,
            success=gettext("Saved."),
        )
        if ok:
            return redirect("landscape:list")
    return render(request, "landscape/form.html", {"form": form, "system": system})


def system_import(request):
    """Upload a CMDB export: a preview (dry run) first, then the import; each shows what
    would be or was created, updated, left unchanged and rejected (with the reasons)."""
    services.refuse_unless_maintainer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        ok, report = run_service(
            request,
            lambda: services.import_systems(
                user=request.user, content=content, dry_run=form.cleaned_data["dry_run"]
            ),
            form=form,
        )
    return render(request, "landscape/import.html", {"form": form, "report": report})
