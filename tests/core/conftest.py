"""What the version-check tables share (test_api.py for the API, test_forms.py for the
pages): one object of each versioned kind, and how to read the state a refusal must keep."""

import pytest

from reviews import services as review_services
from reviews.models import ConcernAssessment
from tests import factories

SAVED_IN_BETWEEN = "Saved by someone else in between"


@pytest.fixture
def objects(users):
    """A sponsor's draft and, on an initiative in review, an assessment, a design input and
    a component the reviewer owns."""
    draft = factories.complete_initiative(sponsor=users["sponsor"])
    reviewed = factories.in_review_initiative(
        sponsor=users["other_sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    component = review_services.assign_component_owner(
        integration=reviewed.integrations.first(), owner=users["reviewer"], user=users["it_lead"]
    )
    return {
        "draft": draft,
        "reviewed": reviewed,
        "assessment": ConcernAssessment.objects.get(initiative=reviewed, area="security"),
        "design_input": factories.design_input(initiative=reviewed, raised_by=users["reviewer"]),
        "component": component,
    }


def state_of(model, key: str, field: str):
    """Reads (version, the field an update changes) of objects[key], fresh from the database."""
    return lambda o: tuple(model.objects.filter(pk=o[key].pk).values_list("version", field)[0])


def edit_design_input(objects, users):
    """Someone else (the IT lead) saves the design input in between."""
    review_services.edit_design_input(
        design_input=objects["design_input"],
        user=users["it_lead"],
        fields={"description": SAVED_IN_BETWEEN},
        expected_version=None,
    )
