"""The *My work* page."""

from django.shortcuts import render

from . import selectors


def my_work(request):
    """Everything waiting for the user, most severe and oldest first."""
    items = selectors.work_of(request.user)
    request._my_work_count = len(items)
    return render(request, "governance/work/my_work.html", {"items": items})
