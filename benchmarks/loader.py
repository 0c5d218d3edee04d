"""A realistic, large portfolio written with bulk_create, for `manage.py bench`.

At the default scale (10,000 initiatives) it holds 60,000 concern assessments, 30,000 design
inputs and 5,000 working sessions, with the people, guardian permissions, review assignments,
decisions and audit events that go with them. Every count scales with `initiatives`; the same
seed gives the same data.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from governance.decisions.models import Decision, DecisionKind
from governance.sessions.models import Cadence, SessionStatus, WorkingSeries, WorkingSession
from initiatives.models import (
    BusinessUnit,
    DataAsset,
    DataClassification,
    Initiative,
    InitiativeUserObjectPermission,
    IntegrationPoint,
    Phase,
    RiskLevel,
    Site,
    Status,
    SystemType,
    VendorCandidate,
    YesNo,
)
from initiatives.roles import Role
from reviews.models import (
    AssessmentStatus,
    ConcernArea,
    ConcernAssessment,
    DesignInput,
    DesignInputStatus,
    ReviewAssignment,
    Severity,
)
from reviews.services.queue_facts import rebuild_queue_facts

BENCH_PASSWORD = "bench-not-a-secret"
BATCH = 2000
ASSESSMENTS_PER_INITIATIVE = len(ConcernArea.values)  # 7
DESIGN_INPUTS_PER_INITIATIVE = 3
SESSIONS_PER_SERIES = 5
SERIES_PER_INITIATIVE = 0.1  # 1,000 series x 5 = 5,000 sessions at 10,000 initiatives

STATUS_MIX = [
    (Status.DRAFT, 15),
    (Status.SUBMITTED, 20),
    (Status.IN_REVIEW, 45),
    (Status.READY_FOR_BUILD, 15),
    (Status.WITHDRAWN, 5),
]
SITES = ["Augsburg", "Brno", "Györ", "Kraków", "Linz", "Lyon", "Monterrey", "Pune", "Porto",
         "Shenyang", "Spartanburg", "Stuttgart", "Tianjin", "Timișoara", "Toluca", "Turin",
         "Ulm", "Valencia", "Wrocław", "Zwickau"]  # fmt: skip
UNITS = ["Body shop", "Paint shop", "Assembly", "Powertrain", "Quality", "Logistics",
         "Maintenance", "Procurement"]  # fmt: skip
TOPICS = ["Visual quality inspection", "Predictive maintenance", "Demand forecast",
          "Shift scheduling", "Weld seam analysis", "Supplier risk scoring", "Paint defect triage",
          "Warranty claim clustering", "Energy optimisation", "Tool wear prediction",
          "Maintenance copilot", "PPE compliance camera"]  # fmt: skip


# The people the benchmark signs in as (the first of each kind the loader creates).
BENCH_USERS = {
    "reviewer": "reviewer0000",
    "sponsor": "sponsor0000",
    "it_lead": "itlead0000",
    "executive": "exec0000",
}


@dataclass
class Dataset:
    """What was loaded: counts per table."""

    counts: dict[str, int] = field(default_factory=dict)


def scaled_counts(initiatives: int) -> dict[str, int]:
    """How many rows of each kind a portfolio of this size gets."""
    return {
        "initiatives": initiatives,
        "assessments": initiatives * ASSESSMENTS_PER_INITIATIVE,
        "design_inputs": initiatives * DESIGN_INPUTS_PER_INITIATIVE,
        "working_sessions": int(initiatives * SERIES_PER_INITIATIVE) * SESSIONS_PER_SERIES,
        "sponsors": max(3, initiatives // 25),
        "reviewers": max(2, initiatives // 250),
    }


def _progress(report: Callable[[str], None], label: str, done: int, total: int) -> None:
    report(f"  {label:<22} {done:>7}/{total:<7} {100 * done // max(total, 1):>3}%")


def _bulk(model, rows: list, report, label: str) -> list:
    """bulk_create in batches, printing progress after each batch; returns the saved rows."""
    saved = []
    for start in range(0, len(rows), BATCH):
        saved.extend(model.objects.bulk_create(rows[start : start + BATCH]))
        _progress(report, label, len(saved), len(rows))
    if not rows:
        _progress(report, label, 0, 0)
    return saved


@transaction.atomic
def load_dataset(
    initiatives: int = 10_000, *, seed: int = 8, report: Callable[[str], None] = print
) -> Dataset:
    """Load a portfolio of `initiatives` into an empty database (see module docstring)."""
    rng = random.Random(seed)
    counts = scaled_counts(initiatives)
    now = timezone.now()
    User = get_user_model()
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    password = make_password(BENCH_PASSWORD)

    def people(prefix: str, n: int, role: str) -> list:
        rows = [
            User(
                username=f"{prefix}{i:04d}",
                first_name=prefix.title(),
                last_name=f"{i:04d}",
                email=f"{prefix}{i:04d}@bench.example.com",
                password=password,
            )
            for i in range(n)
        ]
        users = _bulk(User, rows, report, f"users ({role})")
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=groups[role].pk) for u in users]
        )
        return users

    sponsors = people("sponsor", counts["sponsors"], Role.SPONSOR)
    reviewers = people("reviewer", counts["reviewers"], Role.REVIEWER)
    leads = people("itlead", 3, Role.IT_LEAD)
    people("exec", 5, Role.EXECUTIVE)
    plant_staff = people("plant", max(2, initiatives // 100), Role.SPONSOR)

    sites = [Site.objects.get_or_create(name=n, defaults={"country": "—"})[0] for n in SITES]
    units = [BusinessUnit.objects.get_or_create(name=n)[0] for n in UNITS]
    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]

    rows = []
    for i in range(initiatives):
        # 37 is prime to 100: even a tiny portfolio gets every status in the right proportion.
        status = statuses[(i * 37) % len(statuses)]
        submitted = status != Status.DRAFT
        phase = rng.choice(Phase.values)
        involved_phase = rng.choice([Phase.IDEA, Phase.IDEA, Phase.DESIGN, Phase.BUILD])
        rows.append(
            Initiative(
                title=f"{rng.choice(TOPICS)} #{i}",
                business_problem="Manual inspection misses defects and slows the line. " * 3,
                expected_value="Fewer escapes, less scrap, shorter changeovers.",
                site=rng.choice(sites),
                business_unit=rng.choice(units),
                phase=phase,
                target_decision_date=date.today() + timedelta(days=rng.randint(20, 300)),
                confidential=rng.random() < 0.1,
                sponsor=rng.choice(sponsors),
                decision_owner=rng.choice(plant_staff),
                accountable_person=rng.choice(plant_staff),
                output_actors="Line operators and the shift lead.",
                override_authority="Shift lead, at the station.",
                allowed_actions="Recommend; flag parts for manual check.",
                forbidden_actions="Stop the line; change recipes.",
                failure_fallback="Manual inspection as today.",
                safety_critical=rng.choice(YesNo.values),
                regulated=rng.choice(YesNo.values),
                sso_requirements="Company SSO (OIDC).",
                maintained_by="Plant IT",
                monitored_by="Central IT operations",
                update_process="Vendor release notes reviewed monthly.",
                status=status,
                submitted_at=now - timedelta(days=rng.randint(1, 400)) if submitted else None,
                it_first_involved_at=now - timedelta(days=rng.randint(1, 400))
                if submitted
                else None,
                phase_at_it_involvement=involved_phase if submitted else "",
                ready_for_build_at=now if status == Status.READY_FOR_BUILD else None,
                risk_level=rng.choice(
                    [RiskLevel.ON_TRACK] * 6 + [RiskLevel.AT_RISK] * 3 + [RiskLevel.BLOCKED]
                ),
            )
        )
    saved = _bulk(Initiative, rows, report, "initiatives")
    reviewed = [x for x in saved if x.status != Status.DRAFT]
    in_review = [x for x in saved if x.status == Status.IN_REVIEW]

    _bulk(
        DataAsset,
        [
            DataAsset(
                initiative=x,
                name="Camera images of parts",
                classification=rng.choice(DataClassification.values),
                personal_data=rng.random() < 0.2,
                storage_location="EU data centre",
            )
            for x in saved
        ],
        report,
        "data assets",
    )
    _bulk(
        IntegrationPoint,
        [
            IntegrationPoint(initiative=x, system_type=rng.choice(SystemType.values), name="MES")
            for x in saved
        ],
        report,
        "integrations",
    )
    _bulk(
        VendorCandidate,
        [VendorCandidate(initiative=x, name=f"Vendor {rng.randint(1, 40)}") for x in saved],
        report,
        "vendors",
    )

    # Who reviews what: one assigned reviewer per submitted initiative.
    reviewer_of = {x.pk: reviewers[i % len(reviewers)] for i, x in enumerate(reviewed)}
    lead = leads[0]
    _bulk(
        ReviewAssignment,
        [
            ReviewAssignment(initiative=x, reviewer=reviewer_of[x.pk], assigned_by=lead)
            for x in reviewed
        ],
        report,
        "review assignments",
    )

    # guardian rows, as services.grant_membership would write them.
    perm = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="initiatives",
            codename__in=["view_initiative", "change_initiative", "review_initiative"],
        )
    }
    grants = []
    for x in saved:
        for codename in ("view_initiative", "change_initiative"):
            grants.append(
                InitiativeUserObjectPermission(
                    user_id=x.sponsor_id, permission=perm[codename], content_object=x
                )
            )
    for x in reviewed:
        for codename in ("view_initiative", "review_initiative"):
            grants.append(
                InitiativeUserObjectPermission(
                    user=reviewer_of[x.pk], permission=perm[codename], content_object=x
                )
            )
    _bulk(InitiativeUserObjectPermission, grants, report, "guardian permissions")

    assessment_statuses = {
        Status.DRAFT: [AssessmentStatus.NOT_STARTED],
        Status.SUBMITTED: [AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS],
        Status.IN_REVIEW: list(AssessmentStatus.values),
        Status.READY_FOR_BUILD: [AssessmentStatus.SATISFIED],
        Status.WITHDRAWN: [AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS],
    }
    assessments = []
    for x in saved:
        for area in ConcernArea.values:
            status = rng.choice(assessment_statuses[x.status])
            scored = status != AssessmentStatus.NOT_STARTED
            assessments.append(
                ConcernAssessment(
                    initiative=x,
                    area=area,
                    status=status,
                    score=rng.randint(1, 5) if scored else None,
                    reviewer=reviewer_of.get(x.pk) if scored else None,
                    rationale="Reviewed against the plant IT baseline." if scored else "",
                    readiness=rng.randint(0, 100) if scored else None,
                )
            )
    _bulk(ConcernAssessment, assessments, report, "assessments")

    # Design inputs go where IT is involved, evenly over the submitted initiatives.
    total_inputs = counts["design_inputs"]
    inputs = []
    di_statuses = [
        DesignInputStatus.RAISED,
        DesignInputStatus.RAISED,
        DesignInputStatus.SOLUTION_PROPOSED,
        DesignInputStatus.INCORPORATED,
        DesignInputStatus.INCORPORATED,
        DesignInputStatus.RISK_ACCEPTED,
        DesignInputStatus.WITHDRAWN,
    ]
    for n in range(total_inputs if reviewed else 0):
        x = reviewed[n % len(reviewed)]
        status = rng.choice(di_statuses)
        resolved = status not in (DesignInputStatus.RAISED, DesignInputStatus.SOLUTION_PROPOSED)
        inputs.append(
            DesignInput(
                initiative=x,
                area=rng.choice(ConcernArea.values),
                title=f"Finding {n}: isolate the camera network from the office LAN",
                description="The cameras sit on the plant network next to the PLCs.",
                severity=rng.choice(Severity.values),
                owner_id=x.sponsor_id,
                due_date=date.today() + timedelta(days=rng.randint(-30, 90)),
                status=status,
                raised_by=reviewer_of[x.pk],
                resolved_at=now if resolved else None,
                resolution="Separate VLAN agreed." if resolved else "",
                accepted_by_id=x.sponsor_id if status == DesignInputStatus.RISK_ACCEPTED else None,
            )
        )
    _bulk(DesignInput, inputs, report, "design inputs")
    # bulk_create sends no signals: the review queue's facts are computed once for all.
    rebuild_queue_facts()

    # Standing working sessions: a series on some in-review initiatives, five sessions each.
    series_count = min(len(in_review), int(initiatives * SERIES_PER_INITIATIVE))
    series = _bulk(
        WorkingSeries,
        [
            WorkingSeries(
                initiative=x,
                cadence=Cadence.BIWEEKLY,
                weekday=rng.randint(0, 4),
                start_time=time(10, 0),
                starts_on=date.today() - timedelta(days=56),
                created_by=reviewer_of[x.pk],
                location="Teams",
            )
            for x in in_review[:series_count]
        ],
        report,
        "working series",
    )
    sessions = []
    for s in series:
        first = timezone.make_aware(datetime.combine(s.starts_on, s.start_time))
        for k in range(SESSIONS_PER_SERIES):
            slot = first + timedelta(days=14 * k)
            sessions.append(
                WorkingSession(
                    series=s,
                    initiative_id=s.initiative_id,
                    scheduled_for=slot,
                    starts_at=slot,
                    status=SessionStatus.HELD if slot < now else SessionStatus.PLANNED,
                    notes="Walked through the open design inputs." if slot < now else "",
                )
            )
    _bulk(WorkingSession, sessions, report, "working sessions")

    kinds = [DecisionKind.APPROVAL, DecisionKind.ARCHITECTURE, DecisionKind.ESCALATION]
    _bulk(
        Decision,
        [
            Decision(
                initiative=x,
                kind=rng.choice(kinds),
                summary="Go ahead with the on-premise variant.",
                decided_by=lead,
            )
            for x in reviewed[::5]
        ],
        report,
        "decisions",
    )
    return Dataset(
        counts={
            "initiatives": len(saved),
            "assessments": len(assessments),
            "design_inputs": len(inputs),
            "working_sessions": len(sessions),
            "users": User.objects.count(),
            "guardian_rows": len(grants),
        }
    )
