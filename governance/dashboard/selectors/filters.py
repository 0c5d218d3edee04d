"""What every dashboard figure is computed over: the user's visible initiatives, filtered.

Who sees the dashboard: the roles that see the whole portfolio (IT leads, executives,
administrators). The selectors still go through `restrict_to_visible`, so a caller can never
widen what a user sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from core.access import restrict_to_visible
from core.query_params import parse_id
from initiatives.ai_act import AiActClass
from initiatives.models import Initiative, Phase, Status
from initiatives.roles import sees_whole_portfolio
from reviews.models import (
    ConcernArea,
)

AREAS: tuple[ConcernArea, ...] = tuple(ConcernArea)

# The EU AI Act classes as the dashboard filters and counts them; "none" = not screened yet.
NOT_SCREENED = "none"
AI_ACT_CHOICES: list[tuple[str, str]] = [*AiActClass.choices, (NOT_SCREENED, _("Not screened"))]


def may_see_dashboard(user) -> bool:
    """IT leads, executives and administrators: the roles that see the whole portfolio."""
    return user.is_authenticated and user.is_active and sees_whole_portfolio(user)


# --- Filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard is narrowed to; empty values mean "all"."""

    site: int | None = None
    business_unit: int | None = None
    phase: str = ""
    status: str = ""
    ai_act: str = ""  # an AiActClass value, or NOT_SCREENED

    @classmethod
    def from_params(cls, params) -> DashboardFilters:
        """Read the filters from GET parameters, ignoring values that are not valid."""

        def as_id(name: str) -> int | None:
            return parse_id(params.get(name, ""))

        phase = params.get("phase", "")
        status = params.get("status", "")
        ai_act = params.get("ai_act", "")
        return cls(
            site=as_id("site"),
            business_unit=as_id("business_unit"),
            phase=phase if phase in Phase.values else "",
            status=status if status in Status.values else "",
            ai_act=ai_act if ai_act in dict(AI_ACT_CHOICES) else "",
        )

    def as_params(self) -> dict[str, str]:
        """The non-empty filters as GET parameters, for links that keep them."""
        values = {
            "site": self.site,
            "business_unit": self.business_unit,
            "phase": self.phase,
            "status": self.status,
            "ai_act": self.ai_act,
        }
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.as_params())


def dashboard_initiatives(user, filters: DashboardFilters) -> QuerySet[Initiative]:
    """The initiatives every figure is computed over: visible to the user, narrowed by filters."""
    qs = restrict_to_visible(user, Initiative.objects.all())
    if filters.site is not None:
        qs = qs.filter(site_id=filters.site)
    if filters.business_unit is not None:
        qs = qs.filter(business_unit_id=filters.business_unit)
    if filters.phase:
        qs = qs.filter(phase=filters.phase)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.ai_act:
        qs = qs.filter(ai_act_class="" if filters.ai_act == NOT_SCREENED else filters.ai_act)
    return qs


def initiative_ids(initiatives: QuerySet[Initiative]) -> QuerySet:
    """The initiatives as a subquery of ids (one SQL statement, never a Python list)."""
    return initiatives.order_by().values("pk")


def within(queryset: QuerySet, initiatives: QuerySet[Initiative]) -> QuerySet:
    """Rows of `queryset` that belong to the initiatives. The whole, unfiltered portfolio (what
    executives usually look at) needs no restriction, and the database is spared the join."""
    if not initiatives.query.has_filters():
        return queryset
    return queryset.filter(initiative__in=initiative_ids(initiatives))


# --- Portfolio readiness (heat map and table) ---------------------------------------------


# --- Funnel --------------------------------------------------------------------------------


# --- Time in IT partnership -----------------------------------------------------------------


# --- Partnership health ---------------------------------------------------------------------


# --- What blocks ------------------------------------------------------------------------------


# --- Everything at once -------------------------------------------------------------------------


# --- Export ---------------------------------------------------------------------------------------
