"""The ready-for-build rule: open high-severity design inputs block it
(reviews/services/readiness.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError
from initiatives.models import Status
from initiatives.services import transition_initiative
from reviews import services
from reviews.models import DesignInput
from reviews.services.design_inputs import DesignInputAction
from tests import factories
from tests.conftest import attempt, rolled_back
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


# --- Property: after any allowed sequence, the rule and the blockers list say the same --------

STEP_ACTORS = ("sponsor", "reviewer", "it_lead")
a_step = st.tuples(
    st.integers(0, 2), st.sampled_from(list(DesignInputAction.values)), st.sampled_from(STEP_ACTORS)
)


@given(
    severities=st.lists(st.sampled_from(["high", "medium", "low"]), min_size=1, max_size=3),
    steps=st.lists(a_step, max_size=8),
)
def test_any_allowed_sequence_keeps_the_rule_and_the_blockers_list_together(
    reviewed, users, severities, steps
):
    with rolled_back():
        items = [
            factories.design_input(initiative=reviewed, raised_by=users["reviewer"], severity=s)
            for s in severities
        ]
        for index, action, actor in steps:
            item = DesignInput.objects.get(pk=items[index % len(items)].pk)
            user = users[actor]
            if action not in services.allowed_design_input_actions(user, item):
                continue
            services.transition_design_input(
                design_input=item, user=user, action=action, text="Because"
            )
            fresh = DesignInput.objects.filter(initiative=reviewed)
            expected = {
                d.pk
                for d in fresh
                if d.severity == "high"
                and (d.is_open or (d.status == "incorporated" and d.confirmed_at is None))
            }
            blockers = services.ready_for_build_blockers(reviewed)
            assert {d.pk for d in blockers} == expected
            ready = attempt(
                lambda: services.mark_ready_for_build(initiative=reviewed, user=users["it_lead"]),
                reviewed,
            )
            assert ready.outcome == ("NotReadyForBuild" if expected else "allowed")
