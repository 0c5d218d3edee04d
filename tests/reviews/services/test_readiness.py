"""The ready-for-build rule (reviews/services/readiness.py): each condition refuses on its own;
the design-input condition walked through every allowed sequence of actions."""

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
from tests.reviews.conftest import GATE_BREAKERS, GATE_IDS, GATE_KEEPERS
from tests.reviews.services.conftest import _at

pytestmark = pytest.mark.django_db


def _ready(initiative, user):
    return transition_initiative(initiative=initiative, user=user, to_status=Status.READY_FOR_BUILD)


def test_open_high_severity_input_blocks_ready_for_build_and_is_named(ready, users):
    factories.design_input(
        initiative=ready, raised_by=users["reviewer"], severity="high", title="Data residency"
    )
    factories.design_input(initiative=ready, raised_by=users["reviewer"], severity="medium")
    with pytest.raises(RuleError, match="Data residency"):
        _ready(ready, users["reviewer"])
    ready.refresh_from_db()
    assert ready.status == Status.IN_REVIEW


def test_incorporated_but_unconfirmed_high_input_still_blocks(ready, users):
    item = _at("incorporated", ready, users, severity="high")
    with pytest.raises(RuleError, match=item.title):
        _ready(ready, users["reviewer"])
    services.transition_design_input(design_input=item, user=users["reviewer"], action="confirm")
    assert _ready(ready, users["reviewer"]).status == Status.READY_FOR_BUILD


@pytest.mark.parametrize("closed", ["risk_accepted", "withdrawn"])
def test_closed_high_inputs_do_not_block(ready, users, closed):
    _at(closed, ready, users, severity="high")
    assert _ready(ready, users["it_lead"]).status == Status.READY_FOR_BUILD


def test_medium_open_inputs_do_not_block(ready, users):
    _at("raised", ready, users, severity="medium")
    assert _ready(ready, users["reviewer"]).status == Status.READY_FOR_BUILD


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
    ready, users, severities, steps
):
    with rolled_back():
        items = [
            factories.design_input(initiative=ready, raised_by=users["reviewer"], severity=s)
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
            fresh = DesignInput.objects.filter(initiative=ready)
            expected = {
                d.pk
                for d in fresh
                if d.severity == "high"
                and (d.is_open or (d.status == "incorporated" and d.confirmed_at is None))
            }
            blockers = services.ready_for_build_blockers(ready)
            titles = {d.title for d in fresh if d.pk in expected}
            assert {b.message.split(": ", 1)[1] for b in blockers} == titles
            assert {b.condition for b in blockers} <= {"design_inputs"}
            marked = attempt(
                lambda: services.mark_ready_for_build(initiative=ready, user=users["it_lead"]),
                ready,
            )
            assert marked.outcome == ("NotReadyForBuild" if expected else "allowed")


# --- Each condition on its own ----------------------------------------------------------------


def test_an_initiative_meeting_every_condition_has_no_blockers(ready, users):
    assert services.ready_for_build_blockers(ready) == []
    assert all(item.met for item in services.ready_for_build_checklist(ready))
    assert _ready(ready, users["it_lead"]).status == Status.READY_FOR_BUILD


@pytest.mark.parametrize("case, condition, breaks, word", GATE_BREAKERS, ids=GATE_IDS)
def test_each_condition_refuses_ready_for_build_on_its_own(
    ready, users, case, condition, breaks, word
):
    breaks(ready, users)
    ready.refresh_from_db()
    blockers = services.ready_for_build_blockers(ready)
    assert {b.condition for b in blockers} == {condition}
    assert any(word.lower() in b.message.lower() for b in blockers), blockers
    assert all(b.url for b in blockers)
    refused = attempt(
        lambda: services.mark_ready_for_build(initiative=ready, user=users["it_lead"]), ready
    )
    assert refused.outcome == "NotReadyForBuild"
    checklist = {item.condition: item for item in services.ready_for_build_checklist(ready)}
    assert not checklist[condition].met
    assert all(item.met for c, item in checklist.items() if c != condition)


@pytest.mark.parametrize("case, keeps", GATE_KEEPERS, ids=[c for c, _ in GATE_KEEPERS])
def test_what_still_meets_the_rule(ready, users, case, keeps):
    keeps(ready, users)
    ready.refresh_from_db()
    assert services.ready_for_build_blockers(ready) == []
    assert _ready(ready, users["it_lead"]).status == Status.READY_FOR_BUILD


def test_the_rule_covers_every_concern_area_there_is(reviewed):
    """Iterates ConcernArea: a new area joins the rule without a change here."""
    from reviews.models import ConcernArea

    blockers = services.ready_for_build_blockers(reviewed)
    labels = [b.message.split(":")[0] for b in blockers if b.condition == "assessments"]
    assert labels == [area.label for area in ConcernArea]


def test_a_new_initiative_with_nothing_assessed_is_refused(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    with pytest.raises(services.NotReadyForBuild, match="not assessed yet"):
        _ready(initiative, users["it_lead"])


# --- Not applicable and fallback tests: who may, and what is audited ---------------------------


def test_only_an_it_lead_marks_a_concern_not_applicable_with_a_reason(reviewed, users):
    from audit.models import AuditEvent
    from reviews.models import ConcernAssessment

    assessment = ConcernAssessment.objects.get(initiative=reviewed, area="vendor")
    for who in ("reviewer", "sponsor", "executive"):
        result = attempt(
            lambda who=who: services.mark_not_applicable(
                assessment=assessment, user=users[who], reason="In-house"
            ),
            assessment,
        )
        assert result.outcome == "PermissionDenied"
    result = attempt(
        lambda: services.mark_not_applicable(
            assessment=assessment, user=users["it_lead"], reason="  "
        ),
        assessment,
    )
    assert result.outcome == "FieldRuleError"
    services.mark_not_applicable(
        assessment=assessment, user=users["it_lead"], reason="Built in-house."
    )
    assessment.refresh_from_db()
    assert assessment.not_applicable and assessment.not_applicable_by == users["it_lead"]
    assert AuditEvent.objects.filter(action="assessment.not_applicable").count() == 1
    services.mark_applicable(assessment=assessment, user=users["it_lead"])
    assessment.refresh_from_db()
    assert not assessment.not_applicable
    assert AuditEvent.objects.filter(action="assessment.applicable").count() == 1


def test_fallback_tests_are_recorded_by_the_initiative_people_audited(reviewed, users):
    import datetime

    from audit.models import AuditEvent

    def record(who, **over):
        values = {
            "tested_by": "Shift supervisor",
            "tested_on": datetime.date(2026, 11, 1),
            "result": "passed",
        }
        values.update(over)
        return lambda: services.record_fallback_test(initiative=reviewed, user=users[who], **values)

    assert attempt(record("other_sponsor")).outcome == "PermissionDenied"
    assert attempt(record("executive")).outcome == "PermissionDenied"
    assert attempt(record("sponsor", tested_by=" ")).outcome == "FieldRuleError"
    assert attempt(record("sponsor", result="maybe")).outcome == "FieldRuleError"
    future = datetime.date.today() + datetime.timedelta(days=2)
    assert attempt(record("sponsor", tested_on=future)).outcome == "FieldRuleError"
    assert attempt(record("sponsor")).events == ["fallback_test.recorded"]
    assert attempt(record("reviewer")).events == ["fallback_test.recorded"]
    record("it_lead")()
    assert AuditEvent.objects.filter(action="fallback_test.recorded").count() == 1
