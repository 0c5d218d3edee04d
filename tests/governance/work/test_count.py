"""The navigation's *My work* count (`work_count`, counted by the database) is always the
length of the list (`work_of`): every kind of item, hidden and withdrawn initiatives,
assessments outside review, area-only assignments, co-sponsors, sessions in and out of the
week ahead, narrowed to some initiatives or not."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from governance.decisions.services import request_change
from governance.sessions.models import WorkingSession
from governance.work.selectors import WorkOf, work_count, work_of
from initiatives.models import Initiative, RoleAcknowledgement, Status
from initiatives.roles import roles_of
from reviews import services as review_services
from reviews.models import AssessmentStatus, ConcernAssessment, DesignInput, DesignInputStatus
from tests import factories
from tests.conftest import rolled_back

pytestmark = pytest.mark.django_db

KINDS = {
    "acknowledge_role",
    "answer_input",
    "confirm_input",
    "assess",
    "give_info",
    "decide_change",
    "attend_session",
}


@pytest.fixture
def world(users):
    """Every kind of item for several people, on initiatives in every state that matters."""
    sponsor, reviewer, lead = users["sponsor"], users["reviewer"], users["it_lead"]
    busy = factories.in_review_initiative(
        sponsor=sponsor, it_lead=lead, reviewer=reviewer, co_sponsors=[users["co_sponsor"]]
    )
    factories.design_input(initiative=busy, raised_by=reviewer, severity="high")
    factories.design_input(initiative=busy, raised_by=reviewer, severity="low")
    incorporated = factories.design_input(initiative=busy, raised_by=reviewer)
    review_services.transition_design_input(
        design_input=incorporated, user=sponsor, action="incorporate", text="Done"
    )
    review_services.update_assessment(
        assessment=busy.assessments.get(area="security"), user=reviewer, status="needs_info"
    )
    request_change(initiative=busy, user=sponsor, kind="new_model_version", description="v2")
    factories.working_series(initiative=busy, user=sponsor, participants=[reviewer])
    # Area-only: the other reviewer reviews security on this one.
    area_only = factories.in_review_initiative(
        sponsor=users["other_sponsor"],
        it_lead=lead,
        reviewer=users["other_reviewer"],
        concern_area="security",
    )
    factories.design_input(initiative=area_only, raised_by=users["other_reviewer"])
    # A named decision owner who has not confirmed the role yet.
    factories.submitted_initiative(
        sponsor=users["other_sponsor"], decision_owner=reviewer, roles_acknowledged=False
    )
    # Confidential, of another team: its rows point at people it is hidden from.
    secret = factories.in_review_initiative(
        sponsor=users["other_sponsor"],
        it_lead=lead,
        reviewer=users["other_reviewer"],
        confidential=True,
    )
    hidden_input = factories.design_input(initiative=secret, raised_by=users["other_reviewer"])
    DesignInput.objects.filter(pk=hidden_input.pk).update(owner=users["norole"])
    ConcernAssessment.objects.filter(initiative=secret).update(reviewer=users["norole"])
    # Withdrawn, and past review (its assessments no longer wait; its inputs still do).
    gone = factories.in_review_initiative(sponsor=sponsor, it_lead=lead, reviewer=reviewer)
    factories.design_input(initiative=gone, raised_by=reviewer)
    factories.make_status(gone, Status.WITHDRAWN)
    built = factories.in_review_initiative(sponsor=sponsor, it_lead=lead, reviewer=reviewer)
    factories.design_input(initiative=built, raised_by=reviewer)
    factories.make_status(built, Status.READY_FOR_BUILD)
    # Sessions: one this week, one beyond the week, one past.
    sessions = list(WorkingSession.objects.filter(initiative=busy).order_by("starts_at"))
    now = timezone.now()
    WorkingSession.objects.filter(pk=sessions[0].pk).update(
        starts_at=now + datetime.timedelta(days=1)
    )
    WorkingSession.objects.filter(pk__in=[s.pk for s in sessions[1:]]).update(
        starts_at=now + datetime.timedelta(days=9)
    )
    if len(sessions) > 2:
        WorkingSession.objects.filter(pk=sessions[2].pk).update(
            starts_at=now - datetime.timedelta(days=1)
        )
    return {"busy": busy, "area_only": area_only, "secret": secret, "gone": gone, "built": built}


PEOPLE = (
    "sponsor",
    "co_sponsor",
    "other_sponsor",
    "reviewer",
    "other_reviewer",
    "it_lead",
    "executive",
    "admin",
    "norole",
)


def _assert_count_is_the_list(users, people=PEOPLE, narrowings=()) -> None:
    for name in people:
        user = users[name]
        assert work_count(user) == len(work_of(user)), name
        # One reader per request: it counts, then its narrowed readers (the initiative
        # page's card) reuse its reads and list the same items as a reader of their own.
        shared = WorkOf(user)
        shared.count()
        for narrowed in narrowings:
            assert work_count(user, narrowed) == len(work_of(user, narrowed)), (name, narrowed)
            assert shared.on(narrowed).items() == work_of(user, narrowed), (name, narrowed)
            if len(narrowed) == 1:
                assert shared.count_on(narrowed[0]) == len(work_of(user, narrowed)), name


def test_the_count_is_the_length_of_the_list_for_everyone(users, world):
    _assert_count_is_the_list(users, narrowings=[[i.pk] for i in world.values()] + [[]])
    assert work_count(users["sponsor"], []) == 0
    # The world is not empty of what the rules leave out: every kind is someone's, hidden,
    # withdrawn and past-review rows exist, and they are not counted.
    kinds = {i.kind for name in PEOPLE for i in work_of(users[name])}
    assert kinds == KINDS
    assert work_count(users["norole"]) == 0
    assert DesignInput.objects.filter(owner=users["norole"]).exists()
    assert work_count(users["reviewer"], [world["built"].pk]) == 0
    assert work_count(users["sponsor"], [world["built"].pk]) == 1  # the input still waits
    assert work_count(users["sponsor"], [world["gone"].pk]) == 0
    assert work_count(users["other_reviewer"], [world["area_only"].pk]) == 1  # security only
    assert work_count(users["co_sponsor"]) == len(work_of(users["co_sponsor"])) >= 2


def test_an_inactive_or_anonymous_user_has_nothing(users, world):
    from django.contrib.auth.models import AnonymousUser

    assert work_count(AnonymousUser()) == 0
    users["reviewer"].is_active = False
    assert work_count(users["reviewer"]) == 0 == len(work_of(users["reviewer"]))


statuses = st.sampled_from([s.value for s in Status])
assessment_statuses = st.sampled_from([s.value for s in AssessmentStatus])
input_statuses = st.sampled_from([s.value for s in DesignInputStatus])


@given(
    initiative_states=st.lists(st.tuples(statuses, st.booleans()), min_size=5, max_size=5),
    assessment_states=st.lists(assessment_statuses, min_size=4, max_size=4),
    input_states=st.lists(st.tuples(input_statuses, st.booleans()), min_size=6, max_size=6),
    session_days=st.lists(st.integers(min_value=-3, max_value=10), min_size=1, max_size=3),
    acknowledgement=st.sampled_from(["pending", "acknowledged", "declined"]),
    narrowed=st.lists(st.integers(min_value=0, max_value=4), max_size=3),
)
def test_the_count_is_the_length_of_the_list_in_any_state(
    users,
    world,
    initiative_states,
    assessment_states,
    input_states,
    session_days,
    acknowledgement,
    narrowed,
):
    """Whatever state each initiative, assessment, input, session and named role is in."""
    with rolled_back():
        for initiative, (status, confidential) in zip(
            world.values(), initiative_states, strict=True
        ):
            Initiative.objects.filter(pk=initiative.pk).update(
                status=status, confidential=confidential
            )
        for pk, status in zip(
            ConcernAssessment.objects.order_by("pk").values_list("pk", flat=True)[::3],
            assessment_states,
            strict=False,
        ):
            ConcernAssessment.objects.filter(pk=pk).update(status=status)
        for pk, (status, confirmed) in zip(
            DesignInput.objects.order_by("pk").values_list("pk", flat=True),
            input_states,
            strict=False,
        ):
            DesignInput.objects.filter(pk=pk).update(
                status=status,
                confirmed_at=timezone.now() if confirmed else None,
                accepted_by=users["it_lead"] if status == "risk_accepted" else None,
            )
        now = timezone.now()
        for pk, days in zip(
            WorkingSession.objects.order_by("pk").values_list("pk", flat=True),
            session_days,
            strict=False,
        ):
            WorkingSession.objects.filter(pk=pk).update(
                starts_at=now + datetime.timedelta(days=days, hours=1)
            )
        RoleAcknowledgement.objects.update(status=acknowledgement, reason="Not my area")
        initiatives = list(world.values())
        _assert_count_is_the_list(
            users,
            people=("sponsor", "co_sponsor", "reviewer", "other_reviewer", "it_lead", "norole"),
            narrowings=[[initiatives[i].pk for i in narrowed]],
        )


def test_the_summary_is_the_first_items_of_the_list(users, world):
    for name in ("sponsor", "reviewer", "co_sponsor"):
        items = work_of(users[name])
        assert len(items) >= 2
        for limit in (1, 2, 5, 100):
            assert WorkOf(users[name]).first(limit) == items[:limit]


def test_one_reader_per_request_reads_each_part_once(users, world):
    """Counting, then listing the first few, reads the user's ids once, and the first few
    items in one query (the page cut by the database); asked again, nothing is read; a count
    asked after the whole list is the list's length."""
    reviewer = users["reviewer"]
    roles_of(reviewer)
    work = WorkOf(reviewer)
    with CaptureQueriesContext(connection) as counting:
        total = work.count()
    # The user's ids (two reads), the per-initiative counts of every kind (one), their
    # initiatives (one).
    assert len(counting) == 4
    with CaptureQueriesContext(connection) as listing:
        first = work.first(3)
    # One ordered UNION ALL, cut to the page and a few more rows (in case some are hidden).
    (sql,) = [q["sql"] for q in listing]
    assert "UNION ALL" in sql and sql.endswith("LIMIT 8")
    expected = work_of(reviewer)
    with CaptureQueriesContext(connection) as again:
        assert work.count() == total == len(expected)
        assert work.first(3) == first == expected[:3]
    assert len(again) == 0
    with CaptureQueriesContext(connection) as whole:
        assert work.items() == expected
        assert work.count() == total and work.page(1, 3) == expected[1:3]
    assert len(whole) == 1  # the whole list once; the count and pages then come from it


def test_the_navigation_counts_without_listing(client, users, world):
    """A page without a list of work (the portfolio) pays for the count only: a fixed number
    of queries, whatever the number of items."""
    client.force_login(users["reviewer"])
    url = reverse("initiatives:list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert f'id="my-work-count">{len(work_of(users["reviewer"]))}<' in response.content.decode()
    work = response.wsgi_request._my_work
    assert work._items is None and not work._pages  # counted, nothing listed
    for _ in range(3):
        more = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        factories.design_input(initiative=more, raised_by=users["reviewer"])
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert f'id="my-work-count">{len(work_of(users["reviewer"]))}<' in html
    assert len(large) == len(small)


def test_the_initiative_page_reads_its_card_only_when_something_is_yours(client, users, world):
    """The card of the initiative page: the items on that initiative (narrowed read), none
    read when the navigation's count says nothing of the user's is there."""
    client.force_login(users["reviewer"])
    busy = client.get(world["busy"].get_absolute_url())
    mine = work_of(users["reviewer"], [world["busy"].pk])
    assert mine and all(i.link in busy.content.decode() for i in mine)
    client.force_login(users["other_sponsor"])
    client.get(world["busy"].get_absolute_url())
    with CaptureQueriesContext(connection) as nothing_mine:
        page = client.get(world["busy"].get_absolute_url())
    assert 'id="yours-to-do"' not in page.content.decode()
    client.force_login(users["sponsor"])
    client.get(world["busy"].get_absolute_url())
    with CaptureQueriesContext(connection) as some_mine:
        page = client.get(world["busy"].get_absolute_url())
    assert 'id="yours-to-do"' in page.content.decode()
    # The sponsor's card costs the narrowed read of its rows (one query per kind, at most
    # five); the other sponsor's costs nothing.
    assert len(nothing_mine) < len(some_mine) <= len(nothing_mine) + 5 + 2


def test_home_summary_and_navigation_agree(client, users, world):
    client.force_login(users["reviewer"])
    html = client.get(reverse("reviews:queue")).content.decode()
    total = len(work_of(users["reviewer"]))
    assert f'id="my-work-count">{total}<' in html
    assert f"All {total} in My work" in html


def test_nothing_counted_nothing_read(users, world):
    """Someone with nothing to do (the IT lead here): after the count, the home summary
    reads no rows."""
    lead = users["it_lead"]
    roles_of(lead)
    work = WorkOf(lead)
    assert work.count() == 0 == len(work_of(lead))
    with CaptureQueriesContext(connection) as reading:
        assert work.first(5) == [] and work.items() == []
    assert len(reading) == 0


def test_pages_cut_by_the_database_make_up_the_whole_list_in_order(users, world):
    """Every page is the next slice of the one list, ordered by the database: findings
    before sessions, most severe first, then oldest; pages of any size join up to it."""
    from governance.work.selectors import SEVERITY_RANK

    def rank(item) -> int:
        if item.kind in ("answer_input", "confirm_input", "acknowledge_role"):
            return SEVERITY_RANK[item.severity]  # a role to confirm counts as high
        return SEVERITY_RANK[""]

    for name in ("sponsor", "reviewer", "co_sponsor"):
        items = work_of(users[name])
        assert len(items) >= 2
        keys = [(i.kind == "attend_session", rank(i), i.since) for i in items]
        assert keys == sorted(keys)
        for size in (1, 2, 3):
            work = WorkOf(users[name])
            pages = [work[start : start + size] for start in range(0, len(items), size)]
            assert [i for page in pages for i in page] == items
            assert work[len(items) : len(items) + size] == []


def test_hidden_rows_before_the_page_are_read_past(users):
    """Rows whose initiative hides them (withdrawn here) sorted before the visible ones: the
    page reads further until it has its items, and still reads no more than it needs."""
    from initiatives.models import Initiative, Status
    from reviews.models import ConcernAssessment

    reviewer = users["reviewer"]
    gone = [
        factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=reviewer
        )
        for _ in range(3)
    ]
    shown = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=reviewer, title="Shown"
    )
    Initiative.objects.filter(pk__in=[i.pk for i in gone]).update(status=Status.WITHDRAWN)
    hidden = ConcernAssessment.objects.filter(initiative__in=gone).count()
    assert hidden >= 12  # more than the first read of a two-item page (2 + 0 + 5 rows)
    items = work_of(reviewer)
    assert items and {i.initiative_id for i in items} == {shown.pk}
    roles_of(reviewer)
    work = WorkOf(reviewer)
    with CaptureQueriesContext(connection) as reading:
        first = work.first(2)
    assert first == items[:2]
    unions = [q["sql"] for q in reading if "UNION ALL" in q["sql"]]
    assert [sql.rsplit("LIMIT", 1)[1].split()[0] for sql in unions] == ["7", "14", "28"]
    assert WorkOf(reviewer).page(1, 3) == items[1:3]
