"""Risk status: the service that stores it for many initiatives."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from governance.risk.models import RiskState, RiskStatusChange
from governance.risk.services import recompute
from governance.sessions.models import SessionStatus
from initiatives.models import Initiative, RiskLevel
from reviews.models import ConcernAssessment, DesignInput
from reviews.services.assessments import ensure_assessments
from tests import factories


@pytest.fixture
def reviewed(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    factories.working_series(initiative=initiative, user=users["it_lead"])
    ensure_assessments(initiative)
    # Every concern under assessment: "not assessed yet" would be a reason of its own.
    ConcernAssessment.objects.filter(initiative=initiative).update(status="in_progress")
    return initiative


def _design_input(initiative, user, **fields):
    defaults = {"area": "security", "title": "Data residency", "severity": "high"}
    defaults.update(fields)
    return DesignInput.objects.create(initiative=initiative, raised_by=user, **defaults)


def test_recompute_stores_level_readiness_reasons_and_history(reviewed, users):
    item = _design_input(reviewed, users["reviewer"])
    stamp = ConcernAssessment.objects.get(initiative=reviewed, area="security").updated_at

    assert recompute([reviewed.pk]) == 1
    reviewed.refresh_from_db()
    assert reviewed.risk_level == RiskLevel.AT_RISK
    change = RiskStatusChange.objects.get(initiative=reviewed)
    assert (change.from_level, change.to_level) == ("on_track", "at_risk")
    assert change.reasons == [
        "High-severity design input open: Data residency (Security & data exposure)"
    ]
    assert RiskState.objects.get(initiative=reviewed).reasons == change.reasons
    security = ConcernAssessment.objects.get(initiative=reviewed, area="security")
    assert security.readiness == 25  # in progress (60) minus a high input (35)
    assert security.updated_at == stamp  # readiness is no assessment update (staleness)
    assert ConcernAssessment.objects.get(initiative=reviewed, area="vendor").readiness == 60

    # Nothing changed: no new history.
    assert recompute([reviewed.pk]) == 0
    assert RiskStatusChange.objects.filter(initiative=reviewed).count() == 1

    item.status = "incorporated"
    item.save()
    recompute()
    reviewed.refresh_from_db()
    assert reviewed.risk_level == RiskLevel.ON_TRACK
    assert RiskStatusChange.objects.filter(initiative=reviewed).count() == 2
    assert RiskState.objects.get(initiative=reviewed).reasons == []


def test_sweep_uses_a_fixed_number_of_queries(users, django_assert_max_num_queries):
    for n in range(6):
        initiative = factories.in_review_initiative(sponsor=users["sponsor"])
        ensure_assessments(initiative)
        if n % 2:
            factories.working_series(initiative=initiative, user=users["it_lead"])
        _design_input(initiative, users["reviewer"], severity=("high", "low")[n % 2])
    with django_assert_max_num_queries(16):
        recompute()
    levels = set(Initiative.objects.values_list("risk_level", flat=True))
    assert levels == {"at_risk", "on_track"} or levels == {"at_risk"}
    assert not ConcernAssessment.objects.filter(readiness__isnull=True).exists()


def test_held_session_counts_for_staleness(reviewed, users):
    series = reviewed.working_series
    series.starts_on = timezone.localdate() - timedelta(weeks=6)
    series.save()
    recompute()
    reviewed.refresh_from_db()
    assert reviewed.risk_level == RiskLevel.AT_RISK
    assert "No working session held in the last 2 cadences" in reviewed.risk_state.reasons
    start = timezone.now() - timedelta(days=3)
    series.sessions.create(
        initiative=reviewed, scheduled_for=start, starts_at=start, status=SessionStatus.HELD
    )
    recompute()
    reviewed.refresh_from_db()
    assert reviewed.risk_level == RiskLevel.ON_TRACK


def test_recompute_reads_the_explainability_answers_of_the_intake(users):
    """Safety-critical with overrides unlogged is a reason; each unanswered explainability
    question lowers that area's readiness; answering them clears both."""
    initiative = factories.in_review_initiative(sponsor=users["sponsor"], safety_critical="yes")
    factories.working_series(initiative=initiative, user=users["it_lead"])
    ensure_assessments(initiative)

    reason = "Safety-critical, and overrides of the AI are not logged"
    recompute([initiative.pk])
    initiative.refresh_from_db()
    assert initiative.risk_level == RiskLevel.AT_RISK
    assert reason in RiskState.objects.get(initiative=initiative).reasons
    explainability = ConcernAssessment.objects.get(initiative=initiative, area="explainability")
    assert explainability.readiness == 0  # not started (20) minus 5 × 5 unanswered, clamped

    Initiative.objects.filter(pk=initiative.pk).update(
        output_explanation="Top three drivers shown",
        operator_view="Score and confidence",
        override_logged="yes",
        model_documentation="Model card in the QMS",
    )
    recompute([initiative.pk])
    # The other reasons (nothing assessed yet) stay; this one is gone.
    assert reason not in RiskState.objects.get(initiative=initiative).reasons
    explainability.refresh_from_db()
    assert explainability.readiness == 15  # one question (drift) left


def test_the_sweep_in_chunks_stores_exactly_what_one_pass_stores(users):
    """The hourly sweep reads the portfolio a chunk at a time (bounded memory, each chunk
    written on its own); whatever the chunk size, levels, reasons, readiness and history come
    out as from one pass over everything."""
    from django.db import transaction

    from governance.risk.services import sweep

    for n in range(7):
        initiative = factories.in_review_initiative(sponsor=users["sponsor"])
        ensure_assessments(initiative)
        if n % 3:
            factories.working_series(initiative=initiative, user=users["it_lead"])
        if n % 2:
            _design_input(initiative, users["reviewer"], severity=("high", "low")[n % 4 == 1])
    now = timezone.now()

    def stored():
        return (
            sorted(Initiative.objects.values_list("pk", "risk_level")),
            sorted(RiskState.objects.values_list("initiative_id", "level", "reasons", "dirty")),
            sorted(ConcernAssessment.objects.values_list("pk", "readiness")),
            sorted(RiskStatusChange.objects.values_list("initiative_id", "from_level", "to_level")),
        )

    with transaction.atomic():
        one_pass_changed = recompute(now=now)
        one_pass = stored()
        transaction.set_rollback(True)
    assert one_pass_changed >= 2 and one_pass != stored()  # the data had something to change
    for chunk_size in (2, 3, 7, 100):
        with transaction.atomic():
            assert sweep(now=now, chunk_size=chunk_size) == one_pass_changed
            assert stored() == one_pass, chunk_size
            transaction.set_rollback(True)


# --- The incremental sweep: only what changed, is due for a re-check or was never computed ---


def stored():
    """Everything a sweep writes, but when it wrote it."""
    return (
        sorted(Initiative.objects.values_list("pk", "risk_level")),
        sorted(
            RiskState.objects.values_list(
                "initiative_id", "level", "reasons", "dirty", "recheck_at"
            )
        ),
        sorted(ConcernAssessment.objects.values_list("pk", "readiness")),
        sorted(
            RiskStatusChange.objects.values_list(
                "initiative_id", "from_level", "to_level", "reasons"
            )
        ),
    )


def test_recompute_stores_when_time_alone_changes_the_result(reviewed, users):
    due = timezone.now().date() + timedelta(days=3)
    _design_input(reviewed, users["reviewer"], due_date=due)
    now = timezone.now()
    recompute([reviewed.pk], now=now)
    state = RiskState.objects.get(initiative=reviewed)
    # The midnight (UTC, the time zone of `now`) after the due date: the input is overdue then.
    assert state.recheck_at == datetime.combine(due + timedelta(days=1), time.min, tzinfo=UTC)
    assert state.level == RiskLevel.AT_RISK and not state.dirty
    recompute([reviewed.pk], now=state.recheck_at)
    state.refresh_from_db()
    assert state.level == RiskLevel.BLOCKED
    # Then the next moment: the working series' first two cadences without a session held.
    series_start = datetime.combine(reviewed.working_series.starts_on, time.min, tzinfo=UTC)
    assert state.recheck_at == series_start + timedelta(days=14)


def test_the_sweep_takes_only_initiatives_dirty_due_or_never_computed(
    users, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from governance.risk.services import sweep

    quiet, changed, new, bulk = (
        factories.in_review_initiative(sponsor=users["sponsor"]) for _ in range(4)
    )
    for initiative in (quiet, changed, new, bulk):
        factories.working_series(initiative=initiative, user=users["it_lead"])
    item = _design_input(bulk, users["reviewer"], severity="low")
    now = timezone.now()
    sweep(now=now, full=True)
    assert not RiskState.objects.filter(dirty=True).exists()
    with django_assert_num_queries(1):  # nothing to do: one look at the risk states
        assert sweep(now=now) == 0

    with django_capture_on_commit_callbacks(execute=True):
        _design_input(changed, users["reviewer"])  # through the signals: marked dirty
    RiskState.objects.filter(initiative=new).delete()  # never computed
    DesignInput.objects.filter(pk=item.pk).update(severity="high")  # behind the signals' back
    assert sweep(now=now) == 1  # the changed one: the new one comes out on track as before
    levels = dict(Initiative.objects.values_list("pk", "risk_level"))
    assert levels[changed.pk] == RiskLevel.AT_RISK
    assert RiskState.objects.get(initiative=new).dirty is False
    assert levels[bulk.pk] == RiskLevel.ON_TRACK  # the incremental sweep cannot know ...
    assert sweep(now=now, full=True) == 1  # ... the nightly full one does
    assert Initiative.objects.get(pk=bulk.pk).risk_level == RiskLevel.AT_RISK

    # Two weekly cadences later without a session held: due for a re-check, all four change.
    later = now + timedelta(days=15)
    assert set(
        RiskState.objects.filter(recheck_at__lte=later).values_list("initiative_id", flat=True)
    ) == {quiet.pk, changed.pk, new.pk, bulk.pk}
    sweep(now=later)
    assert (
        RiskState.objects.filter(
            reasons__contains=["No working session held in the last 2 cadences"]
        ).count()
        == 4
    )


def _raise(rng, initiative, users, now):
    _design_input(
        initiative,
        users["reviewer"],
        title=f"Finding {rng.random()}",
        severity=rng.choice(["high", "medium", "low"]),
        due_date=rng.choice([None, (now + timedelta(days=rng.randint(-3, 12))).date()]),
    )


def _resolve(rng, initiative, users, now):
    item = rng.choice(list(initiative.design_inputs.filter(status="open")) or [None])
    if item is not None:
        item.status = "incorporated"
        item.save()


def _assess(rng, initiative, users, now):
    assessment = rng.choice(list(ConcernAssessment.objects.filter(initiative=initiative)))
    assessment.status = rng.choice(["in_progress", "needs_info", "satisfied", "not_started"])
    assessment.score = rng.choice([None, 2, 5])
    assessment.save()


def _hold_session(rng, initiative, users, now):
    series = getattr(initiative, "working_series", None)
    if series is not None:
        start = now - timedelta(hours=rng.randint(1, 200), seconds=rng.randint(0, 3599))
        series.sessions.create(
            initiative=initiative, scheduled_for=start, starts_at=start, status=SessionStatus.HELD
        )


def _nothing(rng, initiative, users, now):
    pass


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_changes_and_clock_moves_a_full_sweep_finds_nothing_the_incremental_missed(
    users, seed, django_capture_on_commit_callbacks
):
    """A random mix of changes (through the services and models, as people make them) and
    moves of the clock from an hour to a week: after each incremental sweep, a full sweep at
    the same moment would store exactly the same levels, reasons, readiness, re-check times
    and history."""
    import random

    from django.db import transaction

    from governance.risk.services import sweep

    rng = random.Random(seed)
    initiatives = []
    for n in range(5):
        initiative = factories.in_review_initiative(sponsor=users["sponsor"])
        ensure_assessments(initiative)
        if n % 2 == 0:
            factories.working_series(initiative=initiative, user=users["it_lead"])
        initiatives.append(Initiative.objects.get(pk=initiative.pk))
    now = timezone.now()
    sweep(now=now, full=True)
    for step in range(30):
        action = rng.choice([_raise, _raise, _resolve, _assess, _hold_session, _nothing])
        with django_capture_on_commit_callbacks(execute=True):
            action(rng, rng.choice(initiatives), users, now)
        now += rng.choice(
            [timedelta(0), timedelta(hours=1), timedelta(hours=7), timedelta(days=1, hours=3)]
            + [timedelta(days=rng.randint(2, 8), minutes=rng.randint(0, 1439))]
        )
        sweep(now=now, chunk_size=rng.choice([1, 2, 100]))
        incremental = stored()
        with transaction.atomic():
            sweep(now=now, full=True)
            assert stored() == incremental, (seed, step, action.__name__)
            transaction.set_rollback(True)
    # The mix did move things: levels changed along the way, time-driven ones among them.
    assert RiskStatusChange.objects.count() >= 5


def test_a_change_marked_while_the_facts_are_read_keeps_the_state_dirty(
    reviewed, users, monkeypatch
):
    """A change commits (and marks its initiative dirty) while a recompute gathers facts that
    may predate it: the recompute stores its result but leaves the state dirty, so the next
    sweep looks again instead of trusting a result that missed the change."""
    from governance.risk import services
    from governance.risk.services import mark_dirty, sweep

    other = factories.in_review_initiative(sponsor=users["sponsor"])
    sweep(full=True)
    mark_dirty(reviewed.pk)
    gather = services._gather

    def gather_while_a_change_commits(ids):
        found = gather(ids)
        _design_input(reviewed, users["reviewer"])  # committed after the facts were read ...
        mark_dirty(reviewed.pk)  # ... and marked right after its commit
        return found

    monkeypatch.setattr(services, "_gather", gather_while_a_change_commits)
    recompute([reviewed.pk, other.pk])
    monkeypatch.undo()
    state = RiskState.objects.get(initiative=reviewed)
    assert state.dirty and state.marks == 2
    assert state.level == RiskLevel.ON_TRACK  # computed without the new input
    assert RiskState.objects.get(initiative=other).dirty is False
    sweep()
    state.refresh_from_db()
    assert not state.dirty and state.level == RiskLevel.AT_RISK


def test_recompute_touches_only_the_initiatives_asked_for_even_those_in_between(users):
    """A chunk is read by key range: an initiative inside the range but not in the chunk is
    read and left alone (neither its level nor its dirty mark change)."""
    first, between, last = (
        factories.in_review_initiative(sponsor=users["sponsor"]) for _ in range(3)
    )
    for initiative in (first, between, last):
        factories.working_series(initiative=initiative, user=users["it_lead"])
    recompute()
    assert set(Initiative.objects.values_list("risk_level", flat=True)) == {RiskLevel.ON_TRACK}
    for initiative in (first, between, last):
        _design_input(initiative, users["reviewer"])
    RiskState.objects.filter(initiative=between).update(dirty=True)
    assert recompute([last.pk, first.pk]) == 2
    levels = dict(Initiative.objects.values_list("pk", "risk_level"))
    assert levels[first.pk] == levels[last.pk] == RiskLevel.AT_RISK
    assert levels[between.pk] == RiskLevel.ON_TRACK
    assert RiskState.objects.get(initiative=between).dirty
    assert recompute([]) == 0
