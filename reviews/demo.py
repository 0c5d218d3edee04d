"""Demo data of the IT review, created through the services as reviewers and sponsors would."""

from datetime import timedelta

from django.utils import timezone

from initiatives.models import Initiative
from reviews.services.design_inputs import DesignInputAction

from . import services
from .models import AssessmentStatus as A
from .models import ConcernArea as C
from .models import ConcernAssessment, DesignInput, FallbackTestResult, Severity

# initiative key: [(reviewer, concern area or "")]
ASSIGNMENTS = {
    "vqi": [("ravi", ""), ("jonas", C.ARCHITECTURE)],
    "pdm": [("jonas", "")],
    "dfc": [("ravi", ""), ("jonas", C.VENDOR)],
    "air": [("jonas", "")],
    "weld": [("ravi", "")],
    "ppe": [("ravi", ""), ("jonas", C.SECURITY)],
    "sched": [("jonas", "")],
    "paint": [("ravi", "")],
}

# key: [(area, reviewer, [(score, status, rationale), ...])] — several entries keep a history.
ASSESSMENTS = {
    "vqi": [
        (
            C.SECURITY,
            "ravi",
            [
                (
                    3,
                    A.IN_PROGRESS,
                    "Images stay on the edge server; vendor cloud training unclear.",
                ),
                (
                    4,
                    A.NEEDS_INFO,
                    "LandingLens trains in a US cloud region: residency not yet solved.",
                ),
            ],
        ),
        (
            C.ARCHITECTURE,
            "jonas",
            [
                (3, A.IN_PROGRESS, "Direct MES database writes proposed."),
                (2, A.SATISFIED, "Verdicts now go through the Opcenter integration layer."),
            ],
        ),
        (
            C.OWNERSHIP,
            "ravi",
            [(2, A.SATISFIED, "Quality manager accountable; supervisor overrides.")],
        ),
        (C.VENDOR, "ravi", [(3, A.IN_PROGRESS, "Comparing exit options of the three candidates.")]),
        (
            C.EXPLAINABILITY,
            "ravi",
            [
                (4, A.NEEDS_INFO, "Operators see pass/fail only: no defect heat map, no score."),
                (2, A.SATISFIED, "Defect overlay and confidence shown; overrides logged in MES."),
            ],
        ),
    ],
    "pdm": [
        (C.SECURITY, "jonas", [(4, A.NEEDS_INFO, "Analytics tool ships with local accounts.")]),
        (C.PERFORMANCE, "jonas", [(2, A.SATISFIED, "Fallback is today's fixed-interval plan.")]),
        (
            C.ARCHITECTURE,
            "jonas",
            [(2, A.IN_PROGRESS, "Reads PI through the standard PI Web API.")],
        ),
    ],
    "dfc": [
        (
            C.VENDOR,
            "jonas",
            [
                (5, A.NEEDS_INFO, "No exit plan; forecasts locked in vendor format."),
                (3, A.IN_PROGRESS, "Sponsor added an export clause; awaiting confirmation."),
            ],
        ),
        (C.SECURITY, "ravi", [(3, A.IN_PROGRESS, "Installed base holds personal data.")]),
        (C.GOVERNANCE, "ravi", [(2, A.SATISFIED, "Forecast overrides are logged in IBP.")]),
    ],
    "ppe": [
        (C.PERFORMANCE, "ravi", [(5, A.NEEDS_INFO, "Detection must never be the only safeguard.")]),
        (C.SECURITY, "jonas", [(4, A.IN_PROGRESS, "Regulated video of employees.")]),
        (C.GOVERNANCE, "ravi", [(4, A.NEEDS_INFO, "Works council agreement needed.")]),
        (
            C.EXPLAINABILITY,
            "ravi",
            [(4, A.IN_PROGRESS, "Supervisors cannot see why an alert fired; overrides unlogged.")],
        ),
    ],
    "weld": [
        (C.PERFORMANCE, "ravi", [(3, A.IN_PROGRESS, "False reject rate unknown.")]),
        (C.EXPLAINABILITY, "ravi", [(3, A.IN_PROGRESS, "No model card from the vendor yet.")]),
    ],
    "air": [(C.ARCHITECTURE, "jonas", [(2, A.SATISFIED, "Uses the existing historian.")])],
    "sched": [(C.ARCHITECTURE, "jonas", [(2, A.SATISFIED, "Standard APS connector to SAP.")])],
    "paint": [
        (C.PERFORMANCE, "ravi", [(1, A.SATISFIED, "Advisory only; manual mode is today's.")]),
        (C.EXPLAINABILITY, "ravi", [(2, A.SATISFIED, "Recipe advice shows the drivers.")]),
    ],
}

# key: (area, severity, title, description, raised by, owner, [(action, actor, text, extra)])
DESIGN_INPUTS = {
    "vqi": [
        (
            C.SECURITY,
            Severity.HIGH,
            "Data residency: inspection images must stay in the EU plant network",
            "Training in a vendor cloud outside the EU is not allowed for production images.",
            "ravi",
            "sofia",
            [
                (
                    "propose",
                    "sofia",
                    "Train on the edge GPU in Augsburg; vendor gets anonymised "
                    "samples only, stored in the EU tenant.",
                    None,
                )
            ],
        ),
        (
            C.ARCHITECTURE,
            Severity.MEDIUM,
            "Write verdicts through the MES integration layer",
            "No direct writes into the Opcenter database.",
            "jonas",
            "sofia",
            [
                (
                    "incorporate",
                    "sofia",
                    "Verdicts are posted to the Opcenter REST integration "
                    "service per serial number.",
                    None,
                ),
                ("confirm", "jonas", "", None),
            ],
        ),
        (
            C.PERFORMANCE,
            Severity.LOW,
            "Show 'AI offline' at the station",
            "Operators must see when the model is not running.",
            "ravi",
            None,
            [],
        ),
    ],
    "pdm": [
        (
            C.SECURITY,
            Severity.HIGH,
            "SSO: use Corporate Entra ID, no local accounts",
            "The analytics tool's local accounts bypass leaver processes.",
            "jonas",
            "marco",
            [],
        ),
        (
            C.PERFORMANCE,
            Severity.LOW,
            "Model drift monitoring",
            "Drift alerts would need a new monitoring stack.",
            "jonas",
            None,
            [
                (
                    "accept_risk",
                    "lena",
                    "Monthly manual review by reliability engineering is "
                    "sufficient for a 6-month pilot.",
                    None,
                )
            ],
        ),
    ],
    "dfc": [
        (
            C.VENDOR,
            Severity.HIGH,
            "Exit plan: export forecasts and features in an open format",
            "Without an export we are locked into one vendor's planning format.",
            "jonas",
            "priya",
            [
                ("propose", "priya", "Contract clause: full export as Parquet on request.", None),
                (
                    "incorporate",
                    "priya",
                    "Clause 14.3 added to the RFP; nightly export to the EU data lake designed in.",
                    None,
                ),
            ],
        ),
        (
            C.SECURITY,
            Severity.MEDIUM,
            "Pseudonymise personal data in the installed base",
            "Customer contact data is not needed for forecasting.",
            "ravi",
            "priya",
            [
                (
                    "propose",
                    "priya",
                    "Drop contact fields in the extract; keep site and product.",
                    None,
                )
            ],
        ),
        (
            C.ARCHITECTURE,
            Severity.LOW,
            "Second data lake",
            "A separate vendor lake duplicates the EU West lake.",
            "ravi",
            None,
            [("withdraw", "ravi", "Vendor confirmed it reads from our lake directly.", None)],
        ),
    ],
    "ppe": [
        (
            C.PERFORMANCE,
            Severity.HIGH,
            "Safety fallback: detection is never the only safeguard",
            "If cameras fail, press-shop access rules must still apply.",
            "ravi",
            "marco",
            [],
        ),
        (
            C.GOVERNANCE,
            Severity.HIGH,
            "Works council agreement for camera analytics",
            "Regulated video of employees needs an agreement before pilot.",
            "ravi",
            "marco",
            [
                (
                    "propose",
                    "marco",
                    "Blurred faces, no identification, coaching only; "
                    "agreement draft sent to the works council.",
                    None,
                )
            ],
        ),
        (
            C.ARCHITECTURE,
            Severity.LOW,
            "Duplicate alerting platform",
            "Vendor brings its own alerting app.",
            "jonas",
            None,
            [("withdraw", "ravi", "Alerts go to the existing EHS app via webhook.", None)],
        ),
    ],
    "weld": [
        (
            C.PERFORMANCE,
            Severity.MEDIUM,
            "Measure false rejects before go-live",
            "Unknown false reject rate could block the line.",
            "ravi",
            "sofia",
            [],
        ),
    ],
}

VENDOR_SCORES = {
    # vendor name: scores for the default criteria, in DEFAULT_CRITERIA order
    "vqi": {
        "Cognex": [4, 4, 3, 3, 5],
        "Landing AI": [3, 3, 4, 2, 3],
        "In-house": [4, 5, 5, 5, 4],
    },
    "dfc": {
        "o9 Solutions": [4, 3, 4, 3, 4],
        "Blue Yonder": [4, 3, 3, 2, 4],
        "SAP": [5, 5, 5, 3, 5],
    },
}

# key: [(integration name, owner, notes, [decisions])]
COMPONENTS = {
    "vqi": [
        (
            "Siemens Opcenter MES",
            "jonas",
            "Verdicts via the Opcenter integration service; "
            "one message per serial; retries on the edge box.",
            ["No direct database access to Opcenter."],
        ),
        (
            "Corporate Entra ID",
            "ravi",
            "Operators sign in with plant badges mapped to Entra ID.",
            ["Plant roles come from Entra ID groups; no local accounts."],
        ),
    ],
    "pdm": [("AVEVA PI Server Brno", "jonas", "Read-only PI Web API account per site.", [])],
    "dfc": [
        (
            "SAP S/4HANA",
            "ravi",
            "Orders read via CDS views; forecast written to IBP.",
            ["Forecast written back only through IBP, never to S/4 tables."],
        )
    ],
}


def load(context: dict) -> None:
    users = context["users"]
    initiatives = context["initiatives"]
    lead = users["lena"]
    for key, rows in ASSIGNMENTS.items():
        for username, area in rows:
            services.assign_reviewer(
                initiative=initiatives[key], reviewer=users[username], concern_area=area, user=lead
            )
    for key, rows in ASSESSMENTS.items():
        for area, username, steps in rows:
            assessment = ConcernAssessment.objects.get(initiative=initiatives[key], area=area)
            for score, status, rationale in steps:
                assessment = services.update_assessment(
                    assessment=assessment,
                    user=users[username],
                    score=score,
                    status=status,
                    rationale=rationale,
                )
    now = timezone.now()
    for key, rows in DESIGN_INPUTS.items():
        for n, (area, severity, title, description, raiser, owner, steps) in enumerate(rows):
            item = services.raise_design_input(
                initiative=initiatives[key],
                user=users[raiser],
                area=area,
                title=title,
                severity=severity,
                description=description,
                owner=users[owner] if owner else None,
            )
            for action, actor, text, accepted_by in steps:
                item = services.transition_design_input(
                    design_input=item,
                    user=users[actor],
                    action=DesignInputAction(action),
                    text=text,
                    accepted_by=users[accepted_by] if accepted_by else None,
                )
            # Findings arrive over the weeks after submission, so ages on queues look real.
            submitted = initiatives[key].submitted_at or now
            raised_at = min(now - timedelta(days=2 + n), submitted + timedelta(days=9 + 12 * n))
            DesignInput.objects.filter(pk=item.pk).update(created_at=raised_at)
    for key, vendors in VENDOR_SCORES.items():
        initiative = initiatives[key]
        criteria = services.add_default_criteria(initiative=initiative, user=users["ravi"])
        for vendor in initiative.vendors.all():
            for criterion, score in zip(criteria, vendors[vendor.name], strict=True):
                services.score_vendor(
                    criterion=criterion, vendor=vendor, user=users["ravi"], score=score
                )
    for key, rows in COMPONENTS.items():
        for name, owner, notes, decisions in rows:
            point = initiatives[key].integrations.get(name=name)
            component = services.assign_component_owner(
                integration=point, owner=users[owner], user=lead
            )
            component = services.update_component_notes(
                component=component, user=users[owner], design_notes=notes
            )
            for text in decisions:
                services.add_component_decision(component=component, user=users[owner], text=text)
    make_ready(context)
    _fallback_tests(context)


# Concerns ruled out by an IT lead, with the reason: {initiative key: {area: reason}}.
NOT_APPLICABLE = {
    "paint": {
        C.VENDOR: "Built in-house on the corporate ML platform by the plant digital team; "
        "no vendor to lock in."
    },
}


def make_ready(context: dict) -> None:
    """The demo's ready-for-build initiatives pass the rule as users would: the reviewer
    completes the remaining assessments (or the IT lead rules one out), then IT marks it."""
    users, initiatives = context["users"], context["initiatives"]
    lead = users["lena"]
    for key, ready_at in context.get("ready_for_build", {}).items():
        initiative = initiatives[key]
        reviewer = users[ASSIGNMENTS[key][0][0]]
        for assessment in ConcernAssessment.objects.filter(initiative=initiative):
            reason = NOT_APPLICABLE.get(key, {}).get(assessment.area)
            if reason:
                services.mark_not_applicable(assessment=assessment, user=lead, reason=reason)
            elif not assessment.counts_as_assessed:
                services.update_assessment(
                    assessment=assessment,
                    user=reviewer,
                    score=2,
                    status=A.SATISFIED,
                    rationale="Reviewed with the plant team in the working session: no open "
                    "concern.",
                )
        initiative = services.mark_ready_for_build(initiative=initiative, user=lead)
        Initiative.objects.filter(pk=initiative.pk).update(ready_for_build_at=ready_at)
        initiatives[key] = Initiative.objects.get(pk=initiative.pk)


def _fallback_tests(context: dict) -> None:
    """The safety-critical initiatives' manual fallbacks: one tested and held, one failed."""
    users, initiatives = context["users"], context["initiatives"]
    today = timezone.localdate()
    services.record_fallback_test(
        initiative=initiatives["cobot"],
        user=users["sofia"],
        tested_by="Shift supervisor, cell 4 (night shift)",
        tested_on=today - timedelta(days=12),
        result=FallbackTestResult.PASSED,
        notes="Vision off for a full shift: the cell ran with light curtains and manual checks.",
    )
    services.record_fallback_test(
        initiative=initiatives["ppe"],
        user=users["marco"],
        tested_by="EHS coordinator, Brno",
        tested_on=today - timedelta(days=5),
        result=FallbackTestResult.FAILED,
        notes="With the cameras off, nobody was assigned to the gate checks for 40 minutes.",
    )
