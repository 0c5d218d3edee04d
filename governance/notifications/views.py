"""Pages of the in-app notifications: the list, marking them read, preferences, one-click
unsubscribing from e-mail, and following an initiative."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.access import visible_initiative_or_404
from core.paging import capped_page
from core.query_params import parse_id
from core.views import run_service

from . import selectors, services
from .forms import PreferencesForm
from .models import EventKind


def notification_list(request):
    """The user's notifications, newest first, unread highlighted."""
    page = capped_page(selectors.notifications_of(request.user), 25, request.GET.get("page"))
    return render(request, "governance/notifications/list.html", {"page_obj": page})


@require_POST
def notification_read(request):
    """Mark one (`id`) or all notifications as read, then go back or follow its link."""
    raw = request.POST.get("id", "")
    # An id that cannot exist marks nothing, never everything.
    number = parse_id(raw)
    ids = None if not raw else ([number] if number else [])
    services.mark_read(user=request.user, ids=ids)
    follow = request.POST.get("next", "")
    if follow.startswith("/") and not follow.startswith("//"):
        return redirect(follow)
    return redirect("notifications:list")


def preferences(request):
    """How the user hears of each kind of event: immediately, daily digest, in-app only."""
    form = PreferencesForm(request.POST or None, modes=services.modes_of(request.user))
    if request.method == "POST" and form.is_valid():
        done, _ = run_service(
            request,
            lambda: services.set_preferences(user=request.user, modes=form.cleaned_data),
            form=form,
            success=gettext("Your notification preferences are saved."),
        )
        if done:
            return redirect("notifications:preferences")
    return render(request, "governance/notifications/preferences.html", {"form": form})


# The link in every e-mail works without signing in: the signed token is the credential. Mail
# clients POST to it without a CSRF token (RFC 8058 one-click), hence csrf_exempt.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks to confirm (link scanners must not unsubscribe anyone); POST turns the kind's
    e-mail off (in-app only)."""
    data = services.read_unsubscribe_token(token)
    if data is None:
        raise PermissionDenied(gettext("This unsubscribe link is not valid."))
    kind = data[1]
    label = EventKind(kind).label if kind else gettext("all hand-off notifications")
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(
            request, "governance/notifications/unsubscribe.html", {"label": label, "done": True}
        )
    return render(request, "governance/notifications/unsubscribe.html", {"label": label})


@require_POST
def follow(request, pk: int):
    """Follow or unfollow (`follow=0`) an initiative the user sees, then go back to it."""
    initiative = visible_initiative_or_404(request.user, pk)
    on = request.POST.get("follow", "1") != "0"
    services.set_following(user=request.user, initiative=initiative, follow=on)
    messages.success(
        request,
        gettext("You follow %(reference)s.") % {"reference": initiative.reference}
        if on
        else gettext("You no longer follow it."),
    )
    return redirect(initiative.get_absolute_url())
