"""Reads on initiatives that pages and the API share."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from landscape.models import Criticality, EnterpriseSystem

from .models import (
    Initiative,
    IntegrationPoint,
    IntegrationPurpose,
    NamedRole,
    RoleAcknowledgement,
    Status,
)
from .permissions import restrict_to_visible


def visible_initiatives(user) -> QuerySet[Initiative]:
    """Every initiative the user may see, with what list rows show."""
    qs = Initiative.objects.select_related("sponsor", "site", "business_unit")
    return restrict_to_visible(user, qs)


def sponsored_by(user) -> Q:
    """The initiatives the user sponsors or co-sponsors (*My initiatives*, page and API)."""
    # One subquery of ids (the sponsor index's and the link table's, as a union): with
    # `sponsor OR pk IN (...)` PostgreSQL could use neither index and read every initiative.
    # Unordered: SQLite refuses ORDER BY inside a compound statement (the model's ordering).
    sponsored = Initiative.objects.filter(sponsor=user).order_by().values("pk")
    co_sponsored = (
        Initiative.co_sponsors.through.objects.filter(user=user).order_by().values("initiative")
    )
    return Q(pk__in=sponsored.union(co_sponsored))


def my_initiatives(user) -> QuerySet[Initiative]:
    """Initiatives the user sponsors or co-sponsors, newest activity first.

    Co-sponsorship is a subquery on the link table rather than a join: a join repeats an
    initiative per co-sponsor and needs DISTINCT, which made PostgreSQL scan every initiative
    for the few rows one person has (the sponsor index and the link table's user index are
    used this way)."""
    return (
        Initiative.objects.filter(sponsored_by(user))
        .select_related("sponsor", "site", "business_unit")
        # The page counts what each draft still misses; prefetching keeps that to 2 queries.
        .prefetch_related("data_assets", "integrations")
        # The primary key breaks ties, so pages never overlap.
        .order_by("-updated_at", "-pk")
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


# ---- the plant system map: who touches a system, and its sprawl flags ----------------------


@dataclass
class SprawlFlag:
    """More than one vendor (or connector) for the same system and purpose."""

    purpose: str
    purpose_label: str
    what: str  # "vendors" or "connectors"
    names: list[str]


@dataclass
class SystemUsage:
    system: EnterpriseSystem
    integrations: list[IntegrationPoint]
    vendors: list[str]
    connectors: list[str]
    sprawl: list[SprawlFlag] = field(default_factory=list)
    # Integrations with a high-criticality system its owner has not acknowledged.
    unacknowledged: list[IntegrationPoint] = field(default_factory=list)

    @property
    def flag_count(self) -> int:
        return len(self.sprawl) + len(self.unacknowledged)


def _distinct(values) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        key = " ".join(value.lower().split())
        if key and key not in seen:
            seen[key] = value.strip()
    return sorted(seen.values(), key=str.lower)


def system_integrations(user, system_id: int) -> QuerySet[IntegrationPoint]:
    """The integrations with a system that the user may see (withdrawn initiatives left out),
    with what the system page shows."""
    qs = (
        IntegrationPoint.objects.filter(system_id=system_id)
        .exclude(initiative__status=Status.WITHDRAWN)
        .select_related(
            "initiative__sponsor", "initiative__site", "owner_acknowledged_by", "system"
        )
        .order_by("purpose", "initiative_id", "id")
    )
    return restrict_to_visible(user, qs, prefix="initiative__")


def system_usage(user, system: EnterpriseSystem) -> SystemUsage:
    """The initiatives, vendors and connectors touching a system, and its sprawl flags.

    Only what the user may see counts, so a flag never reveals a hidden initiative. Drafts
    count for sprawl (that is when a second vendor is cheapest to avoid); acknowledgement is
    asked of submitted initiatives only, since the owner is involved at submission."""
    integrations = list(system_integrations(user, system.pk))
    usage = SystemUsage(
        system=system,
        integrations=integrations,
        vendors=_distinct(i.vendor for i in integrations),
        connectors=_distinct(i.connector for i in integrations),
    )
    by_purpose: dict[str, list[IntegrationPoint]] = {}
    for integration in integrations:
        by_purpose.setdefault(integration.purpose, []).append(integration)
    for purpose, rows in by_purpose.items():
        for what, attr in (("vendors", "vendor"), ("connectors", "connector")):
            names = _distinct(getattr(i, attr) for i in rows)
            if len(names) > 1:
                usage.sprawl.append(
                    SprawlFlag(purpose, IntegrationPurpose(purpose).label, what, names)
                )
    if system.criticality == Criticality.HIGH:
        usage.unacknowledged = [
            i
            for i in integrations
            if i.owner_acknowledged_at is None and i.initiative.status != Status.DRAFT
        ]
    return usage


def unmapped_integrations() -> QuerySet[IntegrationPoint]:
    """Integrations named in free text that IT has not mapped to a registered system yet
    (IT leads' work list: every initiative but withdrawn ones)."""
    return (
        IntegrationPoint.objects.filter(system__isnull=True)
        .exclude(initiative__status=Status.WITHDRAWN)
        .select_related("initiative__site", "initiative__sponsor")
        .order_by("initiative__site__name", "name", "id")
    )


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
