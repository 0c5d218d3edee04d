"""Integration components with an IT owner (reviews/services/components.py)."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import RuleError, StaleEdit
from initiatives import permissions
from reviews import services
from tests import factories
from tests.reviews.services.conftest import _last_id, _new_events

pytestmark = pytest.mark.django_db


def test_component_owner_gets_view_rights_and_design_authority(users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        confidential=True,
    )
    point = initiative.integrations.get()
    owner = users["other_reviewer"]
    mark = _last_id()
    component = services.assign_component_owner(
        integration=point, owner=owner, user=users["it_lead"]
    )
    assert len(_new_events(mark)) == 1
    permissions.forget_cached_perms(owner)
    assert permissions.can_view(owner, initiative)
    component = services.update_component_notes(
        component=component, user=owner, design_notes="REST via integration layer"
    )
    services.add_component_decision(component=component, user=owner, text="No direct DB")
    assert component.decisions.count() == 1
    with pytest.raises(PermissionDenied):
        services.add_component_decision(component=component, user=users["reviewer"], text="x")
    with pytest.raises(StaleEdit):
        services.update_component_notes(
            component=component, user=owner, design_notes="y", expected_version=1
        )


def test_component_owner_must_be_it_and_assigned_by_a_lead(reviewed, users):
    point = reviewed.integrations.get()
    with pytest.raises(RuleError, match="not an IT reviewer"):
        services.assign_component_owner(
            integration=point, owner=users["sponsor"], user=users["it_lead"]
        )
    with pytest.raises(PermissionDenied):
        services.assign_component_owner(
            integration=point, owner=users["reviewer"], user=users["reviewer"]
        )
