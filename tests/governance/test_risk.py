"""Risk status: the pure computation, and the service that stores it for many initiatives."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from governance.risk.models import RiskState, RiskStatusChange
from governance.risk.rules import AssessmentFacts, InitiativeFacts, OpenInputFacts, compute_risk
from governance.risk.services import recompute
from governance.sessions.models import SessionStatus
from initiatives.models import Initiative, RiskLevel
from reviews.models import ConcernAssessment, DesignInput
from reviews.services.assessments import ensure_assessments
from tests import factories

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FRESH = NOW - timedelta(days=1)


def facts(**kwargs) -> InitiativeFacts:
    base = {"status": "in_review", "cadence": "weekly", "series_started": date(2026, 11, 20)}
    base.update(kwargs)
    return InitiativeFacts(**base)


def test_nothing_wrong_is_on_track():
    result = compute_risk(
        facts(assessments=[AssessmentFacts("security", "satisfied", 2, FRESH)]), NOW
    )
    assert result.level == RiskLevel.ON_TRACK
    assert result.reasons == []
    assert result.readiness == {"security": 100}


def test_open_high_design_input_puts_at_risk_with_a_sentence():
    result = compute_risk(
        facts(open_inputs=[OpenInputFacts("security", "high", "Data residency of images")]), NOW
    )
    assert result.level == RiskLevel.AT_RISK
    assert result.reasons == [
        "High-severity design input open: Data residency of images (Security & data exposure)"
    ]


def test_overdue_high_design_input_blocks():
    item = OpenInputFacts("security", "high", "SOC 2 report", due_date=date(2026, 11, 1))
    result = compute_risk(facts(open_inputs=[item]), NOW)
    assert result.level == RiskLevel.BLOCKED
    assert "overdue since 01 Nov 2026: SOC 2 report" in result.reasons[0]


def test_needs_info_stale_and_highest_score():
    result = compute_risk(
        facts(
            assessments=[
                AssessmentFacts("ownership", "needs_info", None, FRESH),
                AssessmentFacts("vendor", "in_progress", 3, NOW - timedelta(days=30)),
                AssessmentFacts("architecture", "in_progress", 5, FRESH),
            ]
        ),
        NOW,
    )
    assert result.level == RiskLevel.BLOCKED
    assert "Ownership & accountability: IT needs more information" in result.reasons
    assert "Vendor lock-in & survivability: no assessment update for 30 days" in result.reasons
    assert "Architecture & integration assessed as highest risk (5 of 5)" in result.reasons


def test_no_session_held_in_two_cadences():
    stale = facts(series_started=date(2026, 10, 1), last_session_held=NOW - timedelta(days=15))
    assert compute_risk(stale, NOW).reasons == ["No working session held in the last 2 cadences"]
    recent = facts(series_started=date(2026, 10, 1), last_session_held=NOW - timedelta(days=6))
    assert compute_risk(recent, NOW).level == RiskLevel.ON_TRACK
    # A biweekly series may go four weeks between sessions held.
    biweekly = facts(
        cadence="biweekly",
        series_started=date(2026, 10, 1),
        last_session_held=NOW - timedelta(days=20),
    )
    assert compute_risk(biweekly, NOW).level == RiskLevel.ON_TRACK
    assert (
        "No standing IT working session set up"
        in compute_risk(facts(cadence=None, series_started=None), NOW).reasons
    )


def test_missing_ownership_and_support():
    result = compute_risk(
        facts(
            has_decision_owner=False,
            has_accountable_person=False,
            missing_support=["who monitors it"],
        ),
        NOW,
    )
    assert result.level == RiskLevel.AT_RISK
    assert result.reasons == [
        "Decision owner missing",
        "Nobody named accountable when the AI is wrong",
        "Support model unanswered: who monitors it",
    ]


def test_readiness_per_concern():
    result = compute_risk(
        facts(
            assessments=[
                AssessmentFacts("security", "in_progress", 3, FRESH),
                AssessmentFacts("vendor", "satisfied", 4, FRESH),
                AssessmentFacts("governance", "not_started", None, FRESH),
            ],
            open_inputs=[
                OpenInputFacts("security", "medium", "Pen test"),
                OpenInputFacts("vendor", "low", "Exit clause"),
                OpenInputFacts("governance", "high", "Model card"),
            ],
        ),
        NOW,
    )
    assert result.readiness == {"security": 60 - 10 - 15, "vendor": 95, "governance": 0}


def test_drafts_carry_no_risk():
    result = compute_risk(facts(status="draft", has_decision_owner=False), NOW)
    assert result.level == RiskLevel.ON_TRACK and result.reasons == []


# --- The stored status ---------------------------------------------------------------------


@pytest.fixture
def reviewed(users):
    initiative = factories.in_review_initiative(sponsor=users["sponsor"])
    factories.working_series(initiative=initiative, user=users["it_lead"])
    ensure_assessments(initiative)
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
    assert security.readiness == 0  # not started (20) minus a high input (35), clamped
    assert security.updated_at == stamp  # readiness is no assessment update (staleness)
    assert ConcernAssessment.objects.get(initiative=reviewed, area="vendor").readiness == 20

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
