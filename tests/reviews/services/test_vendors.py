"""Vendor evaluation: criteria and scores (reviews/services/vendors.py), and that each change
of the review outside assessments and transitions (vendor criteria and scores, components,
design-input edits) leaves exactly one audit event."""

import pytest

from reviews import services
from reviews.models import VendorScore
from tests import factories
from tests.reviews.conftest import _evaluation
from tests.reviews.services.conftest import _last_id, _new_events

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bad", [0, 6, "five"])
def test_vendor_score_out_of_range(users, bad):
    _, (a,), (crit,) = _evaluation(users, ["Alpha"], [("Security", 2)])
    from core.errors import RuleError

    with pytest.raises(RuleError):
        services.score_vendor(criterion=crit, vendor=a, user=users["reviewer"], score=bad)
    assert not VendorScore.objects.exists()


def test_default_criteria_are_added_once(users):
    initiative, _, _ = _evaluation(users, ["Alpha", "Beta"], [])
    added = services.add_default_criteria(initiative=initiative, user=users["reviewer"])
    assert {c.name for c in added} >= {"Security posture", "SSO support", "Data portability"}
    assert services.add_default_criteria(initiative=initiative, user=users["reviewer"]) == []


def test_sponsors_cannot_score_or_define_criteria(users):
    initiative, (a,), (crit,) = _evaluation(users, ["Alpha"], [("Security", 2)])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.score_vendor(criterion=crit, vendor=a, user=users["sponsor"], score=3)
    with pytest.raises(PermissionDenied):
        services.save_criterion(initiative=initiative, user=users["sponsor"], name="X", weight=1)


def test_every_other_change_leaves_exactly_one_event(reviewed, users):
    from initiatives.models import VendorCandidate

    reviewer, lead = users["reviewer"], users["it_lead"]
    item = factories.design_input(initiative=reviewed, raised_by=reviewer)
    vendor = VendorCandidate.objects.create(initiative=reviewed, name="Alpha")
    point = reviewed.integrations.get()

    def one_event(run, action, **changes):
        mark = _last_id()
        result = run()
        new = _new_events(mark)
        assert [e.action for e in new] == [action]
        for key, value in changes.items():
            assert new[0].changes[key] == value, key
        return result

    one_event(
        lambda: services.edit_design_input(
            design_input=item, user=reviewer, fields={"severity": "high"}, expected_version=1
        ),
        "design_input.updated",
        severity=["medium", "high"],
    )
    crit = one_event(
        lambda: services.save_criterion(initiative=reviewed, user=reviewer, name="SSO", weight=2),
        "vendor_criterion.added",
        after={"name": "SSO", "weight": 2},
    )
    one_event(
        lambda: services.save_criterion(
            initiative=reviewed, user=reviewer, name="SSO", weight=4, criterion=crit
        ),
        "vendor_criterion.changed",
        weight=[2, 4],
    )
    one_event(
        lambda: services.score_vendor(criterion=crit, vendor=vendor, user=reviewer, score=3),
        "vendor.scored",
        score=[None, 3],
    )
    one_event(
        lambda: services.score_vendor(criterion=crit, vendor=vendor, user=reviewer, score=5),
        "vendor.scored",
        score=[3, 5],
    )
    one_event(
        lambda: services.delete_criterion(criterion=crit, user=reviewer),
        "vendor_criterion.deleted",
    )
    component = one_event(
        lambda: services.assign_component_owner(integration=point, owner=reviewer, user=lead),
        "component.owner_assigned",
        owner=[None, "reviewer"],
    )
    one_event(
        lambda: services.update_component_notes(
            component=component, user=reviewer, design_notes="REST only"
        ),
        "component.notes_updated",
        design_notes=["", "REST only"],
    )
    one_event(
        lambda: services.add_component_decision(component=component, user=reviewer, text="No DB"),
        "component.decision_added",
        decision=[None, "No DB"],
    )
    # Saving the same values again changes nothing and records nothing.
    mark = _last_id()
    services.edit_design_input(
        design_input=item, user=reviewer, fields={"severity": "high"}, expected_version=None
    )
    services.update_component_notes(component=component, user=reviewer, design_notes="REST only")
    assert _new_events(mark) == []
