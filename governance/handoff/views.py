"""Pages of the build hand-off, for IT leads: the sites' ticket systems and the tickets."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.access import visible_initiative_or_404
from core.views import run_service

from . import selectors, services
from .forms import HandoffTargetForm
from .models import BuildTicket
from .permissions import can_configure_handoff


def handoff_settings(request):
    """Each site's ticket system (off by default), a form to set one, the latest tickets."""
    if not can_configure_handoff(request.user):
        raise PermissionDenied(gettext("Only IT leads configure the build hand-off."))
    form = HandoffTargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        site, token = data.pop("site"), data.pop("token")
        ok, _ = run_service(
            request,
            lambda: services.save_target(site=site, user=request.user, fields=data, token=token),
            form=form,
            success=gettext("Build hand-off of %(site)s saved.") % {"site": site},
        )
        if ok:
            return redirect("handoff:settings")
    return render(
        request,
        "governance/handoff/settings.html",
        {
            "form": form,
            "targets": selectors.targets(),
            "tickets": selectors.tickets_for(request.user)[:50],
        },
    )


@require_POST
def ticket_retry(request, pk: int):
    """Try a failed ticket again (IT lead)."""
    ticket = get_object_or_404(BuildTicket, pk=pk)
    initiative = visible_initiative_or_404(request.user, ticket.initiative_id)
    run_service(
        request,
        lambda: services.retry_ticket(ticket=ticket, user=request.user),
        success=gettext("The ticket will be tried again."),
    )
    return redirect(initiative)
