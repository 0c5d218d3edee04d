"""Template tags of *My work* (library "work_tags"): the navigation count, the initiative
page's "yours to do" panel and the summary on each role's home page."""

from django import template

from . import cache as work_cache
from . import selectors

register = template.Library()


def _work(request) -> selectors.WorkOf:
    """The user's work, one reader per request: the navigation (rendered first) counts, and
    a summary or list further down reuses what the count read. The *My work* page hands
    over the reader it listed with."""
    if not hasattr(request, "_my_work"):
        request._my_work = selectors.WorkOf(request.user)
    return request._my_work


def _signed_in(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return request if user is not None and user.is_authenticated else None


@register.simple_tag(takes_context=True)
def my_work_count(context) -> int:
    """The count on every page: counted by the database, not listed (a reviewer has a
    thousand items), unless the page has listed them already."""
    request = _signed_in(context)
    return _work(request).count() if request else 0


def _on(request, initiative) -> list[selectors.WorkItem]:
    """The user's items on one initiative, read once per request and initiative: only that
    initiative's rows, not the user's whole list."""
    cache = request.__dict__.setdefault("_my_work_on", {})
    if initiative.pk not in cache:
        work = _work(request)
        # The navigation's count knows whether anything is the user's here; most pages of
        # most people's initiatives have nothing, and cost no read.
        cache[initiative.pk] = (
            work.on([initiative.pk]).items() if work.count_on(initiative.pk) else []
        )
    return cache[initiative.pk]


@register.inclusion_tag("governance/work/_yours.html", takes_context=True)
def yours_to_do(context, initiative) -> dict:
    """What the user must do on this initiative, shown first on its page."""
    request = _signed_in(context)
    return {"items": _on(request, initiative) if request else []}


@register.simple_tag(takes_context=True)
def yours_to_do_count(context, initiative) -> int:
    """How many of the user's items are on this initiative (the page's summary bar); from the
    same read as the panel."""
    request = _signed_in(context)
    return len(_on(request, initiative)) if request else 0


@register.inclusion_tag("governance/work/_summary.html", takes_context=True)
def my_work_summary(context, limit: int = 5) -> dict:
    """The first few items on a role's home page, with a link to all of them: only those few
    are made into items, the total is the navigation's count."""
    request = _signed_in(context)
    if request is None:
        return {"items": [], "total": 0}
    work = _work(request)
    items = work_cache.cached(request.user, f"first-{limit}", lambda: work.first(limit))
    return {"items": items, "total": work.count()}
