"""Risk status: the pure computation (governance/risk/rules.py)."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from governance.risk.rules import (
    AssessmentFacts,
    InitiativeFacts,
    OpenInputFacts,
    compute_risk,
    reason_in_language,
)
from initiatives.models import RiskLevel

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _labels_looked_up_afresh():
    """Each test finds the English labels of areas and roles not yet looked up: what one test
    left in the cache would hide from the next how a label is found."""
    from governance.risk import rules

    rules._ENGLISH_LABELS.clear()


def test_labels_in_reasons_are_english_when_first_looked_up_in_german():
    with translation.override("de"):
        result = compute_risk(
            facts(
                open_inputs=[OpenInputFacts("security", "high", "Residency")],
                acknowledgements={"decision_owner": "pending"},
            ),
            NOW,
        )
    assert result.reasons == [
        "High-severity design input open: Residency (Security & data exposure)",
        "Decision owner has not confirmed the role yet",
    ]


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


# --- Boundaries: each threshold just below, at and just above its edge ----------------------

TODAY = NOW.date()
SECOND = timedelta(seconds=1)


def high(title="Residency", due=None, area="security") -> OpenInputFacts:
    return OpenInputFacts(area, "high", title, due_date=due)


def quiet(**kwargs) -> InitiativeFacts:
    """Facts with no reason of their own: a weekly series held yesterday."""
    return facts(
        last_session_held=NOW - timedelta(days=1), series_started=date(2026, 10, 1), **kwargs
    )


@pytest.mark.parametrize(
    "due, level, reason",
    [
        (
            TODAY - timedelta(days=1),
            RiskLevel.BLOCKED,
            "High-severity design input overdue since 24 Nov 2026: Residency "
            "(Security & data exposure)",
        ),
        (
            TODAY,
            RiskLevel.AT_RISK,
            "High-severity design input open: Residency (Security & data exposure)",
        ),
        (
            TODAY + timedelta(days=1),
            RiskLevel.AT_RISK,
            "High-severity design input open: Residency (Security & data exposure)",
        ),
        (
            None,
            RiskLevel.AT_RISK,
            "High-severity design input open: Residency (Security & data exposure)",
        ),
    ],
)
def test_a_high_input_is_overdue_only_after_its_due_date(due, level, reason):
    result = compute_risk(quiet(open_inputs=[high(due=due)]), NOW)
    assert (result.level, result.reasons) == (level, [reason])


@pytest.mark.parametrize(
    "count, level", [(2, RiskLevel.AT_RISK), (3, RiskLevel.BLOCKED), (4, RiskLevel.BLOCKED)]
)
def test_three_high_inputs_at_once_block(count, level):
    inputs = [high(title=f"Finding {n}") for n in range(count)]
    result = compute_risk(quiet(open_inputs=inputs), NOW)
    assert result.level == level
    at_once = f"{count} high-severity design inputs open at once"
    assert (at_once in result.reasons) == (count >= 3)
    assert len(result.reasons) == count + (count >= 3)


@pytest.mark.parametrize(
    "due, reasons",
    [
        (TODAY - timedelta(days=1), ["1 design input(s) past their due date"]),
        (TODAY, []),
        (None, []),
    ],
)
@pytest.mark.parametrize("severity", ["medium", "low"])
def test_other_inputs_past_their_due_date_put_at_risk(severity, due, reasons):
    item = OpenInputFacts("vendor", severity, "Exit clause", due_date=due)
    result = compute_risk(quiet(open_inputs=[item]), NOW)
    assert result.reasons == reasons
    assert result.level == (RiskLevel.AT_RISK if reasons else RiskLevel.ON_TRACK)


def test_overdue_inputs_of_other_severities_are_counted_together():
    late = TODAY - timedelta(days=3)
    inputs = [
        OpenInputFacts("vendor", "medium", "A", due_date=late),
        OpenInputFacts("vendor", "low", "B", due_date=late),
        OpenInputFacts("vendor", "low", "C", due_date=TODAY),
    ]
    assert compute_risk(quiet(open_inputs=inputs), NOW).reasons == [
        "2 design input(s) past their due date"
    ]


@pytest.mark.parametrize(
    "score, status, level, reasons",
    [
        (4, "in_progress", RiskLevel.ON_TRACK, []),
        (5, "in_progress", RiskLevel.BLOCKED, ["Governance assessed as highest risk (5 of 5)"]),
        (
            5,
            "not_started",
            RiskLevel.BLOCKED,
            ["Not assessed yet: Governance", "Governance assessed as highest risk (5 of 5)"],
        ),
        (5, "satisfied", RiskLevel.ON_TRACK, []),
        (
            5,
            "needs_info",
            RiskLevel.BLOCKED,
            [
                "Governance assessed as highest risk (5 of 5)",
                "Governance: IT needs more information",
            ],
        ),
    ],
)
def test_score_five_blocks_unless_satisfied(score, status, level, reasons):
    result = compute_risk(
        quiet(assessments=[AssessmentFacts("governance", status, score, FRESH)]), NOW
    )
    assert (result.level, result.reasons) == (level, reasons)


@pytest.mark.parametrize(
    "age, reasons",
    [
        (timedelta(days=21) - SECOND, []),
        (timedelta(days=21), ["Vendor lock-in & survivability: no assessment update for 21 days"]),
        (timedelta(days=22), ["Vendor lock-in & survivability: no assessment update for 22 days"]),
    ],
)
@pytest.mark.parametrize("status", ["in_progress", "not_started"])
def test_an_assessment_is_stale_after_21_days(status, age, reasons):
    result = compute_risk(quiet(assessments=[AssessmentFacts("vendor", status, 2, NOW - age)]), NOW)
    if status == "not_started":
        reasons = ["Not assessed yet: Vendor lock-in & survivability", *reasons]
    assert result.reasons == reasons
    assert result.level == (RiskLevel.AT_RISK if reasons else RiskLevel.ON_TRACK)


def test_not_assessed_is_a_reason_never_on_track():
    assessments = [
        AssessmentFacts(area, "not_started", None, FRESH)
        for area in ("security", "governance", "vendor")
    ]
    result = compute_risk(quiet(assessments=assessments), NOW)
    assert result.level == RiskLevel.AT_RISK
    assert result.reasons == [
        "Not assessed yet: Governance, Security & data exposure, Vendor lock-in & survivability"
    ]


def test_a_concern_ruled_not_applicable_is_neither_a_risk_nor_unassessed():
    old = NOW - timedelta(days=90)
    result = compute_risk(
        quiet(assessments=[AssessmentFacts("vendor", "not_started", 5, old, not_applicable=True)]),
        NOW,
    )
    assert (result.level, result.reasons, result.readiness) == (
        RiskLevel.ON_TRACK,
        [],
        {"vendor": 100},
    )


def test_a_concern_ruled_not_applicable_leaves_the_others_counted():
    old = NOW - timedelta(days=90)
    result = compute_risk(
        quiet(
            assessments=[
                AssessmentFacts("architecture", "not_started", 5, old, not_applicable=True),
                AssessmentFacts("vendor", "in_progress", 5, FRESH),
            ]
        ),
        NOW,
    )
    assert result.readiness == {"architecture": 100, "vendor": 40}
    assert (result.level, result.reasons) == (
        RiskLevel.BLOCKED,
        ["Vendor lock-in & survivability assessed as highest risk (5 of 5)"],
    )


@pytest.mark.parametrize(
    "status, reasons",
    [
        ("satisfied", []),
        # Waiting for the sponsor's information is the reason, not IT's silence.
        ("needs_info", ["Vendor lock-in & survivability: IT needs more information"]),
    ],
)
def test_satisfied_and_needs_info_are_never_stale(status, reasons):
    old = NOW - timedelta(days=90)
    result = compute_risk(quiet(assessments=[AssessmentFacts("vendor", status, 2, old)]), NOW)
    assert result.reasons == reasons


# The window is two cadences: weekly 14 days, every two weeks 28, monthly 62; an unknown
# cadence counts as every two weeks.
WINDOWS = [("weekly", 14), ("biweekly", 28), ("monthly", 62), ("quarterly", 28)]
NO_SESSION = ["No working session held in the last 2 cadences"]


def midnight(days_ago: int) -> date:
    """The start date of a series that began `days_ago` days before NOW's midnight."""
    return (NOW - timedelta(days=days_ago)).date()


@pytest.mark.parametrize("cadence, days", WINDOWS)
def test_a_new_series_has_two_cadences_before_a_session_is_missed(cadence, days):
    # NOW is noon: a series that started `days` days ago at midnight is days + 12 h old.
    on_edge = NOW - timedelta(days=days)
    started = on_edge.date()
    at_edge = datetime.combine(started, datetime.min.time(), tzinfo=UTC) + timedelta(days=days)
    for now, reasons in [
        (at_edge - SECOND, []),
        (at_edge, NO_SESSION),
        (at_edge + SECOND, NO_SESSION),
    ]:
        result = compute_risk(facts(cadence=cadence, series_started=started), now)
        assert result.reasons == reasons, (cadence, now)


@pytest.mark.parametrize("cadence, days", WINDOWS)
def test_a_session_held_within_two_cadences_keeps_it_on_track(cadence, days):
    window = timedelta(days=days)
    for held_ago, reasons in [(window - SECOND, []), (window, []), (window + SECOND, NO_SESSION)]:
        result = compute_risk(
            facts(cadence=cadence, series_started=midnight(200), last_session_held=NOW - held_ago),
            NOW,
        )
        assert result.reasons == reasons, (cadence, held_ago)
        assert result.level == (RiskLevel.AT_RISK if reasons else RiskLevel.ON_TRACK)


def test_the_series_start_is_midnight_in_the_time_zone_of_now():
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 11, 15, 0, 0, tzinfo=berlin)
    started = date(2026, 11, 1)  # exactly 14 days before, at midnight Berlin time
    assert compute_risk(facts(series_started=started), now).reasons == NO_SESSION
    assert compute_risk(facts(series_started=started), now - SECOND).reasons == []


@pytest.mark.parametrize(
    "status, cadence, started, reasons",
    [
        ("in_review", None, None, ["No standing IT working session set up"]),
        ("in_review", "weekly", None, ["No standing IT working session set up"]),
        ("submitted", None, None, []),
        ("ready_for_build", None, None, []),
    ],
)
def test_only_initiatives_in_review_need_a_standing_session(status, cadence, started, reasons):
    result = compute_risk(facts(status=status, cadence=cadence, series_started=started), NOW)
    assert result.reasons == reasons


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_inactive_initiatives_are_on_track_whatever_their_facts(status):
    result = compute_risk(
        facts(
            status=status,
            open_inputs=[high(due=TODAY - timedelta(days=9)) for _ in range(3)],
            assessments=[AssessmentFacts("vendor", "in_progress", 5, NOW - timedelta(days=60))],
            cadence=None,
            has_decision_owner=False,
        ),
        NOW,
    )
    assert (result.level, result.reasons) == (RiskLevel.ON_TRACK, [])
    assert result.readiness == {"vendor": 40}  # readiness is still computed (60 - 20)


@pytest.mark.parametrize("status", ["submitted", "in_review", "ready_for_build"])
def test_active_initiatives_carry_their_risk(status):
    result = compute_risk(quiet(status=status, has_accountable_person=False), NOW)
    assert (result.level, result.reasons) == (
        RiskLevel.AT_RISK,
        ["Nobody named accountable when the AI is wrong"],
    )


def test_a_lower_level_never_lowers_a_higher_one_and_reasons_keep_their_order():
    result = compute_risk(
        quiet(
            open_inputs=[high("Zeta", due=TODAY - timedelta(days=1)), high("Alpha", area="vendor")],
            assessments=[
                AssessmentFacts("vendor", "needs_info", None, FRESH),
                AssessmentFacts("architecture", "in_progress", 2, NOW - timedelta(days=30)),
            ],
            missing_support=["who maintains it", "who monitors it"],
        ),
        NOW,
    )
    assert result.level == RiskLevel.BLOCKED
    assert result.reasons == [
        "High-severity design input open: Alpha (Vendor lock-in & survivability)",
        "High-severity design input overdue since 24 Nov 2026: Zeta (Security & data exposure)",
        "Architecture & integration: no assessment update for 30 days",
        "Vendor lock-in & survivability: IT needs more information",
        "Support model unanswered: who maintains it, who monitors it",
    ]


def test_an_area_without_a_label_is_named_as_stored():
    result = compute_risk(quiet(open_inputs=[high(area="ethics")]), NOW)
    assert result.reasons == ["High-severity design input open: Residency (ethics)"]


# --- Readiness: the base per status, the score and the open inputs of the same area ---------


@pytest.mark.parametrize(
    "status, score, expected",
    [
        ("satisfied", None, 100),
        ("satisfied", 5, 100),  # a satisfied area keeps 100 whatever its score
        ("in_progress", None, 60),
        ("in_progress", 1, 60),
        ("in_progress", 2, 55),
        ("in_progress", 5, 40),
        ("needs_info", None, 40),
        ("needs_info", 3, 30),
        ("not_started", None, 20),
        ("not_started", 4, 5),
        ("not_started", 5, 0),
        ("something_new", None, 20),  # an unknown status counts as not started
    ],
)
def test_readiness_base_and_score(status, score, expected):
    result = compute_risk(
        facts(assessments=[AssessmentFacts("security", status, score, FRESH)]), NOW
    )
    assert result.readiness == {"security": expected}


@pytest.mark.parametrize(
    "severities, expected",
    [
        ([], 100),
        (["low"], 95),
        (["medium"], 85),
        (["high"], 65),
        (["high", "medium", "low"], 45),
        (["high", "high", "high"], 0),  # 100 - 105, never below 0
        (["critical"], 100),  # an unknown severity costs nothing
    ],
)
def test_readiness_loses_per_open_input_of_its_area(severities, expected):
    inputs = [OpenInputFacts("security", s, f"F{n}") for n, s in enumerate(severities)]
    inputs.append(OpenInputFacts("vendor", "high", "Elsewhere"))  # another area: no effect
    assessment = AssessmentFacts("security", "satisfied", 1, FRESH)
    result = compute_risk(facts(assessments=[assessment], open_inputs=inputs), NOW)
    assert result.readiness == {"security": expected}


@given(
    status=st.sampled_from(["satisfied", "in_progress", "needs_info", "not_started", "x"]),
    score=st.one_of(st.none(), st.integers(min_value=-20, max_value=20)),
    severities=st.lists(st.sampled_from(["high", "medium", "low"]), max_size=6),
)
@example(status="in_progress", score=-9, severities=[])  # 60 + 50: capped at 100
@example(status="not_started", score=5, severities=["high"])  # 20 - 20 - 35: floored at 0
def test_readiness_always_stays_between_0_and_100(status, score, severities):
    inputs = [OpenInputFacts("security", s, f"F{n}") for n, s in enumerate(severities)]
    assessment = AssessmentFacts("security", status, score, FRESH)
    value = compute_risk(facts(assessments=[assessment], open_inputs=inputs), NOW).readiness
    assert 0 <= value["security"] <= 100


@pytest.mark.parametrize(
    "acknowledgements, level, reasons",
    [
        ({"decision_owner": "acknowledged", "accountable": "acknowledged"}, "on_track", []),
        (
            {"decision_owner": "pending", "accountable": "acknowledged"},
            "at_risk",
            ["Decision owner has not confirmed the role yet"],
        ),
        (
            {"decision_owner": "acknowledged", "accountable": "declined"},
            "at_risk",
            ["Accountable person declined the role: name someone else"],
        ),
        (
            {"decision_owner": "declined", "accountable": "pending"},
            "at_risk",
            [
                "Decision owner declined the role: name someone else",
                "Accountable person has not confirmed the role yet",
            ],
        ),
    ],
)
def test_named_roles_count_once_confirmed(acknowledgements, level, reasons):
    result = compute_risk(quiet(acknowledgements=acknowledgements), NOW)
    assert (result.level, result.reasons) == (level, reasons)


# --- Explainability and operator trust ----------------------------------------------------

OVERRIDE_REASON = "Safety-critical, and overrides of the AI are not logged"
OPERATOR_REASON = "Operators act on its output, and their overrides are not logged"


@pytest.mark.parametrize(
    ("safety_critical", "operator_facing", "override_logged", "reasons"),
    [
        (True, False, "", [OVERRIDE_REASON]),  # not answered counts as not logged
        (True, True, "no", [OVERRIDE_REASON]),  # one reason, not two
        (True, True, "yes", []),
        (False, True, "no", [OPERATOR_REASON]),
        (False, True, "", []),  # not answered yet: the intake asks, not the risk status
        (False, True, "yes", []),
        (False, False, "no", []),  # nobody acts on its output
    ],
)
def test_an_override_nobody_logs_puts_at_risk(
    safety_critical, operator_facing, override_logged, reasons
):
    result = compute_risk(
        facts(
            safety_critical=safety_critical,
            operator_facing=operator_facing,
            override_logged=override_logged,
        ),
        NOW,
    )
    assert result.reasons == reasons
    assert result.level == (RiskLevel.AT_RISK if reasons else RiskLevel.ON_TRACK)


def test_an_unlogged_override_is_no_risk_before_it_is_with_it():
    result = compute_risk(facts(status="draft", safety_critical=True), NOW)
    assert (result.level, result.reasons) == (RiskLevel.ON_TRACK, [])


@pytest.mark.parametrize(
    ("status", "unanswered", "readiness"),
    [
        ("in_progress", 0, 60),
        ("in_progress", 1, 55),
        ("in_progress", 5, 35),
        ("not_started", 5, 0),  # 20 - 25, clamped
        ("satisfied", 5, 100),  # IT is satisfied: the intake's gaps were answered in review
    ],
)
def test_explainability_readiness_loses_five_per_unanswered_intake_question(
    status, unanswered, readiness
):
    result = compute_risk(
        facts(
            assessments=[
                AssessmentFacts("explainability", status, None, FRESH),
                AssessmentFacts("security", status, None, FRESH),
            ],
            unanswered_explainability=unanswered,
        ),
        NOW,
    )
    assert result.readiness["explainability"] == readiness
    # The other areas do not depend on these answers.
    assert result.readiness["security"] == {"in_progress": 60, "not_started": 20}.get(status, 100)


# --- Reasons are stored in English and read in the reader's language ----------------------

OVERDUE_LOGS = "High-severity design input overdue since %s: Logs (Vendor lock-in & survivability)"


@pytest.mark.parametrize(
    "stored, german",
    [
        (
            "Not assessed yet: Governance, Security & data exposure",
            "Noch nicht bewertet: Governance, Sicherheit & Datenexposition",
        ),
        (
            "Accountable person declined the role: name someone else",
            "Verantwortliche Person hat die Rolle abgelehnt: Benennen Sie jemand anderen",
        ),
        (
            "Decision owner has not confirmed the role yet",
            "Entscheidungsverantwortliche Person hat die Rolle noch nicht bestätigt",
        ),
        (
            "Support model unanswered: who maintains it, who monitors it",
            "Betriebsmodell unbeantwortet: wer sie wartet, wer sie überwacht",
        ),
        ("2 design input(s) past their due date", "2 Design-Input(s) überfällig"),
        (
            "Vendor lock-in & survivability: no assessment update for 30 days",
            "Anbieterbindung & Zukunftsfähigkeit: seit 30 Tagen keine Aktualisierung der Bewertung",
        ),
        (
            "Architecture & integration assessed as highest risk (5 of 5)",
            "Architektur & Integration mit höchstem Risiko bewertet (5 von 5)",
        ),
        (
            OVERDUE_LOGS % "05 Mar 2030",
            "Design-Input mit hohem Schweregrad überfällig seit 05 Mär 2030: Logs "
            "(Anbieterbindung & Zukunftsfähigkeit)",
        ),
        # A date that is no date stays as written; the rest is still translated.
        (
            OVERDUE_LOGS % "31 Feb 2030",
            "Design-Input mit hohem Schweregrad überfällig seit 31 Feb 2030: Logs "
            "(Anbieterbindung & Zukunftsfähigkeit)",
        ),
        # An area without a label (and a title with brackets of its own) stays as stored.
        (
            "High-severity design input open: Data (images) (ethics)",
            "Design-Input mit hohem Schweregrad offen: Data (images) (ethics)",
        ),
        (
            "No working session held in the last 2 cadences",
            "In den letzten 2 Rhythmen keine Arbeitssitzung abgehalten",
        ),
        # Written by an older version: no template matches, shown as stored.
        ("Waiting for the vendor", "Waiting for the vendor"),
    ],
)
def test_a_stored_reason_is_read_in_the_readers_language(stored, german):
    with translation.override("de"):
        assert reason_in_language(stored) == german
    with translation.override("en"):
        assert reason_in_language(stored) == stored


def test_reasons_are_stored_in_english_whoever_computes_them():
    """A recompute runs in anybody's request: the reasons it stores are English all the same
    (the area and the role in them too)."""
    facts = quiet(
        open_inputs=[high(due=TODAY - timedelta(days=1))],
        acknowledgements={"accountable": "pending"},
    )
    with translation.override("de"):
        reasons = compute_risk(facts, NOW).reasons
    assert reasons == [
        "High-severity design input overdue since 24 Nov 2026: Residency "
        "(Security & data exposure)",
        "Accountable person has not confirmed the role yet",
    ]


# --- When the result next changes with time alone (`recheck_at`) ---------------------------

TICK = timedelta(microseconds=1)


def timeless(**kwargs) -> InitiativeFacts:
    """Submitted facts without a working series: nothing in them turns with time but what a
    test adds."""
    return facts(status="submitted", cadence=None, series_started=None, **kwargs)


def outcome(f: InitiativeFacts, at: datetime) -> tuple:
    result = compute_risk(f, at)
    return result.level, result.reasons, result.readiness


def turns_exactly_at(f: InitiativeFacts, now: datetime, expected: datetime) -> None:
    """The result computed at `now` re-checks at `expected`: a tick before, the same facts
    give the same result; at it, another one."""
    recheck_at = compute_risk(f, now).recheck_at
    assert recheck_at == expected
    assert outcome(f, expected - TICK) == outcome(f, now)
    assert outcome(f, expected) != outcome(f, now)


def test_a_high_input_is_rechecked_the_midnight_after_its_due_date():
    f = timeless(open_inputs=[high(due=date(2026, 11, 30))])
    turns_exactly_at(f, NOW, datetime(2026, 12, 1, tzinfo=UTC))
    assert compute_risk(f, datetime(2026, 12, 1, tzinfo=UTC)).level == RiskLevel.BLOCKED
    # Due today: still not overdue today, overdue from tomorrow's midnight.
    today = timeless(open_inputs=[high(due=NOW.date())])
    turns_exactly_at(today, NOW, datetime(2026, 11, 26, tzinfo=UTC))


def test_an_overdue_input_or_one_without_due_date_needs_no_recheck():
    overdue = timeless(open_inputs=[high(due=date(2026, 11, 1))])
    assert compute_risk(overdue, NOW).recheck_at is None
    undated = timeless(open_inputs=[high(), OpenInputFacts("vendor", "low", "Exit clause")])
    assert compute_risk(undated, NOW).recheck_at is None


def test_other_inputs_are_rechecked_at_each_due_date_in_turn():
    inputs = [
        OpenInputFacts("vendor", "low", "Exit clause", due_date=date(2026, 12, 3)),
        OpenInputFacts("security", "medium", "Pen test", due_date=date(2026, 11, 27)),
        OpenInputFacts("security", "medium", "Old", due_date=date(2026, 11, 2)),
    ]
    f = timeless(open_inputs=inputs)
    assert compute_risk(f, NOW).reasons == ["1 design input(s) past their due date"]
    turns_exactly_at(f, NOW, datetime(2026, 11, 28, tzinfo=UTC))
    later = datetime(2026, 11, 28, tzinfo=UTC)
    assert compute_risk(f, later).reasons == ["2 design input(s) past their due date"]
    turns_exactly_at(f, later, datetime(2026, 12, 4, tzinfo=UTC))
    assert compute_risk(f, datetime(2026, 12, 4, tzinfo=UTC)).recheck_at is None


def test_due_dates_turn_at_midnight_in_the_time_zone_of_now():
    eastern = timezone(timedelta(hours=-5))
    now = datetime(2026, 11, 30, 22, 0, tzinfo=eastern)  # already 1 December in UTC
    f = timeless(open_inputs=[high(due=date(2026, 11, 30))])
    turns_exactly_at(f, now, datetime(2026, 12, 1, tzinfo=eastern))


@pytest.mark.parametrize("status", ["in_progress", "not_started", "x"])
def test_an_assessment_is_rechecked_when_it_turns_stale_and_every_day_after(status):
    updated = NOW - timedelta(days=10, hours=3)
    f = timeless(assessments=[AssessmentFacts("vendor", status, 2, updated)])
    turns_exactly_at(f, NOW, updated + timedelta(days=21))
    # Stale: the reason counts the days, so it changes once a day.
    stale_at = updated + timedelta(days=21)
    assert "Vendor lock-in & survivability: no assessment update for 21 days" in (
        compute_risk(f, stale_at).reasons
    )
    turns_exactly_at(f, stale_at, updated + timedelta(days=22))
    turns_exactly_at(f, stale_at + timedelta(hours=30), updated + timedelta(days=23))


@pytest.mark.parametrize(
    "assessment",
    [
        AssessmentFacts("vendor", "satisfied", 5, NOW - timedelta(days=90)),
        AssessmentFacts("vendor", "needs_info", 2, NOW - timedelta(days=90)),
        AssessmentFacts("vendor", "in_progress", 5, NOW - timedelta(days=90), True),
    ],
)
def test_an_assessment_that_cannot_go_stale_needs_no_recheck(assessment):
    assert compute_risk(timeless(assessments=[assessment]), NOW).recheck_at is None


@pytest.mark.parametrize("cadence, days", WINDOWS)
def test_a_new_series_is_rechecked_when_two_cadences_have_passed(cadence, days):
    f = facts(cadence=cadence, series_started=midnight(3))
    turns_exactly_at(
        f, NOW, datetime.combine(midnight(3), datetime.min.time(), UTC) + timedelta(days=days)
    )


@pytest.mark.parametrize("cadence, days", WINDOWS)
def test_a_held_session_is_rechecked_a_tick_after_two_cadences(cadence, days):
    held = NOW - timedelta(days=2, seconds=7)
    f = facts(cadence=cadence, series_started=midnight(200), last_session_held=held)
    turns_exactly_at(f, NOW, held + timedelta(days=days) + TICK)


def test_a_series_is_rechecked_when_both_its_start_and_its_last_session_are_old_enough():
    # Started 5 days ago with a session held before the series began (a moved series).
    held = NOW - timedelta(days=9)
    f = facts(cadence="weekly", series_started=midnight(5), last_session_held=held)
    start = datetime.combine(midnight(5), datetime.min.time(), UTC)
    turns_exactly_at(f, NOW, start + timedelta(days=14))
    # Held 1 day ago: the session's window ends later than the start's.
    held = NOW - timedelta(days=1)
    f = facts(cadence="weekly", series_started=midnight(5), last_session_held=held)
    turns_exactly_at(f, NOW, held + timedelta(days=14) + TICK)


def test_a_missed_session_needs_no_recheck_until_one_is_held():
    f = facts(cadence="weekly", series_started=midnight(60), last_session_held=None)
    assert compute_risk(f, NOW).reasons == NO_SESSION
    assert compute_risk(f, NOW).recheck_at is None


def test_the_earliest_turn_is_the_recheck_and_inactive_initiatives_have_none():
    updated = NOW - timedelta(days=20)
    inputs = [high(due=date(2026, 12, 10))]
    assessments = [AssessmentFacts("vendor", "in_progress", 2, updated)]
    f = timeless(open_inputs=inputs, assessments=assessments)
    turns_exactly_at(f, NOW, updated + timedelta(days=21))
    for status in ("draft", "withdrawn"):
        inactive = facts(status=status, open_inputs=inputs, assessments=assessments)
        assert compute_risk(inactive, NOW).recheck_at is None


ZONES = [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-7, minutes=-30))]
STATUSES = ["draft", "submitted", "in_review", "ready_for_build", "withdrawn"]
AREAS = ["security", "vendor", "explainability"]


@st.composite
def facts_and_now(draw):
    """Random facts around a random moment: due dates, updates, series starts and sessions
    held within a few months on either side of it."""
    now = draw(
        st.datetimes(
            min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
        )
    ).astimezone(draw(st.sampled_from(ZONES)))
    moments = st.builds(
        lambda seconds, micros: now + timedelta(seconds=seconds, microseconds=micros),
        st.integers(min_value=-90 * 86400, max_value=5 * 86400),
        st.integers(min_value=0, max_value=999_999),
    ).map(lambda m: m.astimezone(UTC))
    days = st.builds(
        lambda offset: now.date() + timedelta(days=offset),
        st.integers(min_value=-40, max_value=40),
    )
    assessments = st.lists(
        st.builds(
            AssessmentFacts,
            st.sampled_from(AREAS),
            st.sampled_from(["satisfied", "in_progress", "needs_info", "not_started"]),
            st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
            moments,
            st.booleans(),
        ),
        max_size=4,
    )
    inputs = st.lists(
        st.builds(
            OpenInputFacts,
            st.sampled_from(AREAS),
            st.sampled_from(["high", "medium", "low"]),
            st.sampled_from(["A", "B", "C"]),
            st.one_of(st.none(), days),
        ),
        max_size=4,
    )
    has_series = draw(st.booleans())
    f = InitiativeFacts(
        status=draw(st.sampled_from(STATUSES)),
        assessments=draw(assessments),
        open_inputs=draw(inputs),
        cadence=draw(st.sampled_from(["weekly", "biweekly", "monthly"])) if has_series else None,
        series_started=draw(days) if has_series else None,
        last_session_held=draw(st.one_of(st.none(), moments)),
    )
    return f, now


@settings(max_examples=300)
@given(case=facts_and_now(), data=st.data())
def test_before_its_recheck_a_result_stays_and_at_it_the_result_changes(case, data):
    """Recomputing the same facts at any moment from `now` until just before `recheck_at`
    gives the result computed at `now`; at `recheck_at` it differs (the moment is exact, so
    the sweep neither misses a change nor recomputes for nothing). No re-check: the result
    holds for good."""
    f, now = case
    result = compute_risk(f, now)
    # Read in the time zone of `now`, as the sweep reads its clock (dates turn at its midnight).
    horizon = result.recheck_at and result.recheck_at.astimezone(now.tzinfo)
    if horizon is None:
        later = data.draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
        assert outcome(f, now + later) == outcome(f, now)
        return
    assert horizon > now
    span = horizon - now
    before = data.draw(st.timedeltas(min_value=timedelta(0), max_value=span - TICK))
    for moment in (now + before, horizon - TICK):
        assert outcome(f, moment) == outcome(f, now), moment
    assert outcome(f, horizon) != outcome(f, now)
