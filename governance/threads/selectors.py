"""Reading threads: one thread's comments, the people picker, and the threads active since
a date (the working session's agenda)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet

from core.access import restrict_to_visible
from initiatives.models import Initiative
from initiatives.permissions import viewers

from .models import Comment


def thread(user, initiative: Initiative, *, design_input=None, assessment=None) -> QuerySet:
    """The comments of one thread, oldest first, if the user may see the initiative."""
    qs = restrict_to_visible(user, Comment.objects.filter(initiative=initiative), "initiative__")
    if design_input is not None:
        qs = qs.filter(design_input=design_input)
    elif assessment is not None:
        qs = qs.filter(assessment=assessment)
    else:
        qs = qs.filter(design_input__isnull=True, assessment__isnull=True)
    return qs.select_related("author").prefetch_related("mentions")


def comments_visible_to(user) -> QuerySet[Comment]:
    """Every comment the user may read (for the API)."""
    return (
        restrict_to_visible(user, Comment.objects.all(), "initiative__")
        .select_related("author", "design_input", "assessment")
        .prefetch_related("mentions")
    )


def people_for_mention(user, initiative: Initiative, query: str, limit: int = 10) -> list:
    """People whose name or username contains `query` and who may see the initiative; nothing
    if the asking user may not see it."""
    if not restrict_to_visible(user, Initiative.objects.filter(pk=initiative.pk)).exists():
        return []
    query = (query or "").strip()[:50]
    people = viewers(initiative)
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    return list(people.order_by("first_name", "last_name", "username")[:limit])


def active_threads(initiative_id: int, since: datetime | None) -> list[dict]:
    """The threads of an initiative with comments since `since` (all, if None): what the
    working session should talk about."""
    qs = Comment.objects.filter(initiative_id=initiative_id)
    if since is not None:
        qs = qs.filter(created_at__gt=since)
    rows = (
        qs.values("design_input_id", "design_input__title", "assessment_id", "assessment__area")
        .annotate(count=Count("id"), last=Max("created_at"))
        .order_by("-last")
    )
    return list(rows)
