"""The drill-down lists of the readiness dashboard: the rows behind each number and chart cell,
selected with the same criteria the figure in `figures` counted, always through
the user's visibility."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.query_params import parse_id
from core.wording import in_sentence
from governance.decisions.models import Decision
from governance.sessions.models import SessionStatus, WorkingSession
from initiatives.models import EARLY_PHASES, Initiative, RiskLevel, Status
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    ConcernArea,
    DesignInput,
    DesignInputStatus,
    Severity,
)

from .figures import escalations, partnership_route_taken, vendor_selected_before_it
from .filters import DashboardFilters, dashboard_initiatives, initiative_ids
from .portfolio import READINESS_BANDS, assessed_concerns


def one_of(params, name: str, allowed) -> str:
    """The link's value of `name` if it is one of `allowed`, else "" (a missing and an invalid
    value read alike: the list is not narrowed by it)."""
    value = params.get(name)
    return value if value in allowed else ""


@dataclass(frozen=True)
class InitiativeCriteria:
    """Extra criteria of an initiative drill-down, each matching one figure of the dashboard."""

    risk: str = ""  # a RiskLevel (drafts excluded, as in the funnel)
    involvement: str = ""  # "early", "late" or "involved"
    ready_month: str = ""  # "YYYY-MM": reached ready for build that month (partnership time)
    reached_ready: bool = False  # every initiative counted in the partnership time
    area: str = ""  # with band: readiness of that concern area in that band
    band: str = ""
    vendor_before_it: bool = False  # a vendor selected before IT scored it

    @classmethod
    def from_params(cls, params) -> InitiativeCriteria:
        month = params.get("ready_month", "")
        digits = month.replace("-", "")
        valid_month = len(month) == 7 and month[4] == "-" and digits.isascii() and digits.isdigit()
        return cls(
            risk=one_of(params, "risk", RiskLevel.values),
            involvement=one_of(params, "involvement", ("early", "late", "involved")),
            ready_month=month if valid_month else "",
            reached_ready=params.get("reached_ready") == "1",
            area=one_of(params, "area", ConcernArea.values),
            band=one_of(params, "band", READINESS_BANDS),
            vendor_before_it=params.get("vendor_before_it") == "1",
        )

    def describe(self) -> list[str]:
        """What the list is narrowed to, in words, for the page heading."""
        parts = []
        if self.risk:
            parts.append(gettext("risk: %(level)s") % {"level": RiskLevel(self.risk).label})
        if self.involvement == "early":
            parts.append(gettext("IT involved in idea or design"))
        elif self.involvement == "late":
            parts.append(gettext("IT involved after vendor selection or design"))
        elif self.involvement == "involved":
            parts.append(gettext("IT involved"))
        if self.ready_month:
            parts.append(gettext("ready for build in %(month)s") % {"month": self.ready_month})
        if self.reached_ready:
            parts.append(gettext("reached ready for build"))
        if self.vendor_before_it:
            parts.append(gettext("vendor selected before IT assessment"))
        if self.area and self.band:
            label = ConcernArea(self.area).label
            if self.band == "none":
                parts.append(gettext("%(area)s not assessed") % {"area": label})
            else:
                low, high = READINESS_BANDS[self.band]
                parts.append(
                    gettext("%(area)s readiness %(low)s–%(high)s")
                    % {"area": label, "low": low, "high": high}
                )
        return parts


def drilldown_initiatives(
    user, filters: DashboardFilters, criteria: InitiativeCriteria
) -> QuerySet[Initiative]:
    """The initiatives behind a funnel bar, a risk count, an involvement share or a month."""
    qs = dashboard_initiatives(user, filters).select_related("site", "business_unit", "sponsor")
    if criteria.risk:
        qs = qs.filter(risk_level=criteria.risk).exclude(status=Status.DRAFT)
    if criteria.involvement == "early":
        qs = qs.filter(phase_at_it_involvement__in=list(EARLY_PHASES))
    elif criteria.involvement == "late":
        qs = qs.exclude(phase_at_it_involvement="").exclude(
            phase_at_it_involvement__in=list(EARLY_PHASES)
        )
    elif criteria.involvement == "involved":
        qs = qs.exclude(phase_at_it_involvement="")
    if criteria.ready_month or criteria.reached_ready:
        qs = qs.filter(submitted_at__isnull=False, ready_for_build_at__isnull=False)
    if criteria.ready_month:
        year, month = (int(p) for p in criteria.ready_month.split("-"))
        tz = timezone.get_current_timezone()
        start = datetime(year, month, 1, tzinfo=tz)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
        qs = qs.filter(ready_for_build_at__gte=start, ready_for_build_at__lt=end)
    if criteria.vendor_before_it:
        qs = vendor_selected_before_it(qs)
    if criteria.area and criteria.band:
        low, high = READINESS_BANDS[criteria.band]
        if criteria.band == "none":
            # Not assessed: no assessment row for the area, one IT has not started, or one
            # without a readiness yet.
            assessed = (
                assessed_concerns()
                .filter(area=criteria.area, readiness__isnull=False)
                .values("initiative_id")
            )
            qs = qs.exclude(pk__in=assessed)
        else:
            banded = (
                assessed_concerns()
                .filter(area=criteria.area, readiness__gte=low, readiness__lte=high)
                .values("initiative_id")
            )
            qs = qs.filter(pk__in=banded)
    return qs.order_by("pk")


@dataclass(frozen=True)
class DesignInputCriteria:
    """Which design inputs a drill-down lists: open high-severity blockers, incorporated ones,
    or one initiative's inputs in one concern area (a heat-map cell)."""

    state: str = ""  # "open", "blocking" (open + high), or a DesignInputStatus
    area: str = ""
    initiative: int | None = None
    route_taken: bool = False  # raised for a working session instead of an escalation

    @classmethod
    def from_params(cls, params) -> DesignInputCriteria:
        return cls(
            state=one_of(params, "state", ("open", "blocking", *DesignInputStatus.values)),
            area=one_of(params, "area", ConcernArea.values),
            initiative=parse_id(params.get("initiative")),
            route_taken=params.get("route") == "taken",
        )

    def describe(self) -> list[str]:
        parts = []
        if self.state == "blocking":
            parts.append(gettext("open, high severity"))
        elif self.state == "open":
            parts.append(gettext("open"))
        elif self.state:
            parts.append(in_sentence(DesignInputStatus(self.state).label))
        if self.area:
            parts.append(str(ConcernArea(self.area).label))
        if self.route_taken:
            parts.append(gettext("raised for a working session instead of an escalation"))
        return parts


def drilldown_design_inputs(
    user, filters: DashboardFilters, criteria: DesignInputCriteria
) -> QuerySet[DesignInput]:
    """The design inputs behind the blockers list, the "incorporated" bar or a heat-map cell,
    oldest first."""
    initiatives = dashboard_initiatives(user, filters)
    if criteria.initiative is not None:
        initiatives = initiatives.filter(pk=criteria.initiative)
    qs = DesignInput.objects.filter(initiative__in=initiative_ids(initiatives))
    if criteria.route_taken:
        qs = partnership_route_taken(initiatives)
    if criteria.state == "blocking":
        qs = qs.filter(status__in=OPEN_DESIGN_INPUT_STATUSES, severity=Severity.HIGH)
    elif criteria.state == "open":
        qs = qs.filter(status__in=OPEN_DESIGN_INPUT_STATUSES)
    elif criteria.state:
        qs = qs.filter(status=criteria.state)
    if criteria.area:
        qs = qs.filter(area=criteria.area)
    return qs.select_related("initiative", "owner").order_by("created_at", "pk")


def drilldown_escalations(
    user, filters: DashboardFilters, after_offer: bool = False
) -> QuerySet[Decision]:
    """The escalations to executives (decisions of kind "escalation"), newest first; with
    `after_offer` those recorded after the partnership route was offered."""
    return escalations(dashboard_initiatives(user, filters), after_offer=after_offer)


SESSION_STATES = {
    "held": _("held"),
    "planned_past": _("planned, time passed, not recorded as held"),
    "cancelled": _("cancelled"),
}


def drilldown_sessions(
    user, filters: DashboardFilters, state: str, now: datetime | None = None
) -> QuerySet[WorkingSession]:
    """The working sessions behind "held", "planned (past)" or "cancelled", newest first."""
    now = now or timezone.now()
    qs = WorkingSession.objects.filter(
        initiative__in=initiative_ids(dashboard_initiatives(user, filters))
    )
    if state == "held":
        qs = qs.filter(status=SessionStatus.HELD)
    elif state == "planned_past":
        qs = qs.filter(status=SessionStatus.PLANNED, starts_at__lt=now)
    elif state == "cancelled":
        qs = qs.filter(status=SessionStatus.CANCELLED)
    return qs.select_related("initiative").order_by("-starts_at", "-pk")
