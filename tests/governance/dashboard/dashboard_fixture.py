"""A small portfolio with hand-computed dashboard figures (see EXPECTED), shared by the
dashboard tests and the browser test.

    A  S1 Quality     design  ready_for_build  submitted 10 Jan, ready 19 Feb (40 d)  IT in idea
    B  S1 Maintenance build   ready_for_build  submitted  5 Feb, ready 15 Feb (10 d)  IT in vendor
    C  S2 Quality     pilot   ready_for_build  submitted  1 Feb, ready  3 Mar (30 d)  IT in design
    D  S2 Maintenance design  in_review        submitted  1 Mar                       IT in design
    E  S1 Quality     idea    draft
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time

from governance.decisions.models import Decision
from governance.sessions.models import WorkingSeries, WorkingSession
from initiatives.models import Initiative
from reviews.models import ConcernAssessment, DesignInput
from tests import factories


def at(month: int, day: int, year: int = 2026) -> datetime:
    # Noon UTC: the same calendar day and month in Europe/Berlin.
    return datetime(year, month, day, 12, tzinfo=UTC)


NOW = at(3, 20)
TODAY = NOW.date()

EXPECTED = {
    "by_phase": {
        "idea": 1,
        "design": 2,
        "vendor_selection": 0,
        "build": 1,
        "pilot": 1,
        "production": 0,
    },
    "by_status": {
        "draft": 1,
        "submitted": 0,
        "in_review": 1,
        "ready_for_build": 3,
        "withdrawn": 0,
    },
    # days 40, 10, 30 → median 30; February: 40 and 10 → 25; March: 30.
    "median_days": 30.0,
    "by_month": {"2026-01": (0, None), "2026-02": (2, 25.0), "2026-03": (1, 30.0)},
    # IT involved: A, B, C, D; early (idea/design): A, C, D.
    "involved": 4,
    "early": 3,
    "late": 1,
    "early_share": 0.75,
    "escalations": 2,
    "incorporated": 3,
    # Held 1 Feb (A), 1, 8, 15 Mar (D); planned 18 Mar is past, 25 Mar is not; 11 Mar cancelled.
    "sessions_held": 4,
    "sessions_planned_past": 1,
    "sessions_cancelled": 1,
    "sessions_share": 0.8,
    # Open high-severity inputs, oldest first: D vendor (20 Feb), C governance (25 Feb),
    # D security (2 Mar).
    "blockers": ["D: vendor lock-in", "C: model approval", "D: camera data leaves plant"],
}


@dataclass
class Portfolio:
    a: Initiative
    b: Initiative
    c: Initiative
    d: Initiative
    e: Initiative
    s1: object
    s2: object
    quality: object
    maintenance: object

    @property
    def all(self) -> list[Initiative]:
        return [self.a, self.b, self.c, self.d, self.e]


def _initiative(sponsor, title, site, unit, phase, status, **fields) -> Initiative:
    return Initiative.objects.create(
        title=title,
        sponsor=sponsor,
        site=site,
        business_unit=unit,
        phase=phase,
        status=status,
        **fields,
    )


def _input(initiative, area, title, severity, status, created, users, **fields) -> DesignInput:
    item = DesignInput.objects.create(
        initiative=initiative,
        area=area,
        title=title,
        severity=severity,
        status=status,
        owner=fields.pop("owner", users["reviewer"]),
        raised_by=users["reviewer"],
        **fields,
    )
    DesignInput.objects.filter(pk=item.pk).update(created_at=created)
    return item


def _sessions(initiative, users, slots) -> None:
    series = WorkingSeries.objects.create(
        initiative=initiative,
        weekday=2,
        start_time=time(10),
        starts_on=slots[0][0].date(),
        created_by=users["it_lead"],
    )
    for starts_at, status in slots:
        WorkingSession.objects.create(
            series=series,
            initiative=initiative,
            scheduled_for=starts_at,
            starts_at=starts_at,
            status=status,
        )


def build(users) -> Portfolio:
    s1 = factories.SiteFactory(name="Augsburg Plant")
    s2 = factories.SiteFactory(name="Brno Plant")
    quality = factories.BusinessUnitFactory(name="Quality")
    maintenance = factories.BusinessUnitFactory(name="Maintenance")
    sponsor, other = users["sponsor"], users["other_sponsor"]
    a = _initiative(
        sponsor,
        "A Visual inspection",
        s1,
        quality,
        "design",
        "ready_for_build",
        submitted_at=at(1, 10),
        it_first_involved_at=at(1, 10),
        phase_at_it_involvement="idea",
        ready_for_build_at=at(2, 19),
        risk_level="on_track",
    )
    b = _initiative(
        other,
        "B Predictive maintenance",
        s1,
        maintenance,
        "build",
        "ready_for_build",
        submitted_at=at(2, 5),
        it_first_involved_at=at(2, 5),
        phase_at_it_involvement="vendor_selection",
        ready_for_build_at=at(2, 15),
        risk_level="at_risk",
    )
    c = _initiative(
        sponsor,
        "C Demand forecasting",
        s2,
        quality,
        "pilot",
        "ready_for_build",
        submitted_at=at(2, 1),
        it_first_involved_at=at(2, 1),
        phase_at_it_involvement="design",
        ready_for_build_at=at(3, 3),
        risk_level="at_risk",
        confidential=True,
    )
    d = _initiative(
        other,
        "D PPE detection",
        s2,
        maintenance,
        "design",
        "in_review",
        submitted_at=at(3, 1),
        it_first_involved_at=at(3, 1),
        phase_at_it_involvement="design",
        risk_level="blocked",
    )
    e = _initiative(sponsor, "E Shop-floor copilot", s1, quality, "idea", "draft")

    for area, readiness in [
        ("security", 80),
        ("ownership", 100),
        ("architecture", 0),
        ("governance", None),
        ("performance", 60),
    ]:
        ConcernAssessment.objects.create(
            initiative=a, area=area, readiness=readiness, status="in_progress"
        )
    ConcernAssessment.objects.create(
        initiative=d, area="security", readiness=20, status="in_progress"
    )
    # Not started: a computed starting value, but not assessed (not a poor readiness).
    ConcernAssessment.objects.create(initiative=d, area="vendor", readiness=20)

    _input(a, "security", "A: SSO via Entra", "high", "incorporated", at(1, 20), users)
    _input(a, "architecture", "A: MES write API", "medium", "incorporated", at(1, 25), users)
    _input(d, "governance", "D: works council", "medium", "incorporated", at(3, 2), users)
    _input(
        d,
        "performance",
        "D: latency accepted",
        "low",
        "risk_accepted",
        at(3, 3),
        users,
        accepted_by=users["executive"],
    )
    _input(d, "vendor", "D: vendor lock-in", "high", "solution_proposed", at(2, 20), users)
    _input(c, "governance", "C: model approval", "high", "raised", at(2, 25), users, owner=None)
    _input(d, "security", "D: camera data leaves plant", "high", "raised", at(3, 2), users)
    _input(c, "performance", "C: peak load", "medium", "raised", at(2, 26), users)
    _input(b, "vendor", "B: exit clause", "high", "withdrawn", at(2, 6), users)

    for initiative, kind in [(b, "escalation"), (d, "escalation"), (a, "approval")]:
        Decision.objects.create(
            initiative=initiative,
            kind=kind,
            summary=f"{kind} on {initiative.title}",
            rationale="Sponsor and IT disagree on hosting." if kind == "escalation" else "",
            decided_by=users["executive"],
        )

    _sessions(a, users, [(at(2, 1), "held")])
    _sessions(
        d,
        users,
        [
            (at(3, 1), "held"),
            (at(3, 8), "held"),
            (at(3, 11), "cancelled"),
            (at(3, 15), "held"),
            (at(3, 18), "planned"),
            (at(3, 25), "planned"),
        ],
    )
    return Portfolio(a, b, c, d, e, s1, s2, quality, maintenance)
