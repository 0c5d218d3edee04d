"""Fixtures and helpers shared by the IT review tests."""

import pytest

from initiatives.models import VendorCandidate
from reviews import services
from tests import factories


@pytest.fixture
def reviewed(users):
    """An initiative in review with `reviewer` assigned for all areas."""
    return factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )


def events(initiative, action=None):
    from audit.models import AuditEvent

    qs = AuditEvent.objects.filter(initiative=initiative)
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("id"))


def _evaluation(users, vendors, criteria):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    vendor_rows = [VendorCandidate.objects.create(initiative=initiative, name=n) for n in vendors]
    crit_rows = [
        services.save_criterion(initiative=initiative, user=users["reviewer"], name=n, weight=w)
        for n, w in criteria
    ]
    return initiative, vendor_rows, crit_rows


# --- The ready-for-build rule: an initiative that meets every condition, and each condition
# broken on its own (the pages, the service and the API read the same table) -------------------


@pytest.fixture
def ready(reviewed):
    """`reviewed` with every condition of "ready for build" met: all concerns satisfied,
    named roles confirmed, support model answered, not safety-critical."""
    factories.satisfied_assessments(reviewed)
    factories.acknowledge_roles(reviewed)
    reviewed.refresh_from_db()
    return reviewed


def _assessment(initiative, **values):
    from reviews.models import ConcernAssessment

    ConcernAssessment.objects.filter(initiative=initiative, area="security").update(**values)


def _role(initiative, role, status, reason=""):
    from initiatives.models import RoleAcknowledgement

    RoleAcknowledgement.objects.filter(initiative=initiative, role=role).update(
        status=status, reason=reason
    )


def _unnamed(initiative, field):
    from initiatives.models import Initiative

    Initiative.objects.filter(pk=initiative.pk).update(**{field: None})
    initiative.refresh_from_db()
    from initiatives.services import sync_role_acknowledgements

    sync_role_acknowledgements(initiative)


def _fields(initiative, **values):
    from initiatives.models import Initiative

    Initiative.objects.filter(pk=initiative.pk).update(**values)


def _fallback(initiative, users, result=None):
    import datetime

    _fields(initiative, safety_critical="yes")
    if result:
        services.record_fallback_test(
            initiative=initiative,
            user=users["sponsor"],
            tested_by="Shift supervisor",
            tested_on=datetime.date(2026, 11, 1),
            result=result,
        )


def _high_input(initiative, users, incorporated=False):
    item = factories.design_input(
        initiative=initiative, raised_by=users["reviewer"], severity="high", title="Residency"
    )
    if incorporated:
        services.transition_design_input(
            design_input=item, user=users["sponsor"], action="incorporate", text="EU region"
        )


# (case id, the condition it breaks, the breaking step, a word of the blocker's message)
GATE_BREAKERS = [
    ("not-started", "assessments", lambda i, u: _assessment(i, status="not_started"), "Security"),
    ("in-progress", "assessments", lambda i, u: _assessment(i, status="in_progress"), "Security"),
    ("needs-info", "assessments", lambda i, u: _assessment(i, status="needs_info"), "Security"),
    ("high-open", "design_inputs", lambda i, u: _high_input(i, u), "Residency"),
    (
        "high-unconfirmed",
        "design_inputs",
        lambda i, u: _high_input(i, u, incorporated=True),
        "awaiting IT confirmation",
    ),
    (
        "owner-pending",
        "named_roles",
        lambda i, u: _role(i, "decision_owner", "pending"),
        "decision owner has not confirmed",
    ),
    (
        "owner-declined",
        "named_roles",
        lambda i, u: _role(i, "decision_owner", "declined", "Not mine"),
        "decision owner declined",
    ),
    (
        "accountable-pending",
        "named_roles",
        lambda i, u: _role(i, "accountable", "pending"),
        "accountable person has not confirmed",
    ),
    (
        "no-owner",
        "named_roles",
        lambda i, u: _unnamed(i, "decision_owner"),
        "No decision owner named",
    ),
    (
        "no-accountable",
        "named_roles",
        lambda i, u: _unnamed(i, "accountable_person"),
        "No accountable person named",
    ),
    (
        "support-model",
        "support_model",
        lambda i, u: _fields(i, monitored_by=""),
        "who monitors it",
    ),
    (
        "no-fallback-test",
        "fallback_test",
        lambda i, u: _fallback(i, u),
        "no manual fallback test",
    ),
    (
        "failed-fallback-test",
        "fallback_test",
        lambda i, u: _fallback(i, u, "failed"),
        "failed",
    ),
]
GATE_IDS = [case[0] for case in GATE_BREAKERS]

# Variants that still meet the rule.
GATE_KEEPERS = [
    (
        "not-applicable",
        lambda i, u: _assessment(
            i, status="not_started", not_applicable_reason="No personal or plant data at all."
        ),
    ),
    ("passed-fallback-test", lambda i, u: _fallback(i, u, "passed")),
    (
        "medium-input-open",
        lambda i, u: factories.design_input(initiative=i, raised_by=u["reviewer"]),
    ),
]
