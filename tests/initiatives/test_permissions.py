"""Permission matrix: each role × each initiative page, allowed or denied.

404 hides an initiative the user may not see (no leak that it exists); 403 refuses an action
on one the user may see; 302 sends anonymous visitors to the login page.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from guardian.shortcuts import assign_perm
from hypothesis import example, given
from hypothesis import strategies as st

from initiatives import permissions, selectors, services
from initiatives.models import Initiative, Status
from initiatives.roles import Role
from reviews.models import DesignInput
from tests import factories
from tests.conftest import rolled_back

ACTORS = (
    "sponsor",
    "co_sponsor",
    "other_sponsor",
    "reviewer",
    "other_reviewer",
    "it_lead",
    "executive",
    "admin",
    "norole",
    "anonymous",
)

# Detail page: expected status for each initiative, in ACTORS order.
DETAIL = {
    "own_draft": (200, 200, 404, 404, 404, 200, 200, 200, 404, 302),
    "own_submitted": (200, 200, 200, 200, 200, 200, 200, 200, 200, 302),
    "confidential": (404, 404, 200, 200, 404, 200, 200, 200, 404, 302),
    "other_draft": (404, 404, 200, 404, 404, 200, 200, 200, 404, 302),
}
# Edit page (step 1).
EDIT = {
    "own_draft": (200, 200, 404, 404, 404, 403, 403, 403, 404, 302),
    "own_submitted": (403, 403, 403, 403, 403, 403, 403, 403, 403, 302),
    "confidential": (404, 404, 403, 403, 404, 403, 403, 403, 404, 302),
}


@pytest.fixture
def world(users):
    own_draft = factories.complete_initiative(sponsor=users["sponsor"], title="Own draft")
    services.update_initiative(
        initiative=own_draft,
        user=users["sponsor"],
        fields={"co_sponsors": [users["co_sponsor"]]},
        expected_version=None,
    )
    own_submitted = factories.submitted_initiative(sponsor=users["sponsor"], title="Own public")
    own_submitted.co_sponsors.add(users["co_sponsor"])
    services.grant_membership(own_submitted, users["co_sponsor"], can_change=True)
    confidential = factories.submitted_initiative(
        sponsor=users["other_sponsor"], title="Secret supplier risk", confidential=True
    )
    services.grant_membership(confidential, users["reviewer"], can_review=True)
    other_draft = factories.draft_initiative(sponsor=users["other_sponsor"], title="Other draft")
    return {
        "own_draft": own_draft,
        "own_submitted": own_submitted,
        "confidential": confidential,
        "other_draft": other_draft,
    }


def _client_for(client, users, actor):
    if actor != "anonymous":
        client.force_login(users[actor])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
@pytest.mark.parametrize("key", list(DETAIL))
def test_detail_page(client, users, world, key, actor_index, actor):
    response = _client_for(client, users, actor).get(f"/initiatives/{world[key].pk}/")
    assert response.status_code == DETAIL[key][actor_index]
    if response.status_code == 404:
        assert world[key].title not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
@pytest.mark.parametrize("key", list(EDIT))
def test_edit_page(client, users, world, key, actor_index, actor):
    response = _client_for(client, users, actor).get(f"/initiatives/{world[key].pk}/edit/1/")
    assert response.status_code == EDIT[key][actor_index]


@pytest.mark.django_db
@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
def test_submit_is_only_for_the_sponsor_side(client, users, world, actor_index, actor):
    initiative = world["own_draft"]
    response = _client_for(client, users, actor).post(f"/initiatives/{initiative.pk}/submit/")
    initiative.refresh_from_db()
    if actor in ("sponsor", "co_sponsor"):
        assert response.status_code == 302 and initiative.status == "submitted"
    else:
        # Hidden from them: 404; visible but not theirs: 403; anonymous: to the login page.
        seen = DETAIL["own_draft"][actor_index]
        assert response.status_code == (403 if seen == 200 else seen)
        assert initiative.status == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_portfolio_list_matches_detail_visibility(users, world, actor):
    visible = set(selectors.visible_initiatives(users[actor]).values_list("title", flat=True))
    index = ACTORS.index(actor)
    expected = {world[k].title for k, row in DETAIL.items() if row[index] == 200}
    assert visible == expected


@pytest.mark.django_db
def test_confidential_title_never_appears_in_the_list_of_an_outsider(client, users, world):
    client.force_login(users["sponsor"])
    body = client.get("/initiatives/?q=Secret").content.decode()
    assert "Secret supplier risk" not in body


# --- The rules one by one, at their edges ---------------------------------------------------


@pytest.mark.django_db
class TestRules:
    def test_risk_authority(self, users):
        accountable = factories.UserFactory(username="accountable")
        initiative = factories.complete_initiative(sponsor=users["sponsor"], owner=accountable)
        assert permissions.has_risk_authority(users["it_lead"], initiative)
        assert permissions.has_risk_authority(users["executive"], initiative)
        assert permissions.has_risk_authority(accountable, initiative)
        for who in ("sponsor", "reviewer", "admin", "norole"):
            assert not permissions.has_risk_authority(users[who], initiative), who
        assert not permissions.has_risk_authority(None, initiative)
        # Someone who left the company accepts no risk, whatever they were.
        for person in (accountable, users["executive"], users["it_lead"]):
            person.is_active = False
            assert not permissions.has_risk_authority(person, initiative), person

    def test_edit_manage_and_review_rights(self, users, world):
        sponsor, reviewer, lead = users["sponsor"], users["reviewer"], users["it_lead"]
        draft, submitted = world["own_draft"], world["own_submitted"]
        assert permissions.can_edit(sponsor, draft) and not permissions.can_edit(sponsor, submitted)
        assert permissions.can_manage(sponsor, draft) and permissions.can_manage(sponsor, submitted)
        # The reviewer sees the confidential one (view + review) but may not change it.
        confidential = world["confidential"]
        assert permissions.is_member(reviewer, confidential)
        assert permissions.can_review(reviewer, confidential)
        assert not permissions.can_manage(reviewer, confidential)
        assert not permissions.can_review(reviewer, submitted)
        assert permissions.can_review(lead, submitted) and permissions.can_review(lead, draft)
        assert not permissions.can_edit(lead, draft) and not permissions.can_manage(lead, draft)
        anonymous = AnonymousUser()
        for check in (
            permissions.can_edit,
            permissions.can_manage,
            permissions.can_review,
            permissions.is_member,
            permissions.can_view,
            permissions.can_audit,
        ):
            assert not check(anonymous, submitted), check.__name__

    def test_who_registers(self, users):
        allowed = {who for who in users if permissions.can_register(users[who])}
        assert allowed == {"sponsor", "other_sponsor", "co_sponsor", "admin"}
        assert not permissions.can_register(AnonymousUser())

    def test_who_reads_the_audit_trail(self, users, world):
        public = world["own_submitted"]
        readers = {who for who in users if permissions.can_audit(users[who], public)}
        assert readers == {"sponsor", "co_sponsor", "it_lead", "executive", "admin"}
        assert permissions.can_audit(users["reviewer"], world["confidential"])
        assert not permissions.can_audit(users["norole"], world["confidential"])
        assert permissions.audited_initiative_ids(users["executive"]) is None
        mine = permissions.audited_initiative_ids(users["co_sponsor"])
        assert {row["pk"] for row in mine} == {
            world["own_draft"].pk,
            public.pk,
        }

    def test_an_inactive_user_sees_nothing(self, users, world):
        executive = users["executive"]
        executive.is_active = False
        assert not permissions.can_view(executive, world["own_submitted"])
        assert not permissions.restrict_to_visible(executive, Initiative.objects.all()).exists()

    def test_rights_loaded_at_once_for_a_list(self, users, world, django_assert_num_queries):
        reviewer = users["reviewer"]
        ids = [i.pk for i in world.values()]
        with django_assert_num_queries(1):
            permissions.prime_object_perms(reviewer, ids)
        with django_assert_num_queries(0):
            members = {k for k, i in world.items() if permissions.is_member(reviewer, i)}
            permissions.prime_object_perms(reviewer, ids)  # nothing left to load
        assert members == {"confidential"}
        assert permissions.can_review(reviewer, world["confidential"])
        permissions.prime_object_perms(AnonymousUser(), ids)  # no rights, no query, no error
        permissions.forget_cached_perms(reviewer)
        assert "_initiative_perm_cache" not in reviewer.__dict__

    def test_priming_a_list_loads_only_its_rows(self, users, world, django_assert_num_queries):
        """A list that does not show the initiative the user holds rights on (another page)
        primes only its own rows; the right elsewhere is read when it is asked for."""
        reviewer = users["reviewer"]
        shown = [world["own_submitted"].pk, world["other_draft"].pk]
        with django_assert_num_queries(1):
            permissions.prime_object_perms(reviewer, shown)
        with django_assert_num_queries(0):
            assert not permissions.is_member(reviewer, world["own_submitted"])
        assert set(reviewer.__dict__["_initiative_perm_cache"]) == set(shown)
        with django_assert_num_queries(1):
            assert permissions.is_member(reviewer, world["confidential"])


# --- `viewers`: who may be offered in a people picker of one initiative ----------------------


@pytest.mark.django_db
def test_viewers_are_exactly_who_may_see_the_initiative(users, world, partnered):
    """A picker (mentions in a thread) offers exactly the people `can_view` lets in: the
    whole portfolio roles (a superuser without any group too), the initiative's own people,
    its named partners, and everybody for a submitted public one; nobody who left."""
    people = dict(users)
    people["superuser"] = factories.UserFactory(username="root", is_superuser=True)
    people["gone"] = factories.UserFactory(username="gone", role=Role.EXECUTIVE, is_active=False)
    people.update(owner=partnered["owner"], accountable=partnered["accountable"])
    people["outsider"] = partnered["outsider"]
    # A right other than view (left behind when the view right was taken away) shows nothing.
    assign_perm(f"initiatives.{permissions.REVIEW}", users["other_reviewer"], world["confidential"])
    everyone = {who for who in people if people[who].is_active}
    portfolio = {"it_lead", "executive", "admin", "superuser"}
    expected = {
        "own_draft": portfolio | {"sponsor", "co_sponsor"},
        "own_submitted": everyone,
        "confidential": portfolio | {"other_sponsor", "reviewer"},
        "other_draft": portfolio | {"other_sponsor"},
        "partnered": portfolio | {"other_sponsor", "owner", "accountable"},
    }
    initiatives = {**world, "partnered": partnered["initiative"]}
    for key, initiative in initiatives.items():
        offered = set(permissions.viewers(initiative).values_list("username", flat=True))
        named = {who for who in people if people[who].username in offered}
        assert named == expected[key], key
        # The picker's query and the page's rule state one rule twice: they agree.
        assert named == {who for who in people if permissions.can_view(people[who], initiative)}
        assert len(offered) == permissions.viewers(initiative).count(), key  # each once


# --- Property: the one-object rule and the query rule agree ----------------------------------

CODENAMES = (permissions.VIEW, permissions.CHANGE, permissions.REVIEW)

a_user = st.fixed_dictionaries(
    {
        "roles": st.sets(st.sampled_from([r.value for r in Role]), max_size=2),
        "superuser": st.booleans(),
        "active": st.booleans(),
        # per initiative (by position): the object permissions the user holds on it
        "rights": st.lists(st.sets(st.sampled_from(CODENAMES)), min_size=4, max_size=4),
    }
)
an_initiative = st.tuples(st.sampled_from(Status.values), st.booleans())


@pytest.mark.django_db
@given(
    portfolio=st.lists(an_initiative, min_size=1, max_size=4),
    people=st.lists(a_user, min_size=1, max_size=3),
)
# Reviewing or changing rights alone do not make a member: only `view_initiative` shows a
# confidential initiative (a right left behind when the view right was taken away).
@example(
    portfolio=[("in_review", True)],
    people=[
        {
            "roles": set(),
            "superuser": False,
            "active": True,
            "rights": [{codename}, set(), set(), set()],
        }
        for codename in (permissions.REVIEW, permissions.CHANGE)
    ],
)
def test_can_view_and_the_visibility_query_agree(users, portfolio, people):
    with rolled_back():
        initiatives = [
            Initiative.objects.create(
                title=f"I{n}", sponsor=users["sponsor"], status=status, confidential=secret
            )
            for n, (status, secret) in enumerate(portfolio)
        ]
        for initiative in initiatives:
            DesignInput.objects.create(
                initiative=initiative, area="security", title="x", raised_by=users["reviewer"]
            )
        for n, spec in enumerate(people):
            user = factories.UserFactory(
                username=f"person{n}", is_superuser=spec["superuser"], is_active=spec["active"]
            )
            user.groups.set([Group.objects.get_or_create(name=role)[0] for role in spec["roles"]])
            for initiative, rights in zip(initiatives, spec["rights"], strict=False):
                for codename in rights:
                    assign_perm(f"initiatives.{codename}", user, initiative)
            user = type(user).objects.get(pk=user.pk)  # no cached roles or rights
            one_by_one = {i.pk for i in initiatives if permissions.can_view(user, i)}
            queried = set(
                permissions.restrict_to_visible(user, Initiative.objects.all()).values_list(
                    "pk", flat=True
                )
            )
            through = set(
                permissions.restrict_to_visible(
                    user, DesignInput.objects.all(), prefix="initiative__"
                ).values_list("initiative_id", flat=True)
            )
            assert one_by_one == queried == through, spec
            if user.is_active:
                q = permissions.visibility_filter(user)
                filtered = Initiative.objects.all() if q is None else Initiative.objects.filter(q)
                assert set(filtered.values_list("pk", flat=True)) == one_by_one
            audited = {i.pk for i in initiatives if permissions.can_audit(user, i)}
            assert audited <= one_by_one


# --- Named people are partners: one rule (`is_named_partner`) -----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["owner", "accountable"])
def test_named_partners_see_audit_and_accept_risk(partnered, who):
    initiative, person = partnered["initiative"], partnered[who]
    assert permissions.is_named_partner(person, initiative)
    assert permissions.can_view(person, initiative)
    assert permissions.can_audit(person, initiative)
    assert permissions.has_risk_authority(person, initiative)
    assert permissions.restrict_to_visible(person, Initiative.objects.all()).get() == initiative
    audited = permissions.audited_initiative_ids(person)
    assert {row["pk"] for row in audited} == {initiative.pk}
    # Partners, not members: they neither edit nor review.
    assert not permissions.can_manage(person, initiative)
    assert not permissions.can_review(person, initiative)


@pytest.mark.django_db
def test_an_outsider_is_no_partner(partnered):
    initiative, outsider = partnered["initiative"], partnered["outsider"]
    for check in (
        permissions.is_named_partner,
        permissions.can_view,
        permissions.can_audit,
        permissions.has_risk_authority,
    ):
        assert not check(outsider, initiative), check.__name__
    assert not permissions.is_named_partner(AnonymousUser(), initiative)
