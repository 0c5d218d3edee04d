"""Pages of the channels, for IT leads: the list with a form to add one, a channel with its
delivery log."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.paging import capped_page
from core.views import run_service

from . import selectors, services
from .forms import ChannelForm
from .permissions import can_manage_channels


def _require_it_lead(user) -> None:
    if not can_manage_channels(user):
        raise PermissionDenied(gettext("Only IT leads manage channels."))


def channel_list(request):
    """The channels, and the form to add one. After adding, the page shows the signing
    secret once (it is not stored in the clear, so it cannot be shown again)."""
    _require_it_lead(request.user)
    form = ChannelForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, result = run_service(
            request,
            lambda: services.create_channel(
                user=request.user,
                name=data["name"],
                target=data["target"],
                url=data["url"],
                event_kinds=data["event_kinds"],
                initiative=data["initiative"],
                site=data["site"],
            ),
            form=form,
        )
        if ok:
            created, secret = result
            form = ChannelForm()
    return render(
        request,
        "governance/channels/list.html",
        {
            "channels": selectors.channels(),
            "form": form,
            "created": created,
            "secret": secret,
        },
    )


def channel_detail(request, pk: int):
    """One channel: where it posts (masked), what it listens to, and its delivery log."""
    _require_it_lead(request.user)
    channel = get_object_or_404(selectors.channels(), pk=pk)
    page = capped_page(selectors.delivery_log(channel.pk), 50, request.GET.get("page"))
    return render(request, "governance/channels/detail.html", {"channel": channel, "page": page})


@require_POST
def channel_toggle(request, pk: int):
    _require_it_lead(request.user)
    channel = get_object_or_404(selectors.channels(), pk=pk)
    active = request.POST.get("active") == "1"
    run_service(
        request,
        lambda: services.set_channel_active(channel=channel, user=request.user, active=active),
        success=gettext("Channel enabled.") if active else gettext("Channel disabled."),
    )
    return redirect("channels:detail", pk=pk)


@require_POST
def channel_delete(request, pk: int):
    _require_it_lead(request.user)
    channel = get_object_or_404(selectors.channels(), pk=pk)
    run_service(
        request,
        lambda: services.delete_channel(channel=channel, user=request.user),
        success=gettext("Channel deleted."),
    )
    return redirect("channels:list")
