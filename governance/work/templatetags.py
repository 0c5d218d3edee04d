"""Template tags of *My work* (library "work_tags"): the navigation count, the initiative
page's "yours to do" panel and the summary on each role's home page."""

from django import template

from . import selectors

register = template.Library()


def _items(request):
    """The user's items, read once per request."""
    if not hasattr(request, "_my_work"):
        request._my_work = selectors.work_of(request.user)
    return request._my_work


@register.simple_tag(takes_context=True)
def my_work_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if hasattr(request, "_my_work_count"):
        return request._my_work_count
    return len(_items(request))


@register.inclusion_tag("governance/work/_yours.html", takes_context=True)
def yours_to_do(context, initiative) -> dict:
    """What the user must do on this initiative, shown first on its page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"items": []}
    # The navigation count reads the user's items anyway: filter those, no second read.
    return {"items": [i for i in _items(request) if i.initiative_id == initiative.pk]}


@register.simple_tag(takes_context=True)
def yours_to_do_count(context, initiative) -> int:
    """How many of the user's items are on this initiative (the page's summary bar); from the
    same read as the panel and the navigation count."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return sum(1 for i in _items(request) if i.initiative_id == initiative.pk)


@register.inclusion_tag("governance/work/_summary.html", takes_context=True)
def my_work_summary(context, limit: int = 5) -> dict:
    """The first few items on a role's home page, with a link to all of them."""
    request = context.get("request")
    items = _items(request) if request and request.user.is_authenticated else []
    return {"items": items[:limit], "total": len(items)}
