"""The design-input lifecycle: who may move a finding from which state to which
(reviews/services/design_inputs.py)."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import RuleError, StaleEdit, TransitionNotAllowed
from initiatives import permissions
from reviews import services
from reviews.models import DesignInputStatus
from tests import factories
from tests.conftest import attempt
from tests.reviews.conftest import events
from tests.reviews.services.conftest import _at, _last_id, _new_events

pytestmark = pytest.mark.django_db


ALLOWED = [
    # (start, action, actor, text, resulting status)
    ("raised", "propose", "sponsor", "Keep images on the edge", "solution_proposed"),
    ("raised", "propose", "reviewer", "Keep images on the edge", "solution_proposed"),
    ("solution_proposed", "propose", "co_owner", "Better idea", "solution_proposed"),
    ("raised", "incorporate", "sponsor", "Edge-only training", "incorporated"),
    ("solution_proposed", "incorporate", "sponsor", "Edge-only training", "incorporated"),
    ("incorporated", "confirm", "reviewer", "", "incorporated"),
    ("raised", "accept_risk", "it_lead", "Pilot only", "risk_accepted"),
    ("solution_proposed", "accept_risk", "executive", "Pilot only", "risk_accepted"),
    ("raised", "withdraw", "reviewer", "Duplicate", "withdrawn"),
    ("solution_proposed", "withdraw", "it_lead", "Duplicate", "withdrawn"),
    ("incorporated", "reopen", "reviewer", "Not really done", "raised"),
    ("risk_accepted", "reopen", "reviewer", "Pilot extended", "raised"),
    ("withdrawn", "reopen", "it_lead", "Still relevant", "raised"),
]


@pytest.mark.parametrize("start,action,actor,text,expected", ALLOWED)
def test_allowed_design_input_transitions(reviewed, users, start, action, actor, text, expected):
    item = _at(start, reviewed, users)
    if actor == "co_owner":
        services.edit_design_input(
            design_input=item,
            user=users["reviewer"],
            fields={"owner": users["other_sponsor"]},
            expected_version=None,
        )
        actor = "other_sponsor"
    mark = _last_id()
    result = services.transition_design_input(
        design_input=item, user=users[actor], action=action, text=text
    )
    assert result.status == expected
    new = _new_events(mark)
    assert len(new) == 1
    assert new[0].action == f"design_input.{action}"
    assert new[0].actor == users[actor]
    if start != expected:
        assert new[0].changes["status"] == [start, expected]
    if action == "confirm":
        assert result.confirmed_by == users["reviewer"] and result.confirmed_at
        assert new[0].changes["confirmed_by"] == [None, "reviewer"]


REFUSED_STATE = [
    ("incorporated", "propose", "sponsor"),
    ("withdrawn", "incorporate", "sponsor"),
    ("raised", "confirm", "reviewer"),
    ("confirmed", "confirm", "reviewer"),
    ("risk_accepted", "withdraw", "reviewer"),
    ("withdrawn", "accept_risk", "it_lead"),
    ("raised", "reopen", "reviewer"),
    ("solution_proposed", "reopen", "reviewer"),
]


@pytest.mark.parametrize("start,action,actor", REFUSED_STATE)
def test_transitions_the_state_does_not_allow(reviewed, users, start, action, actor):
    item = _at(start, reviewed, users)
    before = (item.status, item.version)
    mark = _last_id()
    with pytest.raises(TransitionNotAllowed):
        services.transition_design_input(
            design_input=item, user=users[actor], action=action, text="x"
        )
    item.refresh_from_db()
    assert (item.status, item.version) == before
    assert _new_events(mark) == []


REFUSED_ROLE = [
    ("raised", "propose", "other_sponsor"),
    ("raised", "propose", "other_reviewer"),
    ("raised", "incorporate", "reviewer"),
    ("raised", "incorporate", "executive"),
    ("incorporated", "confirm", "sponsor"),
    ("raised", "withdraw", "sponsor"),
    ("raised", "accept_risk", "reviewer"),
    ("raised", "accept_risk", "co_sponsor"),
    ("withdrawn", "reopen", "sponsor"),
]


@pytest.mark.parametrize("start,action,actor", REFUSED_ROLE)
def test_transitions_the_role_does_not_allow(reviewed, users, start, action, actor):
    item = _at(start, reviewed, users)
    refused = attempt(
        lambda: services.transition_design_input(
            design_input=item, user=users[actor], action=action, text="x"
        ),
        item,
        reviewed,
    )
    assert refused.outcome == "PermissionDenied"


# The lifecycle written out: action → (states it starts from, who may take it). "owner" is the
# design input's owner from the sponsor's team; the sponsor is the accountable person.
LIFECYCLE = {
    "propose": ({"raised", "solution_proposed"}, {"sponsor", "owner", "reviewer", "it_lead"}),
    "incorporate": ({"raised", "solution_proposed"}, {"sponsor", "owner"}),
    "confirm": ({"incorporated"}, {"reviewer", "it_lead"}),
    "accept_risk": ({"raised", "solution_proposed"}, {"sponsor", "it_lead", "executive"}),
    "withdraw": ({"raised", "solution_proposed"}, {"reviewer", "it_lead"}),
    "reopen": (
        {"incorporated", "confirmed", "risk_accepted", "withdrawn"},
        {"reviewer", "it_lead"},
    ),
}
STATES = ("raised", "solution_proposed", "incorporated", "confirmed", "risk_accepted", "withdrawn")
ACTORS = ("sponsor", "owner", "reviewer", "other_reviewer", "it_lead", "executive", "norole")


@pytest.mark.parametrize("start", STATES)
@pytest.mark.parametrize("action", list(LIFECYCLE))
def test_every_action_from_every_state_for_every_role(reviewed, users, start, action):
    item = _at(start, reviewed, users)
    services.edit_design_input(
        design_input=item,
        user=users["reviewer"],
        fields={"owner": users["other_sponsor"]},
        expected_version=None,
    )
    item.refresh_from_db()
    people = {**users, "owner": users["other_sponsor"]}
    states, who = LIFECYCLE[action]
    for actor in ACTORS:
        result = attempt(
            lambda actor=actor: services.transition_design_input(
                design_input=item, user=people[actor], action=action, text="Because"
            ),
            item,
            reviewed,
        )
        if start not in states:
            expected = "TransitionNotAllowed"
        else:
            expected = "allowed" if actor in who else "PermissionDenied"
        assert result.outcome == expected, actor
        if expected == "allowed":
            assert result.events == [f"design_input.{action}"]


@pytest.mark.parametrize("action", ["propose", "incorporate", "accept_risk", "withdraw"])
def test_transitions_need_their_text(reviewed, users, action):
    item = _at("raised", reviewed, users)
    actor = {"propose": "sponsor", "incorporate": "sponsor"}.get(action, "it_lead")
    with pytest.raises(RuleError, match="Say"):
        services.transition_design_input(
            design_input=item, user=users[actor], action=action, text="  "
        )


def test_risk_acceptance_names_an_accountable_person_with_authority(users):
    accountable = factories.UserFactory(username="accountable")
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        owner=accountable,
    )
    item = factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    # A sponsor without authority may not be named.
    with pytest.raises(RuleError, match="no authority"):
        services.transition_design_input(
            design_input=item,
            user=users["it_lead"],
            action="accept_risk",
            text="ok",
            accepted_by=users["sponsor"],
        )
    # A reviewer cannot record it on someone's behalf.
    with pytest.raises(PermissionDenied):
        services.transition_design_input(
            design_input=item,
            user=users["reviewer"],
            action="accept_risk",
            text="ok",
            accepted_by=users["executive"],
        )
    # The initiative's accountable person accepts it personally.
    item = services.transition_design_input(
        design_input=item, user=accountable, action="accept_risk", text="Pilot only, 3 months"
    )
    assert item.accepted_by == accountable
    assert item.resolution == "Pilot only, 3 months"
    event = events(initiative, "design_input.accept_risk")[-1]
    assert event.changes["accepted_by"] == [None, "accountable"]


def test_it_lead_records_acceptance_on_behalf_of_an_executive(reviewed, users):
    item = _at("raised", reviewed, users)
    item = services.transition_design_input(
        design_input=item,
        user=users["it_lead"],
        action="accept_risk",
        text="Decided in the steering meeting",
        accepted_by=users["executive"],
    )
    assert item.accepted_by == users["executive"]


def test_stale_transition_is_refused(reviewed, users):
    item = _at("raised", reviewed, users)
    services.transition_design_input(
        design_input=item, user=users["sponsor"], action="propose", text="A"
    )
    with pytest.raises(StaleEdit):
        services.transition_design_input(
            design_input=item,
            user=users["sponsor"],
            action="incorporate",
            text="B",
            expected_version=item.version,
        )


def test_raising_needs_review_rights(reviewed, users):
    with pytest.raises(PermissionDenied):
        factories.design_input(initiative=reviewed, raised_by=users["sponsor"])
    mark = _last_id()
    item = factories.design_input(
        initiative=reviewed, raised_by=users["reviewer"], title="Residency"
    )
    new = _new_events(mark)
    assert len(new) == 1 and new[0].changes["after"]["title"] == "Residency"
    assert item.status == DesignInputStatus.RAISED


def test_allowed_actions_per_role(reviewed, users):
    item = _at("raised", reviewed, users)
    # The test sponsor is also the initiative's accountable person, hence accept_risk.
    assert services.allowed_design_input_actions(users["sponsor"], item) == [
        "propose",
        "incorporate",
        "accept_risk",
    ]
    assert services.allowed_design_input_actions(users["other_sponsor"], item) == []
    assert set(services.allowed_design_input_actions(users["reviewer"], item)) == {
        "propose",
        "withdraw",
    }
    assert "accept_risk" in services.allowed_design_input_actions(users["it_lead"], item)


def test_design_input_owner_can_see_a_confidential_initiative(users):
    secret = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        confidential=True,
    )
    owner = users["other_sponsor"]
    assert not permissions.can_view(owner, secret)
    item = factories.design_input(initiative=secret, raised_by=users["reviewer"], owner=owner)
    permissions.forget_cached_perms(owner)
    assert permissions.can_view(owner, secret)
    item = services.transition_design_input(
        design_input=item, user=owner, action="propose", text="Use the EU tenant"
    )
    assert item.status == DesignInputStatus.SOLUTION_PROPOSED


@pytest.mark.parametrize("who", ["owner", "accountable"])
def test_a_named_partner_accepts_the_risk_of_a_design_input(users, partnered, who):
    """The same rule as the decision log (`initiatives.permissions.has_risk_authority`)."""
    initiative, person = partnered["initiative"], partnered[who]
    item = factories.design_input(initiative=initiative, raised_by=users["it_lead"])
    item = services.transition_design_input(
        design_input=item, user=person, action="accept_risk", text="Pilot only"
    )
    assert (item.status, item.accepted_by) == ("risk_accepted", person)
    other = factories.design_input(initiative=initiative, raised_by=users["it_lead"])
    with pytest.raises(PermissionDenied):
        services.transition_design_input(
            design_input=other, user=partnered["outsider"], action="accept_risk", text="No"
        )
