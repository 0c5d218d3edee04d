"""Template tags of notifications (library "notification_tags"): the navbar bell."""

from django import template

from . import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """One COUNT query per page, cached on the request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = selectors.unread_count(user)
    return request._unread_notifications


@register.inclusion_tag("governance/notifications/_follow.html")
def follow_button(initiative, user) -> dict:
    """Follow/Unfollow on the initiative page (one EXISTS query)."""
    following = user.is_authenticated and selectors.follows(user, initiative)
    return {"initiative": initiative, "following": following}
