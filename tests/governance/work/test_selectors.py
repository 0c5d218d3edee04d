"""*My work*: each person's next moves, only on initiatives they see, in constant queries."""

import pytest
from django.test.utils import CaptureQueriesContext

from governance.decisions.services import request_change
from governance.work.selectors import work_of
from initiatives.roles import roles_of
from reviews import services as review_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(users):
    return factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )


def kinds(user, **kw) -> list[tuple[str, str]]:
    return [(i.kind, i.title) for i in work_of(user, **kw)]


def test_each_next_move_lands_with_the_right_person(users, in_review):
    assert ("assess", "Security & data exposure") in kinds(users["reviewer"])
    low = factories.design_input(initiative=in_review, raised_by=users["reviewer"], severity="low")
    high = factories.design_input(
        initiative=in_review, raised_by=users["reviewer"], severity="high"
    )
    sponsor_items = work_of(users["sponsor"])
    # Most severe first.
    assert [i.title for i in sponsor_items][:2] == [high.title, low.title]
    assert sponsor_items[0].action == "Answer the design input"
    assert sponsor_items[0].link == f"/reviews/design-inputs/{high.pk}/"
    assert not any(k == "answer_input" for k, _ in kinds(users["reviewer"]))
    review_services.transition_design_input(
        design_input=high, user=users["sponsor"], action="incorporate", text="Done"
    )
    assert ("confirm_input", high.title) in kinds(users["reviewer"])
    assert high.title not in [t for _, t in kinds(users["sponsor"])]
    request_change(
        initiative=in_review, user=users["sponsor"], kind="new_model_version", description="v2"
    )
    assert ("decide_change", "New model version") in kinds(users["reviewer"])


def test_needs_info_is_the_sponsors_move(users, in_review):
    assessment = in_review.assessments.get(area="security")
    review_services.update_assessment(
        assessment=assessment, user=users["reviewer"], status="needs_info"
    )
    assert ("give_info", "Security & data exposure") in kinds(users["sponsor"])
    assert ("assess", "Security & data exposure") not in kinds(users["reviewer"])


def test_nothing_of_a_hidden_initiative(users):
    secret = factories.in_review_initiative(
        sponsor=users["other_sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        confidential=True,
    )
    factories.design_input(initiative=secret, raised_by=users["reviewer"], owner=users["sponsor"])
    # Owner of an input on a confidential initiative is let in by the service; a sponsor of
    # another team who is not the owner sees nothing of it.
    assert not work_of(users["co_sponsor"])
    assert not work_of(users["norole"])
    assert all(i.initiative_id != secret.pk for i in work_of(users["other_reviewer"]))


def _queries(user) -> int:
    roles_of(user)
    from django.db import connection

    with CaptureQueriesContext(connection) as ctx:
        work_of(user)
    return len(ctx)


def test_query_count_is_constant_in_the_number_of_initiatives(users):
    def add():
        i = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        factories.design_input(initiative=i, raised_by=users["reviewer"])
        factories.working_series(
            initiative=i, user=users["sponsor"], participants=[users["reviewer"]]
        )

    add()
    small = {u: _queries(users[u]) for u in ("sponsor", "reviewer", "it_lead")}
    for _ in range(4):
        add()
    large = {u: _queries(users[u]) for u in ("sponsor", "reviewer", "it_lead")}
    assert small == large
    # Two id reads, one query per kind of item, then one read of their initiatives.
    assert max(large.values()) <= 8
    assert len(work_of(users["sponsor"])) > len(work_of(users["it_lead"]))
