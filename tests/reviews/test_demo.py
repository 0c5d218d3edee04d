"""The demo loads through the services and shows every design-input state."""

import pytest

from reviews.models import (
    ComponentOwnership,
    DesignInputStatus,
    ReviewAssignment,
    Severity,
    VendorScore,
)
from reviews.selectors import blocking_design_inputs, review_queue, vendor_comparison

pytestmark = pytest.mark.django_db


def test_demo_data_covers_the_review_features():
    from initiatives import demo as initiatives_demo
    from reviews import demo

    context: dict = {}
    initiatives_demo.load(context)
    demo.load(context)
    initiatives, users = context["initiatives"], context["users"]

    assert ReviewAssignment.objects.filter(reviewer=users["ravi"]).exists()
    assert ReviewAssignment.objects.filter(reviewer=users["jonas"]).exists()
    statuses = set(initiatives["vqi"].design_inputs.model.objects.values_list("status", flat=True))
    assert statuses == set(DesignInputStatus.values)
    assert blocking_design_inputs(initiatives["ppe"])  # open high-severity safety fallback
    assert all(d.severity == Severity.HIGH for d in blocking_design_inputs(initiatives["dfc"]))
    for key in ("vqi", "dfc"):
        _, rows = vendor_comparison(initiatives[key])
        assert len(rows) == 3 and all(r.complete for r in rows)
    assert VendorScore.objects.count() == 30
    assert ComponentOwnership.objects.count() == 4
    assert review_queue(users["ravi"], tab="all").counts["all"] >= 3
    assert review_queue(users["lena"], tab="new").counts["new"] >= 1
    # The named people: most confirmed, one still to confirm, one declined with a reason.
    from initiatives.models import RoleAcknowledgement

    acks = RoleAcknowledgement.objects.all()
    assert set(acks.values_list("status", flat=True)) == {"acknowledged", "pending", "declined"}
    assert acks.filter(status="acknowledged").count() > acks.exclude(status="acknowledged").count()
    assert acks.get(status="declined").reason


def test_the_demo_ready_for_build_initiatives_meet_the_rule():
    """After the whole demo (a change request re-opens concerns of one of them, which its
    reviewer assesses again), every initiative ready for build meets the rule."""
    import governance.demo
    from initiatives import demo as initiatives_demo
    from initiatives.models import Initiative
    from reviews import demo
    from reviews.services import ready_for_build_blockers

    context: dict = {}
    for part in (initiatives_demo, demo, governance.demo):
        part.load(context)
    ready = Initiative.objects.filter(status="ready_for_build")
    assert ready.count() == 2
    assert all(ready_for_build_blockers(i) == [] for i in ready)


def test_demo_data_shows_explainability_answers_and_assessments():
    from governance.risk.services import recompute
    from initiatives import demo as initiatives_demo
    from reviews import demo
    from reviews.models import ConcernAssessment

    context: dict = {}
    initiatives_demo.load(context)
    demo.load(context)
    initiatives = context["initiatives"]

    vqi, ppe = initiatives["vqi"], initiatives["ppe"]
    vqi.refresh_from_db()
    ppe.refresh_from_db()
    assert vqi.override_logged == "yes" and vqi.model_documentation
    assert ppe.override_logged == "no" and not ppe.output_explanation
    explained = ConcernAssessment.objects.get(initiative=vqi, area="explainability")
    assert (explained.status, explained.score) == ("satisfied", 2)
    assert explained.score_history.count() >= 2  # needs info first, then satisfied
    assert ConcernAssessment.objects.get(initiative=ppe, area="explainability").score == 4

    recompute([ppe.pk])
    from governance.risk.models import RiskState

    assert "Safety-critical, and overrides of the AI are not logged" in (
        RiskState.objects.get(initiative=ppe).reasons
    )
