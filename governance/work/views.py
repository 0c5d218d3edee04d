"""The *My work* page."""

from django.core.paginator import Paginator
from django.shortcuts import render

from . import selectors

# Items a page shows, the most severe and oldest first; a reviewer with a thousand pages through
# them, and only the items up to the page's end are made.
PAGE_SIZE = 50


def my_work(request):
    """Everything waiting for the user, most severe and oldest first, a page at a time."""
    # The navigation's count is then this list's count, not a second read.
    work = request._my_work = selectors.WorkOf(request.user)
    page = Paginator(work, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/work/my_work.html", {"items": list(page), "page": page})
