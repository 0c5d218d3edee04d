"""The review queue's facts kept on the initiative (issue 19) always say what the assessments
and design inputs say: after any sequence of writes through the services (and deletes), the
stored facts equal those computed by the EXISTS conditions the queue used to evaluate on every
page view, kept here as the oracle."""

from contextlib import suppress

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError
from initiatives.models import QUEUE_FACT_FIELDS, Initiative, Status
from reviews import services
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentStatus,
    ConcernAssessment,
    DesignInput,
    DesignInputStatus,
    Severity,
)
from reviews.selectors import QUEUE_TABS, review_queue
from tests import factories
from tests.conftest import rolled_back

pytestmark = pytest.mark.django_db


def _oracle(initiative_id: int) -> dict:
    """The facts as the queue computed them before they were kept (reviews.selectors before
    issue 19): correlated EXISTS and COUNT subqueries over the initiative's rows."""
    assessments = ConcernAssessment.objects.filter(initiative=OuterRef("pk"))
    inputs = DesignInput.objects.filter(initiative=OuterRef("pk"))

    def count(qs):
        n = qs.order_by().values("initiative").annotate(n=Count("pk")).values("n")[:1]
        return Coalesce(Subquery(n, output_field=IntegerField()), 0)

    return (
        Initiative.objects.filter(pk=initiative_id)
        .annotate(
            any_started=Exists(assessments.exclude(status=AssessmentStatus.NOT_STARTED)),
            it_has_work=Exists(
                assessments.filter(
                    status__in=[AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS]
                )
            )
            | Exists(
                inputs.filter(
                    Q(status=DesignInputStatus.SOLUTION_PROPOSED)
                    | Q(status=DesignInputStatus.INCORPORATED, confirmed_at__isnull=True)
                )
            ),
            sponsor_has_work=Exists(assessments.filter(status=AssessmentStatus.NEEDS_INFO))
            | Exists(inputs.filter(status=DesignInputStatus.RAISED)),
            open_inputs=count(inputs.filter(status__in=OPEN_DESIGN_INPUT_STATUSES)),
            open_high_inputs=count(
                inputs.filter(status__in=OPEN_DESIGN_INPUT_STATUSES, severity=Severity.HIGH)
            ),
        )
        .values("any_started", "it_has_work", "sponsor_has_work", "open_inputs", "open_high_inputs")
        .get()
    )


def _stored(initiative_id: int) -> dict:
    row = Initiative.objects.filter(pk=initiative_id).values(*QUEUE_FACT_FIELDS).get()
    return {
        "any_started": row["queue_assessment_started"],
        "it_has_work": row["queue_it_has_work"],
        "sponsor_has_work": row["queue_sponsor_has_work"],
        "open_inputs": row["queue_open_inputs"],
        "open_high_inputs": row["queue_open_high_inputs"],
    }


def _tabs(user) -> dict:
    """Each tab's rows (ids in order) and counts, as the queue shows them."""
    shown = {}
    for tab, _ in QUEUE_TABS:
        result = review_queue(user, tab=tab)
        shown[tab] = ([i.pk for i in result.rows], result.counts[tab])
        assert result.counts[tab] == len(shown[tab][0])
    return shown


# One write of the review, by whoever may do it; a refusal (not allowed from this state, by
# these people) is part of the sequence too and must leave the facts as they were.
INPUT_ACTIONS = ["propose", "incorporate", "confirm", "withdraw", "reopen"]
ASSESSMENT_STATUSES = [
    AssessmentStatus.IN_PROGRESS,
    AssessmentStatus.NEEDS_INFO,
    AssessmentStatus.SATISFIED,
    AssessmentStatus.NOT_STARTED,
]
steps = st.one_of(
    st.tuples(st.just("raise"), st.sampled_from([Severity.HIGH, Severity.MEDIUM, Severity.LOW])),
    st.tuples(st.sampled_from(INPUT_ACTIONS), st.integers(0, 3)),
    st.tuples(
        st.just("assess"), st.tuples(st.integers(0, 6), st.sampled_from(ASSESSMENT_STATUSES))
    ),
    st.tuples(st.just("delete input"), st.integers(0, 3)),
    st.tuples(st.just("delete assessment"), st.integers(0, 6)),
    st.tuples(st.just("ensure assessments"), st.none()),
)


def _apply(step, initiative, users) -> None:
    op, arg = step
    it = [users["reviewer"], users["it_lead"]]
    sponsor = users["sponsor"]
    inputs = list(DesignInput.objects.filter(initiative=initiative).order_by("pk"))
    assessments = list(ConcernAssessment.objects.filter(initiative=initiative).order_by("pk"))
    if op == "raise":
        factories.design_input(initiative=initiative, raised_by=it[0], severity=arg)
    elif op == "ensure assessments":
        services.ensure_assessments(initiative)
    elif op == "delete input" and inputs:
        inputs[arg % len(inputs)].delete()
    elif op == "delete assessment" and assessments:
        assessments[arg % len(assessments)].delete()
    elif op == "assess" and assessments:
        index, status = arg
        services.update_assessment(
            assessment=assessments[index % len(assessments)],
            user=it[0],
            status=status,
            score=3,
            rationale="Checked.",
        )
    elif op in INPUT_ACTIONS and inputs:
        item = inputs[arg % len(inputs)]
        for user in [sponsor, *it]:
            try:
                services.transition_design_input(
                    design_input=item, user=user, action=op, text="Done so."
                )
                return
            except PermissionDenied:
                continue


def _apply_or_refuse(step, initiative, users) -> None:
    # Refused as a whole: the transaction of the write is rolled back.
    with suppress(RuleError, PermissionDenied):
        _apply(step, initiative, users)


@given(sequence=st.lists(steps, min_size=1, max_size=12))
def test_stored_facts_equal_the_exists_conditions_after_any_sequence_of_writes(
    reviewed, users, sequence
):
    with rolled_back():
        for step in sequence:
            _apply_or_refuse(step, reviewed, users)
            assert _stored(reviewed.pk) == _oracle(reviewed.pk), step


def test_a_plain_save_of_an_initiative_read_before_a_review_write_keeps_the_new_facts(
    reviewed, users
):
    copy = Initiative.objects.get(pk=reviewed.pk)  # read before the design input is raised
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], severity="high")
    copy.title = "Renamed"
    copy.save()
    assert _stored(reviewed.pk) == _oracle(reviewed.pk)
    assert _stored(reviewed.pk)["open_high_inputs"] == 1
    assert Initiative.objects.get(pk=reviewed.pk).title == "Renamed"


def test_each_write_moves_the_initiative_between_the_tabs_who_must_act(reviewed, users):
    """A walk through one review, the facts and the tabs checked against the oracle each time."""
    lead, reviewer, sponsor = users["it_lead"], users["reviewer"], users["sponsor"]

    def check():
        assert _stored(reviewed.pk) == _oracle(reviewed.pk)
        return {tab for tab, (ids, _) in _tabs(lead).items() if reviewed.pk in ids}

    services.ensure_assessments(reviewed)
    assert check() == {"new", "waiting_it", "all"}  # nothing started yet
    security = ConcernAssessment.objects.get(initiative=reviewed, area="security")
    services.update_assessment(assessment=security, user=reviewer, status="needs_info")
    assert check() == {"waiting_it", "waiting_sponsor", "all"}
    for assessment in ConcernAssessment.objects.filter(initiative=reviewed):
        services.update_assessment(
            assessment=assessment, user=reviewer, status="satisfied", score=2, rationale="Fine."
        )
    assert check() == {"all"}
    item = factories.design_input(initiative=reviewed, raised_by=reviewer, severity="high")
    assert check() == {"waiting_sponsor", "all"}
    assert _stored(reviewed.pk)["open_high_inputs"] == 1
    services.transition_design_input(
        design_input=item, user=sponsor, action="propose", text="EU region"
    )
    assert check() == {"waiting_it", "all"}
    services.transition_design_input(
        design_input=item, user=sponsor, action="incorporate", text="Moved to the EU region."
    )
    assert check() == {"waiting_it", "all"}  # IT confirms the design really changed
    assert _stored(reviewed.pk)["open_inputs"] == 0
    services.transition_design_input(design_input=item, user=lead, action="confirm")
    assert check() == {"all"}
    item.refresh_from_db()
    item.delete()
    ConcernAssessment.objects.filter(initiative=reviewed).first().delete()
    assert check() == {"all"}


def test_a_submitted_initiative_without_assessments_is_new(users):
    submitted = factories.submitted_initiative(sponsor=users["sponsor"])
    assert _stored(submitted.pk) == _oracle(submitted.pk)
    assert submitted.pk in _tabs(users["it_lead"])["new"][0]


def test_facts_of_initiatives_written_around_the_signals_are_found_and_rebuilt(reviewed, users):
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], severity="high")
    other = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    call_command("queue_facts", "--check")  # all current
    # queryset.update() sends no signal: the stored facts no longer say what the rows say.
    DesignInput.objects.filter(initiative=reviewed).update(status=DesignInputStatus.WITHDRAWN)
    assert services.stale_queue_facts() == [reviewed.pk]
    with pytest.raises(CommandError, match=rf"STALE on 1 initiative\(s\): {reviewed.pk}\."):
        call_command("queue_facts", "--check")
    call_command("queue_facts")
    assert services.stale_queue_facts() == []
    assert _stored(reviewed.pk) == _oracle(reviewed.pk)
    assert _stored(other.pk) == _oracle(other.pk)
    assert services.rebuild_queue_facts([other.pk]) == 1


def test_a_queue_fact_save_triggers_no_risk_recompute(reviewed):
    from governance.risk.signals import BOOKKEEPING_FIELDS

    assert QUEUE_FACT_FIELDS <= BOOKKEEPING_FIELDS


def test_a_write_refreshes_the_facts_in_two_queries(reviewed, users, django_assert_num_queries):
    """The initiative's row is locked, then its facts recomputed in one UPDATE."""
    item = factories.design_input(initiative=reviewed, raised_by=users["reviewer"])
    with django_assert_num_queries(2) as ctx:
        services.refresh_queue_facts(reviewed.pk)
    assert "FOR NO KEY UPDATE" in ctx.captured_queries[0]["sql"]
    assert ctx.captured_queries[1]["sql"].startswith('UPDATE "initiatives_initiative"')
    assert item.status == DesignInputStatus.RAISED


def test_a_status_change_alone_moves_the_initiative_without_refreshing(users):
    """The tabs combine the kept facts with the initiative's own status, read live."""
    submitted = factories.submitted_initiative(sponsor=users["sponsor"])
    lead = users["it_lead"]
    assert submitted.pk not in _tabs(lead)["waiting_it"][0]
    services.ensure_assessments(submitted)
    assert submitted.pk not in _tabs(lead)["waiting_it"][0]  # submitted: not in review yet
    factories.make_status(submitted, Status.IN_REVIEW)
    assert submitted.pk in _tabs(lead)["waiting_it"][0]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_initiative_at_once_both_count():
    """The second writer's recomputation waits for the first one's lock and then sees its
    design input: a single UPDATE would have waited too, yet computed from its own older
    snapshot and counted one open input instead of two."""
    import threading
    import time

    from django.db import connection, transaction

    from tests.conftest import need_service

    need_service("PostgreSQL", connection.vendor == "postgresql")
    users = factories.role_users()
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    first_holds, first_may_commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                factories.design_input(initiative=initiative, raised_by=users["reviewer"])
                first_holds.set()
                first_may_commit.wait(20)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            first_holds.set()
            connection.close()

    def second() -> None:
        try:
            first_holds.wait(20)
            factories.design_input(initiative=initiative, raised_by=users["it_lead"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 20
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:  # until the second writer waits for the lock
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the second writer never waited for the first one's lock")
    finally:
        first_may_commit.set()
        for t in threads:
            t.join()
    assert errors == []
    assert _stored(initiative.pk) == _oracle(initiative.pk)
    assert _stored(initiative.pk)["open_inputs"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_a_transaction_refreshes_in_one_of_its_own(users):
    """Fixtures, the shell and scripts save in autocommit mode: the lock needs a transaction."""
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    ConcernAssessment.objects.create(initiative=initiative, area="security", status="needs_info")
    assert _stored(initiative.pk) == _oracle(initiative.pk)
    assert _stored(initiative.pk)["sponsor_has_work"] is True
