"""What the version-check tables share (test_api.py for the API, test_forms.py for the
pages): one object of each versioned kind, and how to read the state a refusal must keep."""

import pytest

from governance.compliance import services as compliance_services
from governance.compliance.models import FrameworkReference, Obligation
from governance.threads import services as thread_services
from landscape import services as landscape_services
from landscape.models import EnterpriseSystem
from reviews import services as review_services
from reviews.models import ConcernAssessment
from tests import factories

SAVED_IN_BETWEEN = "Saved by someone else in between"


@pytest.fixture
def objects(users):
    """A sponsor's draft; on a high-risk initiative in review, an assessment, a design
    input, a component the reviewer owns and an AI Act obligation; a framework reference."""
    factories.ensure_catalogue()
    draft = factories.complete_initiative(sponsor=users["sponsor"])
    reviewed = factories.in_review_initiative(
        sponsor=users["other_sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        ai_act_annex_iii=["workers_management"],
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
        "obligation": Obligation.objects.filter(initiative=reviewed).order_by("pk").first(),
        "reference": FrameworkReference.objects.get(code="GOVERN 1.1"),
        "system": EnterpriseSystem.objects.create(
            site=draft.site, name="Core MES", kind="mes", description="Registered"
        ),
        "comment": thread_services.add_comment(
            initiative=reviewed, user=users["reviewer"], body="Which line runs the pilot?"
        ),
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


def edit_system(objects, users):
    """Someone else (the IT lead) edits the registered system in between."""
    landscape_services.update_system(
        system=objects["system"], user=users["it_lead"], values={"description": SAVED_IN_BETWEEN}
    )


def edit_comment(objects, users):
    """The author saves the comment again in another tab in between (only the author edits)."""
    thread_services.edit_comment(
        comment=objects["comment"], user=users["reviewer"], body=SAVED_IN_BETWEEN
    )


def edit_reference(objects, users):
    """Someone else (the IT lead) saves the framework reference in between."""
    compliance_services.save_reference(
        user=users["it_lead"],
        reference=objects["reference"],
        fields={"note": SAVED_IN_BETWEEN},
    )
