"""Risk status: the pure computation (governance/risk/rules.py)."""

from datetime import UTC, date, datetime, timedelta

from governance.risk.rules import AssessmentFacts, InitiativeFacts, OpenInputFacts, compute_risk
from initiatives.models import RiskLevel

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
