"""Reads on initiatives that pages and the API share."""

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Initiative, NamedRole, RoleAcknowledgement, Status
from .permissions import restrict_to_visible


def visible_initiatives(user) -> QuerySet[Initiative]:
    """Every initiative the user may see, with what list rows show."""
    qs = Initiative.objects.select_related("sponsor", "site", "business_unit")
    return restrict_to_visible(user, qs)


def my_initiatives(user) -> QuerySet[Initiative]:
    """Initiatives the user sponsors or co-sponsors, newest activity first."""
    return (
        Initiative.objects.filter(Q(sponsor=user) | Q(co_sponsors=user))
        .select_related("sponsor", "site", "business_unit")
        # The page counts what each draft still misses; prefetching keeps that to 2 queries.
        .prefetch_related("data_assets", "integrations")
        .distinct()
        .order_by("-updated_at")
    )


def initiative_for_detail_queryset() -> QuerySet[Initiative]:
    """Initiatives with everything their page shows; narrow it with
    `core.access.visible_initiative_or_404`, which applies the user's visibility."""
    return Initiative.objects.select_related(
        "sponsor", "site", "business_unit", "decision_owner", "accountable_person"
    ).prefetch_related(
        "co_sponsors",
        "data_assets",
        "integrations",
        "vendors",
        Prefetch(
            "role_acknowledgements",
            queryset=RoleAcknowledgement.objects.select_related("person"),
        ),
    )


def role_acknowledgements(initiative: Initiative) -> list[RoleAcknowledgement]:
    """The initiative's named roles with their confirmation, decision owner first (uses the
    prefetch of `initiative_for_detail_queryset` when there is one)."""
    rows = list(initiative.role_acknowledgements.all())
    order = list(NamedRole.values)
    return sorted(rows, key=lambda a: order.index(a.role))


def status_counts(queryset: QuerySet[Initiative]) -> dict[str, int]:
    """How many of the initiatives are in each status (every status listed, 0 included)."""
    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in Status}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


# What waits for whom is known only above this app (design inputs, assessments, sessions):
# governance registers its *My work* selector here when Django starts, and the sponsor's
# *Next step* column asks through it.
_next_steps: Callable[[Any, list[int]], dict[int, Any]] | None = None


def register_next_steps(provider: Callable[[Any, list[int]], dict[int, Any]]) -> None:
    global _next_steps
    _next_steps = provider


def next_steps(user, initiative_ids: list[int]) -> dict[int, Any]:
    """{initiative id: the user's first work item on it} (items have `action` and `link`)."""
    if _next_steps is None or not initiative_ids:
        return {}
    return _next_steps(user, initiative_ids)
