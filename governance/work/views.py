"""The *My work* page."""

from django.shortcuts import render

from . import selectors

# The page lists the first items (the most severe and oldest); the rest wait their turn. The
# count in the navigation bar and the API have all of them.
PAGE_LIMIT = 100


def my_work(request):
    """Everything waiting for the user, most severe and oldest first."""
    items = selectors.work_of(request.user)
    request._my_work_count = len(items)
    shown = items[:PAGE_LIMIT]
    return render(
        request,
        "governance/work/my_work.html",
        {"items": shown, "total": len(items), "more": len(items) - len(shown)},
    )
