"""Review queues per role and the vendor ranking arithmetic."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from initiatives.models import Phase, Status, VendorCandidate
from reviews import selectors, services
from reviews.models import ConcernArea, DesignInput, EvaluationCriterion, VendorScore
from reviews.selectors import QUEUE_TABS, QueueFilters, review_queue
from tests import factories
from tests.conftest import rolled_back
from tests.reviews.conftest import _evaluation

pytestmark = pytest.mark.django_db


def _ids(user, tab="all", **filters):
    rows, counts, _ = review_queue(user, tab=tab, filters=QueueFilters(**filters))
    return [i.pk for i in rows], counts


@pytest.fixture
def portfolio(users):
    lead, reviewer = users["it_lead"], users["reviewer"]
    mine = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=lead, reviewer=reviewer, title="Mine"
    )
    secret = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=lead, reviewer=reviewer, title="Secret", confidential=True
    )
    theirs = factories.in_review_initiative(
        sponsor=users["other_sponsor"],
        it_lead=lead,
        reviewer=users["other_reviewer"],
        title="Theirs",
    )
    unassigned = factories.submitted_initiative(sponsor=users["other_sponsor"], title="Unassigned")
    hidden = factories.submitted_initiative(
        sponsor=users["other_sponsor"], title="Hidden", confidential=True
    )
    draft = factories.complete_initiative(sponsor=users["sponsor"], title="Draft")
    return {
        "mine": mine,
        "secret": secret,
        "theirs": theirs,
        "unassigned": unassigned,
        "hidden": hidden,
        "draft": draft,
    }


def test_reviewer_queue_holds_only_their_assignments(portfolio, users):
    ids, counts = _ids(users["reviewer"])
    assert set(ids) == {portfolio["mine"].pk, portfolio["secret"].pk}
    assert counts["all"] == 2
    other, _ = _ids(users["other_reviewer"])
    assert other == [portfolio["theirs"].pk]


def test_it_lead_queue_holds_all_submitted_work_and_unassigned_is_new(portfolio, users):
    ids, _ = _ids(users["it_lead"])
    expected = {"mine", "secret", "theirs", "unassigned", "hidden"}
    assert set(ids) == {portfolio[k].pk for k in expected}
    new, counts = _ids(users["it_lead"], tab="new")
    assert portfolio["unassigned"].pk in new
    assert counts["new"] == len(new)


@pytest.mark.parametrize("who", ["sponsor", "executive", "norole"])
def test_non_it_people_have_no_queue(portfolio, users, who):
    ids, counts = _ids(users[who])
    assert ids == [] and counts["all"] == 0


def test_tabs_follow_who_must_act(portfolio, users):
    reviewer = users["reviewer"]
    mine = portfolio["mine"]
    new, _ = _ids(reviewer, tab="new")
    assert mine.pk in new  # nothing started yet
    item = factories.design_input(initiative=mine, raised_by=reviewer)
    waiting_sponsor, _ = _ids(reviewer, tab="waiting_sponsor")
    assert mine.pk in waiting_sponsor
    services.update_assessment(
        assessment=mine.assessments.get(area=ConcernArea.SECURITY),
        user=reviewer,
        score=3,
        status="in_progress",
    )
    assert mine.pk not in _ids(reviewer, tab="new")[0]
    services.transition_design_input(
        design_input=item, user=users["sponsor"], action="propose", text="EU region"
    )
    assert mine.pk not in _ids(reviewer, tab="waiting_sponsor")[0]
    assert mine.pk in _ids(reviewer, tab="waiting_it")[0]


def test_urgency_order_safety_then_phase_then_age(users):
    lead, reviewer = users["it_lead"], users["reviewer"]
    old_idea = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=lead, reviewer=reviewer
    )
    pilot = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=lead, reviewer=reviewer
    )
    safety = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=lead, reviewer=reviewer
    )
    from initiatives.models import Initiative

    Initiative.objects.filter(pk=pilot.pk).update(phase=Phase.PILOT)
    Initiative.objects.filter(pk=safety.pk).update(safety_critical="yes")
    ids, _ = _ids(reviewer)
    assert ids == [safety.pk, pilot.pk, old_idea.pk]


def test_queue_filters(portfolio, users):
    site = factories.SiteFactory(name="Brno Plant")
    from initiatives.models import Initiative

    Initiative.objects.filter(pk=portfolio["theirs"].pk).update(site=site)
    assert _ids(users["it_lead"], site=site.pk)[0] == [portfolio["theirs"].pk]
    submitted, _ = _ids(users["it_lead"], status=Status.SUBMITTED)
    assert set(submitted) == {portfolio["unassigned"].pk, portfolio["hidden"].pk}
    services.assign_reviewer(
        initiative=portfolio["mine"],
        reviewer=users["other_reviewer"],
        concern_area=ConcernArea.VENDOR,
        user=users["it_lead"],
    )
    for a in portfolio["theirs"].assessments.filter(area=ConcernArea.VENDOR):
        services.update_assessment(
            assessment=a,
            user=users["other_reviewer"],
            score=1,
            status="satisfied",
            rationale="Open formats",
        )
    vendor, _ = _ids(users["it_lead"], concern=ConcernArea.VENDOR)
    assert portfolio["mine"].pk in vendor and portfolio["theirs"].pk not in vendor


def test_queue_counts_use_constant_queries(portfolio, users, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        rows, counts, _ = review_queue(users["it_lead"], tab="all")
        list(rows)


def test_weighted_ranking_arithmetic(users):
    initiative, (a, b, c), (sec, sso, exit_) = _evaluation(
        users, ["Alpha", "Beta", "Gamma"], [("Security", 3), ("SSO", 2), ("Exit", 1)]
    )
    grid = {a: [5, 3, 1], b: [3, 4, 5], c: [4, 4, 2]}
    for vendor, scores in grid.items():
        for criterion, score in zip((sec, sso, exit_), scores, strict=True):
            services.score_vendor(
                criterion=criterion, vendor=vendor, user=users["reviewer"], score=score
            )
    criteria, rows = selectors.vendor_comparison(initiative)
    assert [c.name for c in criteria] == ["Security", "SSO", "Exit"]
    # Alpha (15+6+1)/6 = 3.67, Beta (9+8+5)/6 = 3.67, Gamma (12+8+2)/6 = 3.67 — all tie.
    assert [r.weighted for r in rows] == [Decimal("3.67")] * 3
    assert [r.rank for r in rows] == [1, 1, 1]
    services.score_vendor(criterion=exit_, vendor=c, user=users["reviewer"], score=5)
    _, rows = selectors.vendor_comparison(initiative)
    # Gamma (12+8+5)/6 = 4.17 now leads; Alpha and Beta share rank 2 (sorted by name).
    assert [(r.vendor.name, r.weighted, r.rank) for r in rows] == [
        ("Gamma", Decimal("4.17"), 1),
        ("Alpha", Decimal("3.67"), 2),
        ("Beta", Decimal("3.67"), 2),
    ]
    assert [s.score for s in rows[0].scores] == [4, 4, 5]
    assert all(r.complete for r in rows)


def test_partly_scored_and_unscored_vendors(users):
    initiative, (a, b), (sec, sso) = _evaluation(
        users, ["Alpha", "Beta"], [("Security", 2), ("SSO", 1)]
    )
    services.score_vendor(criterion=sso, vendor=a, user=users["reviewer"], score=2)
    _, rows = selectors.vendor_comparison(initiative)
    assert rows[0].vendor == a and rows[0].weighted == Decimal("2.00") and not rows[0].complete
    assert rows[0].scores == [None, rows[0].scores[1]]
    assert rows[1].vendor == b and rows[1].weighted is None and rows[1].rank is None


def test_ten_vendors_rank_in_order(users, django_assert_max_num_queries):
    names = [f"Vendor {n:02d}" for n in range(10)]
    initiative, vendors, (crit,) = _evaluation(users, names, [("Viability", 4)])
    for n, vendor in enumerate(vendors):
        services.score_vendor(
            criterion=crit, vendor=vendor, user=users["reviewer"], score=1 + n % 5
        )
    with django_assert_max_num_queries(3):
        _, rows = selectors.vendor_comparison(initiative)
    assert len(rows) == 10
    assert [r.weighted for r in rows] == sorted((r.weighted for r in rows), reverse=True)
    assert rows[0].rank == 1 and rows[2].rank == 3 and rows[1].rank == 1


def test_without_a_tab_the_first_tab_with_work_is_shown(portfolio, users):
    services.update_assessment(
        assessment=portfolio["theirs"].assessments.get(area=ConcernArea.SECURITY),
        user=users["other_reviewer"],
        score=2,
        status="in_progress",
    )
    result = review_queue(users["other_reviewer"], tab=None)
    assert result.counts["new"] == 0 and result.tab == "waiting_it"
    assert [i.pk for i in result.rows] == [portfolio["theirs"].pk]


# --- Property: the ranking is Σ(weight × score) ÷ Σ(weight), whatever the criteria's order ----

a_matrix = st.integers(1, 4).flatmap(
    lambda criteria: st.tuples(
        st.lists(st.integers(1, 5), min_size=criteria, max_size=criteria),  # weights ≤ 5: ×2 fits
        st.lists(
            st.lists(st.none() | st.integers(1, 5), min_size=criteria, max_size=criteria),
            min_size=1,
            max_size=3,
        ),
        st.permutations(range(criteria)),
    )
)


def _ranking(initiative, user, weights, scores, order, factor=1) -> dict:
    """Vendor name → (weighted, rank, complete), with the criteria created in `order`."""
    with rolled_back():
        vendors = [
            VendorCandidate.objects.create(initiative=initiative, name=f"V{v}")
            for v in range(len(scores))
        ]
        criteria = {}
        for position, c in enumerate(order):
            criteria[c] = EvaluationCriterion.objects.create(
                initiative=initiative, name=f"C{c}", weight=weights[c] * factor, position=position
            )
        for v, row in enumerate(scores):
            for c, score in enumerate(row):
                if score is not None:
                    VendorScore.objects.create(
                        criterion=criteria[c], vendor=vendors[v], score=score, scored_by=user
                    )
        _, rows = selectors.vendor_comparison(initiative)
        return {r.vendor.name: (r.weighted, r.rank, r.complete) for r in rows}


@given(matrix=a_matrix)
def test_vendor_ranking_is_the_weighted_mean_in_any_order_and_scale(reviewed, users, matrix):
    weights, scores, order = matrix
    user = users["reviewer"]
    ranked = _ranking(reviewed, user, weights, scores, range(len(weights)))
    assert _ranking(reviewed, user, weights, scores, order) == ranked
    assert _ranking(reviewed, user, weights, scores, order, factor=2) == ranked
    expected = {}
    for v, row in enumerate(scores):
        scored = [(w, s) for w, s in zip(weights, row, strict=True) if s is not None]
        total = sum(w for w, _ in scored)
        mean = Fraction(sum(w * s for w, s in scored), total) if total else None
        weighted = (
            None
            if mean is None
            else (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        )
        expected[f"V{v}"] = (weighted, all(s is not None for s in row))
    assert {name: (w, complete) for name, (w, _, complete) in ranked.items()} == expected
    # Competition ranking: one more than the number of vendors strictly better; unscored: none.
    for name, (weighted, rank, _) in ranked.items():
        if weighted is None:
            assert rank is None
        else:
            better = sum(1 for w, _, _ in ranked.values() if w is not None and w > weighted)
            assert rank == better + 1, name


def test_half_a_hundredth_rounds_up_and_vendors_without_criteria_are_incomplete(users):
    """(1×3 + 7×2) ÷ 8 = 2.125 shows as 2.13 (half up, as people round), not 2.12."""
    initiative, (a,), (small, large) = _evaluation(users, ["Alpha"], [("A", 1), ("B", 7)])
    services.score_vendor(criterion=small, vendor=a, user=users["reviewer"], score=3)
    services.score_vendor(criterion=large, vendor=a, user=users["reviewer"], score=2)
    _, rows = selectors.vendor_comparison(initiative)
    assert (rows[0].weighted, rows[0].scored_weight, rows[0].rank) == (Decimal("2.13"), 8, 1)
    bare, (vendor,), _ = _evaluation(users, ["Solo"], [])
    criteria, rows = selectors.vendor_comparison(bare)
    assert criteria == []
    assert [(r.vendor, r.weighted, r.complete, r.rank) for r in rows] == [
        (vendor, None, False, None)
    ]


def test_tied_vendors_in_case_blind_alphabetical_order_and_unscored_last(users):
    names = ["beta", "Zeta", "alpha", "Unscored", "Q_Labs", "Qlik", "Un_rated"]
    initiative, vendors, (crit,) = _evaluation(users, names, [("Viability", 2)])
    for vendor in vendors:
        if not vendor.name.startswith("Un"):
            score = 4 if vendor.name.startswith("Q") else 3
            services.score_vendor(
                criterion=crit, vendor=vendor, user=users["reviewer"], score=score
            )
    _, rows = selectors.vendor_comparison(initiative)
    # "q_labs" < "qlik" as people read them ("_" sorts before letters), the unscored too.
    assert [(r.vendor.name, r.rank) for r in rows] == [
        ("Q_Labs", 1),
        ("Qlik", 1),
        ("alpha", 3),
        ("beta", 3),
        ("Zeta", 3),
        ("Un_rated", None),
        ("Unscored", None),
    ]


# --- Which design inputs block "ready for build" -------------------------------------------


def test_high_inputs_block_while_open_or_incorporated_but_not_yet_confirmed(reviewed, users):
    reviewer, sponsor = users["reviewer"], users["sponsor"]

    def raised(title, severity="high"):
        return factories.design_input(
            initiative=reviewed, raised_by=reviewer, severity=severity, title=title
        )

    def move(item, action, user=reviewer, text="done"):
        services.transition_design_input(design_input=item, user=user, action=action, text=text)

    open_one = raised("Open")
    proposed = raised("Proposed")
    move(proposed, "propose")
    unconfirmed = raised("Incorporated, not confirmed")
    move(unconfirmed, "incorporate", user=sponsor)
    confirmed = raised("Incorporated and confirmed")
    move(confirmed, "incorporate", user=sponsor)
    move(confirmed, "confirm", text="")
    accepted = raised("Risk accepted")
    move(accepted, "accept_risk", user=users["it_lead"])
    withdrawn = raised("Withdrawn")
    move(withdrawn, "withdraw")
    raised("Medium", severity="medium")
    raised("Low", severity="low")
    assert [d.title for d in selectors.blocking_design_inputs(reviewed)] == [
        "Open",
        "Proposed",
        "Incorporated, not confirmed",
    ]
    assert open_one.pk < proposed.pk < unconfirmed.pk  # oldest first


def test_blockers_are_listed_oldest_first(reviewed, users):
    first = factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], severity="high"
    )
    second = factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], severity="high"
    )
    DesignInput.objects.filter(pk=second.pk).update(created_at=first.created_at - timedelta(days=1))
    assert selectors.blocking_design_inputs(reviewed) == [second, first]
    other = factories.in_review_initiative(sponsor=users["other_sponsor"])
    assert selectors.blocking_design_inputs(other) == []


def test_blockers_raised_in_the_same_instant_are_listed_in_the_order_they_were_raised(
    reviewed, users
):
    """The id breaks the tie. Without it PostgreSQL returns tied rows in the order it finds
    them, and the update below (the proposal) stores the first row anew behind the second.
    (SQLite, which `make mutate` runs on, finds them in id order anyway.)"""
    first = factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], severity="high", title="First"
    )
    second = factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], severity="high", title="Second"
    )
    services.transition_design_input(
        design_input=first, user=users["reviewer"], action="propose", text="EU region"
    )
    DesignInput.objects.filter(pk=second.pk).update(created_at=first.created_at)
    assert [d.title for d in selectors.blocking_design_inputs(reviewed)] == ["First", "Second"]


def test_every_tab_is_counted_in_one_query_and_the_page_does_not_count_again(
    portfolio, users, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lead = users["it_lead"]
    for tab, _ in QUEUE_TABS:  # the aggregate's figure is the tab's number of rows
        result = review_queue(lead, tab=tab)
        assert result.counts[tab] == len(list(result.rows)) == result.rows.count()
    counts = review_queue(lead, tab="all").counts
    assert counts["all"] >= 2 and counts["all"] >= counts["new"]
    for path in ("/reviews/", "/api/review-queue/"):
        client.force_login(lead)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, {"tab": "all"})
        assert response.status_code == 200
        counting = [  # the tabs' aggregate, or a paginator's COUNT(*)
            q["sql"]
            for q in ctx.captured_queries
            if q["sql"].startswith('SELECT COUNT("initiatives_initiative"')
            or '"__count" FROM "initiatives_initiative"' in q["sql"]
        ]
        assert len(counting) == 1, counting  # four tabs, one query; the paginator reuses it
    assert response.json()["count"] == counts["all"]
    assert response.json()["counts"] == counts


def test_the_first_page_of_the_queue_is_read_from_the_urgency_index(portfolio, users):
    """The queue's sort expressions are those of the index initiative_review_urgency, so
    PostgreSQL reads the first page in order from it instead of sorting every open initiative
    (planner costs forced, as the test portfolio is too small for the index to pay)."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    rows = review_queue(users["it_lead"], tab="all").rows
    sql, params = rows.queryset[:20].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Index Scan using initiative_review_urgency" in plan, plan
    assert "Sort" not in plan.split("SubPlan")[0], plan
    # The order the index gives is the urgency the queue promises.
    ranked = [(i.safety_rank, i.phase_rank) for i in rows]
    assert ranked == sorted(ranked, reverse=True)


def test_the_tab_counts_are_read_from_the_queue_tabs_index_alone(portfolio, users):
    """The four tab counts test plain columns kept on the initiative (reviews.services.
    queue_facts): one index-only scan of initiative_review_queue_tabs, no subquery over the
    assessments or design inputs of every open initiative (planner costs forced, as the test
    portfolio is too small for an index to pay)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    with CaptureQueriesContext(connection) as ctx:
        counts = review_queue(users["it_lead"], tab="all").counts
    # Nothing assessed yet: all five are new; the three in review wait for IT.
    assert counts == {"new": 5, "waiting_it": 3, "waiting_sponsor": 0, "all": 5}
    (sql,) = [q["sql"] for q in ctx.captured_queries if 'AS "waiting_sponsor"' in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # On a handful of rows every index on the initiative costs about the same, and which
        # one the planner takes then depends on what earlier tests left in the statistics
        # (CI saw the urgency index and the confidentiality index taken). Every other index
        # that no constraint needs is set aside here, rolled back with the savepoint: the
        # plan must still be one index-only scan, and nothing may be read beside it.
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text FROM pg_index i
            WHERE i.indrelid = 'initiatives_initiative'::regclass
              AND i.indexrelid::regclass::text <> 'initiative_review_queue_tabs'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(line for (line,) in cursor.fetchall())
        transaction.set_rollback(True)
    assert "Index Only Scan using initiative_review_queue_tabs" in plan, plan
    assert "SubPlan" not in plan and "reviews_" not in plan, plan
