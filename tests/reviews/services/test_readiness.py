"""The ready-for-build rule: open high-severity design inputs block it
(reviews/services/readiness.py)."""

import pytest

from core.errors import RuleError
from initiatives.models import Status
from initiatives.services import transition_initiative
from reviews import services
from tests import factories
from tests.reviews.services.conftest import _at

pytestmark = pytest.mark.django_db


def _ready(initiative, user):
    return transition_initiative(initiative=initiative, user=user, to_status=Status.READY_FOR_BUILD)


def test_open_high_severity_input_blocks_ready_for_build_and_is_named(reviewed, users):
    factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], severity="high", title="Data residency"
    )
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], severity="medium")
    with pytest.raises(RuleError, match="Data residency"):
        _ready(reviewed, users["reviewer"])
    reviewed.refresh_from_db()
    assert reviewed.status == Status.IN_REVIEW


def test_incorporated_but_unconfirmed_high_input_still_blocks(reviewed, users):
    item = _at("incorporated", reviewed, users, severity="high")
    with pytest.raises(RuleError, match=item.title):
        _ready(reviewed, users["reviewer"])
    services.transition_design_input(design_input=item, user=users["reviewer"], action="confirm")
    assert _ready(reviewed, users["reviewer"]).status == Status.READY_FOR_BUILD


@pytest.mark.parametrize("closed", ["risk_accepted", "withdrawn"])
def test_closed_high_inputs_do_not_block(reviewed, users, closed):
    _at(closed, reviewed, users, severity="high")
    assert _ready(reviewed, users["it_lead"]).status == Status.READY_FOR_BUILD


def test_medium_open_inputs_do_not_block(reviewed, users):
    _at("raised", reviewed, users, severity="medium")
    assert _ready(reviewed, users["reviewer"]).status == Status.READY_FOR_BUILD
