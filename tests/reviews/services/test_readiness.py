"""The ready-for-build rule (reviews/services/readiness.py): each condition refuses on its own;
the design-input condition walked through every allowed sequence of actions."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from core.errors import FieldRuleError, RuleError, TransitionNotAllowed
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

    for who in ("other_sponsor", "executive", "other_reviewer"):
        assert attempt(record(who), reviewed).outcome == "PermissionDenied"
        with pytest.raises(PermissionDenied) as refused:
            record(who)()
        assert (
            str(refused.value) == "Only the initiative's people and its IT reviewers record tests."
        )
    assert attempt(record("sponsor")).events == ["fallback_test.recorded"]
    assert attempt(record("reviewer")).events == ["fallback_test.recorded"]
    record("it_lead")()
    assert AuditEvent.objects.filter(action="fallback_test.recorded").count() == 1


# --- Each blocker's words and link, exactly as the checklist, the refusal and the API show them --


def _security(initiative):
    from reviews.models import ConcernAssessment

    return reverse(
        "reviews:assessment",
        args=[ConcernAssessment.objects.get(initiative=initiative, area="security").pk],
    )


def _residency(initiative):
    return reverse(
        "reviews:design_input",
        args=[DesignInput.objects.get(initiative=initiative, title="Residency").pk],
    )


def _named_roles(initiative):
    return f"{initiative.get_absolute_url()}#named-roles"


def _fallback_tests(initiative):
    return reverse("reviews:fallback_tests", args=[initiative.pk])


NOT_SATISFIED = "not assessed as satisfied or marked not applicable"
# case id of GATE_BREAKERS → (the blocker's message, where it is fixed)
EXACT_BLOCKERS = {
    "not-started": (f"Security & data exposure: not started, {NOT_SATISFIED}", _security),
    "in-progress": (f"Security & data exposure: in progress, {NOT_SATISFIED}", _security),
    "needs-info": (f"Security & data exposure: needs info, {NOT_SATISFIED}", _security),
    "high-open": ("High-severity design input open: Residency", _residency),
    "high-unconfirmed": (
        "High-severity design input awaiting IT confirmation: Residency",
        _residency,
    ),
    "owner-pending": ("The decision owner has not confirmed the role yet", _named_roles),
    "owner-declined": ("The decision owner declined the role", _named_roles),
    "accountable-pending": (
        "The accountable person has not confirmed the role yet",
        _named_roles,
    ),
    "no-owner": ("No decision owner named", _named_roles),
    "no-accountable": ("No accountable person named", _named_roles),
    "support-model": (
        "Support model unanswered: who monitors it",
        lambda i: f"{i.get_absolute_url()}#step-5",
    ),
    "no-fallback-test": ("Safety-critical: no manual fallback test", _fallback_tests),
    "failed-fallback-test": (
        "Safety-critical: the latest manual fallback test (01 Nov 2026) failed",
        _fallback_tests,
    ),
}


@pytest.mark.parametrize("case, condition, breaks, word", GATE_BREAKERS, ids=GATE_IDS)
def test_each_blocker_says_exactly_what_blocks_and_links_where_it_is_fixed(
    ready, users, case, condition, breaks, word
):
    breaks(ready, users)
    ready.refresh_from_db()
    message, where = EXACT_BLOCKERS[case]
    assert services.ready_for_build_blockers(ready) == [
        services.Blocker(condition, message, where(ready))
    ]
    with pytest.raises(services.NotReadyForBuild) as refused:
        services.mark_ready_for_build(initiative=ready, user=users["it_lead"])
    assert str(refused.value) == f"Not ready for build: {message}."
    assert refused.value.field_errors == {condition: [message]}


def test_an_initiative_without_reviewers_has_every_area_unassessed_linking_to_the_reviewers(
    users,
):
    from reviews.models import ConcernArea

    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    blockers = services.ready_for_build_blockers(initiative)
    assert [b for b in blockers if b.condition == "assessments"] == [
        services.Blocker(
            "assessments",
            f"{area.label}: not assessed yet (no reviewer assigned)",
            f"{initiative.get_absolute_url()}#reviewers",
        )
        for area in ConcernArea
    ]


def test_the_refusal_lists_every_blocker_in_checklist_order_grouped_by_condition(ready, users):
    from initiatives.models import Initiative

    Initiative.objects.filter(pk=ready.pk).update(
        decision_owner=None, accountable_person=None, maintained_by=" ", update_process=""
    )
    ready.refresh_from_db()
    factories.design_input(
        initiative=ready, raised_by=users["reviewer"], severity="high", title="Residency"
    )
    blockers = services.ready_for_build_blockers(ready)
    messages = [
        "High-severity design input open: Residency",
        "No decision owner named",
        "No accountable person named",
        "Support model unanswered: who maintains it, how updates are made",
    ]
    assert [b.message for b in blockers] == messages
    with pytest.raises(services.NotReadyForBuild) as caught:
        services.mark_ready_for_build(initiative=ready, user=users["it_lead"])
    refused = caught.value
    assert refused.blockers == blockers
    assert str(refused) == f"Not ready for build: {'; '.join(messages)}."
    assert refused.field_errors == {
        "design_inputs": messages[:1],
        "named_roles": messages[1:3],
        "support_model": messages[3:],
    }


def test_a_named_person_without_an_answer_on_record_has_not_confirmed(ready):
    from initiatives.models import RoleAcknowledgement

    RoleAcknowledgement.objects.filter(initiative=ready, role="accountable").delete()
    assert services.ready_for_build_blockers(ready) == [
        services.Blocker(
            "named_roles",
            "The accountable person has not confirmed the role yet",
            _named_roles(ready),
        )
    ]


def test_only_the_latest_fallback_test_counts(ready, users):
    import datetime

    from initiatives.models import Initiative

    Initiative.objects.filter(pk=ready.pk).update(safety_critical="yes")
    ready.refresh_from_db()

    def record(day, result):
        services.record_fallback_test(
            initiative=ready,
            user=users["sponsor"],
            tested_by="Shift supervisor",
            tested_on=datetime.date(2026, 10, day),
            result=result,
        )

    record(5, "failed")
    record(20, "passed")
    record(12, "failed")  # recorded later, but tested earlier: the passed test is the latest
    assert services.ready_for_build_blockers(ready) == []
    record(20, "failed")  # the same day: the one recorded last counts
    assert [b.message for b in services.ready_for_build_blockers(ready)] == [
        "Safety-critical: the latest manual fallback test (20 Oct 2026) failed"
    ]


def test_the_checklist_names_each_condition_and_shows_the_fallback_only_when_safety_critical(
    ready,
):
    from initiatives.models import Initiative

    labels = [
        ("assessments", "Every concern area assessed, or not applicable"),
        ("design_inputs", "No high-severity design input open or unconfirmed"),
        ("named_roles", "Decision owner and accountable person named and confirmed"),
        ("support_model", "Support model answered"),
    ]
    checklist = services.ready_for_build_checklist(ready)
    assert [(item.condition, str(item.label)) for item in checklist] == labels
    Initiative.objects.filter(pk=ready.pk).update(safety_critical="yes")
    ready.refresh_from_db()
    checklist = services.ready_for_build_checklist(ready)
    assert [(item.condition, str(item.label)) for item in checklist] == [
        *labels,
        ("fallback_test", "Manual fallback tested (safety-critical)"),
    ]
    assert [item.met for item in checklist] == [True, True, True, True, False]


# --- Marking ready: the reason, the source and the version reach the workflow -----------------


def test_marking_ready_records_the_reason_and_the_source(ready, users):
    from audit.models import AuditEvent

    services.mark_ready_for_build(
        initiative=ready, user=users["it_lead"], reason="All clear.", source="api"
    )
    event = AuditEvent.objects.get(initiative=ready, action="initiative.ready_for_build")
    assert event.changes == {"status": ["in_review", "ready_for_build"], "reason": "All clear."}
    assert (event.source, event.actor) == ("api", users["it_lead"])


def test_marking_ready_without_a_reason_records_none(ready, users):
    from audit.models import AuditEvent

    services.mark_ready_for_build(initiative=ready, user=users["it_lead"])
    event = AuditEvent.objects.get(initiative=ready, action="initiative.ready_for_build")
    assert event.changes == {"status": ["in_review", "ready_for_build"]}


def test_marking_ready_from_a_stale_read_is_refused(ready, users):
    from django.db.models import F

    from initiatives.models import Initiative

    read = ready.version
    Initiative.objects.filter(pk=ready.pk).update(version=F("version") + 1)  # someone else
    stale = attempt(
        lambda: services.mark_ready_for_build(
            initiative=ready, user=users["it_lead"], expected_version=read
        ),
        ready,
    )
    assert stale.outcome == "StaleEdit"
    marked = services.mark_ready_for_build(
        initiative=ready, user=users["it_lead"], expected_version=read + 1
    )
    assert marked.status == Status.READY_FOR_BUILD


# --- Recording a fallback test: each refusal, the boundary of "today", what is saved -----------


def _record(initiative, user, **over):
    import datetime

    values = {
        "tested_by": "Shift supervisor",
        "tested_on": datetime.date(2026, 11, 1),
        "result": "passed",
    }
    values.update(over)
    return services.record_fallback_test(initiative=initiative, user=user, **values)


def _tomorrow():
    import datetime

    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "over, field, message",
    [
        (lambda: {"tested_by": "  "}, "tested_by", "Say who ran the test."),
        (lambda: {"tested_by": None}, "tested_by", "Say who ran the test."),
        (lambda: {"tested_on": None}, "tested_on", "Give the date of the test."),
        (lambda: {"tested_on": _tomorrow()}, "tested_on", "A test cannot be dated in the future."),
        (lambda: {"result": "maybe"}, "result", "Choose passed or failed."),
        (lambda: {"result": ""}, "result", "Choose passed or failed."),
    ],
    ids=["blank-tester", "no-tester", "no-date", "tomorrow", "other-result", "no-result"],
)
def test_a_fallback_test_is_refused_with_the_field_and_its_reason(
    reviewed, users, over, field, message
):
    from reviews.models import FallbackTest

    refused = attempt(lambda: _record(reviewed, users["sponsor"], **over()), reviewed)
    assert refused.outcome == "FieldRuleError"
    with pytest.raises(FieldRuleError) as caught:
        _record(reviewed, users["sponsor"], **over())
    assert (str(caught.value), caught.value.field_errors) == (message, {field: [message]})
    assert not FallbackTest.objects.exists()


def test_a_fallback_test_dated_today_is_recorded(reviewed, users):
    from django.utils import timezone

    test = _record(reviewed, users["reviewer"], tested_on=timezone.localdate())
    assert test.tested_on == timezone.localdate()


def test_no_fallback_test_on_a_withdrawn_initiative(reviewed, users):
    from initiatives.models import Initiative

    Initiative.objects.filter(pk=reviewed.pk).update(status=Status.WITHDRAWN)
    reviewed.refresh_from_db()
    refused = attempt(lambda: _record(reviewed, users["it_lead"]), reviewed)
    assert refused.outcome == "TransitionNotAllowed"
    with pytest.raises(TransitionNotAllowed, match="^The initiative is withdrawn.$"):
        _record(reviewed, users["it_lead"])


def test_a_fallback_test_is_saved_trimmed_and_audited_as_recorded(reviewed, users):
    import datetime

    from audit.models import AuditEvent

    test = _record(
        reviewed,
        users["sponsor"],
        tested_by="  Shift supervisor Line 3 ",
        tested_on=datetime.date(2026, 10, 30),
        result="failed",
        notes="  The paper forms ran out.  ",
        source="api",
    )
    test.refresh_from_db()
    saved = (test.initiative, test.tested_by, test.tested_on, test.result, test.notes)
    assert saved == (
        reviewed,
        "Shift supervisor Line 3",
        datetime.date(2026, 10, 30),
        "failed",
        "The paper forms ran out.",
    )
    assert test.recorded_by == users["sponsor"]
    event = AuditEvent.objects.get(action="fallback_test.recorded")
    assert (event.actor, event.initiative, event.source) == (users["sponsor"], reviewed, "api")
    assert (event.object_type, event.object_id) == ("reviews.FallbackTest", str(test.pk))
    assert event.changes == {
        "after": {
            "tested_by": "Shift supervisor Line 3",
            "tested_on": "2026-10-30",
            "result": "failed",
            "notes": "The paper forms ran out.",
        }
    }


def test_a_fallback_test_without_notes_has_none_in_the_record_or_the_audit(reviewed, users):
    from audit.models import AuditEvent

    test = _record(reviewed, users["reviewer"])
    test.refresh_from_db()
    assert test.notes == ""
    event = AuditEvent.objects.get(action="fallback_test.recorded")
    assert event.changes == {
        "after": {"tested_by": "Shift supervisor", "tested_on": "2026-11-01", "result": "passed"}
    }


def test_a_tester_longer_than_the_field_is_cut_to_200_characters(reviewed, users):
    test = _record(reviewed, users["sponsor"], tested_by="x" * 250)
    test.refresh_from_db()
    assert test.tested_by == "x" * 200
