"""Reads on initiatives that pages and the API share."""

from django.db.models import Q, QuerySet

from .models import Initiative, Status
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


def initiative_for_detail(user, pk: int) -> Initiative | None:
    """One initiative with everything its page shows, or None if the user may not see it."""
    return (
        visible_initiatives(user)
        .select_related("decision_owner", "accountable_person")
        .prefetch_related("co_sponsors", "data_assets", "integrations", "vendors")
        .filter(pk=pk)
        .first()
    )


def status_counts(queryset: QuerySet[Initiative]) -> dict[str, int]:
    from django.db.models import Count

    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in Status}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts
