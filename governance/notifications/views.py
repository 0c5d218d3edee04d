"""Pages of the in-app notifications: the list, and marking them read."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.query_params import parse_id

from . import selectors, services


def notification_list(request):
    """The user's notifications, newest first, unread highlighted."""
    page = Paginator(selectors.notifications_of(request.user), 25).get_page(request.GET.get("page"))
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
