"""Risk status: the service that stores it for many initiatives."""

from datetime import timedelta

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
