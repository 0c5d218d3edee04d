"""The design-input lifecycle: who may move a finding from which state to which
(reviews/services/design_inputs.py)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import FieldRuleError, RuleError, StaleEdit, TransitionNotAllowed
from core.people import display_name
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
    mark = _last_id()
    item = factories.design_input(initiative=secret, raised_by=users["reviewer"], owner=owner)
    permissions.forget_cached_perms(owner)
    assert permissions.can_view(owner, secret)
    # The access comes with the design input: its one event says so, no separate grant.
    assert [event.action for event in _new_events(mark)] == ["design_input.raised"]
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


# --- What each step records: the design input as read back, and the audit event ------------


def _reread(item):
    item.refresh_from_db()
    return item


def test_raising_keeps_the_finding_trimmed_and_audits_what_was_raised(reviewed, users):
    mark = _last_id()
    item = services.raise_design_input(
        initiative=reviewed,
        user=users["reviewer"],
        area="vendor",
        title="  Data residency  ",
        severity="high",
        description="  EU only  ",
        proposed_solution="  Use the EU tenant  ",
        owner=users["other_sponsor"],
        due_date=datetime.date(2030, 1, 31),
    )
    item = _reread(item)
    assert (item.title, item.description, item.proposed_solution) == (
        "Data residency",
        "EU only",
        "Use the EU tenant",
    )
    assert (item.area, item.severity, item.owner, item.raised_by, item.due_date) == (
        "vendor",
        "high",
        users["other_sponsor"],
        users["reviewer"],
        datetime.date(2030, 1, 31),
    )
    (event,) = _new_events(mark)
    assert (event.action, event.actor, event.initiative_id) == (
        "design_input.raised",
        users["reviewer"],
        reviewed.pk,
    )
    assert event.changes == {
        "after": {
            "area": "vendor",
            "title": "Data residency",
            "severity": "high",
            "owner": "other_sponsor",
            "status": "raised",
        }
    }
    mark = event.id
    long = services.raise_design_input(
        initiative=reviewed, user=users["reviewer"], area="security", title="t" * 250, source="api"
    )
    long = _reread(long)
    assert long.title == "t" * 200
    assert (long.severity, long.owner, long.description, long.proposed_solution) == (
        "medium",
        None,
        "",
        "",
    )
    (event,) = _new_events(mark)
    assert event.source == "api"
    assert event.changes["after"]["owner"] is None


@pytest.mark.parametrize(
    "status,fields,message",
    [
        ("draft", {}, "Design inputs are raised on submitted initiatives; this one is draft."),
        (
            "withdrawn",
            {},
            "Design inputs are raised on submitted initiatives; this one is withdrawn.",
        ),
        ("in_review", {"area": "weather"}, "Unknown concern area “weather”."),
        ("in_review", {"severity": "dire"}, "Unknown severity “dire”."),
        ("in_review", {"title": "   "}, "A design input needs a title."),
        ("in_review", {"title": None}, "A design input needs a title."),
    ],
)
def test_raising_is_refused_with_its_reason_and_nothing_kept(
    reviewed, users, status, fields, message
):
    if status != "in_review":
        factories.make_status(reviewed, status)
    mark, count = _last_id(), reviewed.design_inputs.count()
    with pytest.raises(RuleError) as refused:
        services.raise_design_input(
            initiative=reviewed,
            user=users["it_lead"],
            **{"area": "security", "title": "Finding", **fields},
        )
    assert str(refused.value) == message
    assert reviewed.design_inputs.count() == count and _new_events(mark) == []
    assert reviewed.status == status


def test_a_submitted_initiative_takes_design_inputs(users):
    submitted = factories.submitted_initiative(sponsor=users["sponsor"])
    item = factories.design_input(initiative=submitted, raised_by=users["it_lead"])
    assert item.pk and item.initiative == submitted


def test_editing_saves_the_fields_and_audits_old_and_new(reviewed, users):
    item = _at("raised", reviewed, users)
    mark, version = _last_id(), item.version
    services.edit_design_input(
        design_input=item,
        user=users["reviewer"],
        fields={
            "severity": "high",
            "owner": users["other_sponsor"],
            "due_date": datetime.date(2030, 1, 31),
            "title": item.title,  # unchanged: not in the event
        },
        expected_version=version,
    )
    item = _reread(item)
    assert (item.severity, item.owner, item.due_date, item.version) == (
        "high",
        users["other_sponsor"],
        datetime.date(2030, 1, 31),
        version + 1,
    )
    (event,) = _new_events(mark)
    assert (event.action, event.actor, event.initiative_id, event.object_id) == (
        "design_input.updated",
        users["reviewer"],
        reviewed.pk,
        str(item.pk),
    )
    assert event.changes == {
        "severity": ["medium", "high"],
        "owner": [None, "other_sponsor"],
        "due_date": [None, "2030-01-31"],
    }
    services.edit_design_input(
        design_input=item,
        user=users["reviewer"],
        fields={"due_date": datetime.date(2030, 2, 1), "area": "vendor"},
        expected_version=None,
    )
    assert _new_events(event.id)[0].changes == {
        "due_date": ["2030-01-31", "2030-02-01"],
        "area": ["security", "vendor"],
    }


def test_an_edit_that_changes_nothing_is_not_saved_or_audited(reviewed, users):
    item = _at("raised", reviewed, users)
    mark, version = _last_id(), item.version
    services.edit_design_input(
        design_input=item,
        user=users["reviewer"],
        fields={"severity": item.severity, "owner": None, "due_date": None},
        expected_version=version,
    )
    assert _reread(item).version == version and _new_events(mark) == []


@pytest.mark.parametrize(
    "fields,message",
    [
        (
            {"status": "withdrawn", "raised_by": None},
            "These fields cannot be edited: raised_by, status",
        ),
        ({"severity": "dire"}, "Unknown severity “dire”."),
        ({"area": "weather"}, "Unknown concern area “weather”."),
    ],
)
def test_editing_is_refused_for_unknown_fields_and_values(reviewed, users, fields, message):
    item = _at("raised", reviewed, users)
    before = (item.status, item.severity, item.area, item.version)
    mark = _last_id()
    with pytest.raises(RuleError) as refused:
        services.edit_design_input(
            design_input=item, user=users["reviewer"], fields=fields, expected_version=None
        )
    # Refusals name people by their display name, never the username.
    assert str(refused.value) == message.format(reviewer=display_name(users["reviewer"]))
    item = _reread(item)
    assert (item.status, item.severity, item.area, item.version) == before
    assert _new_events(mark) == []


def test_editing_needs_review_rights_and_the_current_version(reviewed, users):
    item = _at("raised", reviewed, users)
    for user, version, refusal in (
        (users["sponsor"], None, PermissionDenied),
        (users["reviewer"], item.version - 1, StaleEdit),
    ):
        result = attempt(
            lambda user=user, version=version: services.edit_design_input(
                design_input=item, user=user, fields={"severity": "high"}, expected_version=version
            ),
            item,
            reviewed,
        )
        assert result.outcome == refusal.__name__


def test_a_new_owner_of_a_confidential_initiative_may_see_it(users):
    secret = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        confidential=True,
    )
    item = factories.design_input(initiative=secret, raised_by=users["reviewer"])
    owner = users["other_sponsor"]
    mark = _last_id()
    services.edit_design_input(
        design_input=item,
        user=users["reviewer"],
        fields={"owner": owner},
        expected_version=None,
        source="api",
    )
    permissions.forget_cached_perms(owner)
    assert permissions.can_view(owner, secret)
    ((action, source),) = [(event.action, event.source) for event in _new_events(mark)]
    assert (action, source) == ("design_input.updated", "api")


def test_an_owner_who_already_sees_the_initiative_is_not_made_one_of_its_people(reviewed, users):
    """Only a confidential initiative needs the grant; elsewhere the owner stays an outsider
    (membership puts an initiative into a person's own lists)."""
    owner = users["other_sponsor"]
    assert permissions.can_view(owner, reviewed) and not permissions.is_member(owner, reviewed)
    factories.design_input(initiative=reviewed, raised_by=users["reviewer"], owner=owner)
    services.edit_design_input(
        design_input=_at("raised", reviewed, users),
        user=users["reviewer"],
        fields={"owner": owner},
        expected_version=None,
    )
    permissions.forget_cached_perms(owner)
    assert not permissions.is_member(owner, reviewed)


def test_each_step_saves_what_it_changes(reviewed, users):
    item = _at("raised", reviewed, users)
    version = item.version

    def step(action, user, text="", **extra):
        nonlocal version
        mark = _last_id()
        services.transition_design_input(
            design_input=item, user=users[user], action=action, text=text, **extra
        )
        _reread(item)
        assert item.version == version + 1
        version = item.version
        (event,) = _new_events(mark)
        return event

    event = step("propose", "sponsor", "  Keep images on the edge  ")
    assert (item.status, item.proposed_solution, item.resolved_at) == (
        "solution_proposed",
        "Keep images on the edge",
        None,
    )
    assert event.changes == {
        "status": ["raised", "solution_proposed"],
        "proposed_solution": ["", "Keep images on the edge"],
    }
    event = step("incorporate", "sponsor", " Edge-only training ")
    assert (item.status, item.resolution, item.confirmed_at) == (
        "incorporated",
        "Edge-only training",
        None,
    )
    assert item.resolved_at is not None
    assert event.changes == {
        "status": ["solution_proposed", "incorporated"],
        "resolution": ["", "Edge-only training"],
    }
    resolved = item.resolved_at
    event = step("confirm", "reviewer", " Checked the design ")
    assert (item.confirmed_by, item.resolved_at) == (users["reviewer"], resolved)
    assert item.confirmed_at >= resolved
    assert event.changes == {"confirmed_by": [None, "reviewer"], "note": "Checked the design"}
    event = step("reopen", "it_lead", "Not really done")
    assert (item.status, item.confirmed_by, item.confirmed_at, item.resolved_at) == (
        "raised",
        None,
        None,
        None,
    )
    assert event.changes == {
        "status": ["incorporated", "raised"],
        "confirmed_by": ["reviewer", None],
        "reason": "Not really done",
    }
    event = step("accept_risk", "it_lead", "Pilot only", accepted_by=users["executive"])
    assert (item.status, item.accepted_by, item.resolution) == (
        "risk_accepted",
        users["executive"],
        "Pilot only",
    )
    assert item.resolved_at is not None
    # Re-opening kept the old resolution until this step replaced it.
    assert event.changes == {
        "status": ["raised", "risk_accepted"],
        "resolution": ["Edge-only training", "Pilot only"],
        "accepted_by": [None, "executive"],
    }
    event = step("reopen", "reviewer", "Pilot extended")
    assert (item.accepted_by, item.resolved_at) == (None, None)
    assert event.changes == {
        "status": ["risk_accepted", "raised"],
        "accepted_by": ["executive", None],
        "reason": "Pilot extended",
    }
    event = step("withdraw", "reviewer", "Duplicate", source="api")
    assert (item.status, item.resolution) == ("withdrawn", "Duplicate")
    assert item.resolved_at is not None
    assert event.changes == {
        "status": ["raised", "withdrawn"],
        "resolution": ["Pilot only", "Duplicate"],
    }
    assert (event.action, event.actor, event.initiative_id, event.source) == (
        "design_input.withdraw",
        users["reviewer"],
        reviewed.pk,
        "api",
    )


def test_a_confirmation_without_a_note_records_none(reviewed, users):
    item = _at("incorporated", reviewed, users)
    mark = _last_id()
    services.transition_design_input(design_input=item, user=users["reviewer"], action="confirm")
    assert _new_events(mark)[0].changes == {"confirmed_by": [None, "reviewer"]}


# The refusals a user reads, word for word.
REFUSAL_MESSAGES = [
    (
        "incorporated",
        "propose",
        "sponsor",
        {},
        "A design input that is incorporated into the design cannot be moved with "
        "“propose a solution”.",
    ),
    ("confirmed", "confirm", "reviewer", {}, "IT has already confirmed this incorporation."),
    (
        "confirmed",
        "propose",
        "sponsor",
        {},
        "A design input that is incorporated into the design cannot be moved with "
        "“propose a solution”.",
    ),
    (
        "raised",
        "confirm",
        "reviewer",
        {},
        "A design input that is raised cannot be moved with “confirm incorporation”.",
    ),
    ("raised", "fly", "reviewer", {}, "Unknown action “fly”."),
    (
        "raised",
        "propose",
        "other_sponsor",
        {},
        "Only the sponsor side, the owner or IT may propose a solution.",
    ),
    (
        "raised",
        "incorporate",
        "reviewer",
        {},
        "Only the sponsor, a co-sponsor or the owner marks it incorporated; IT then confirms.",
    ),
    (
        "raised",
        "withdraw",
        "sponsor",
        {},
        "Only the initiative's IT reviewers and IT leads may do this.",
    ),
    (
        "raised",
        "accept_risk",
        "reviewer",
        {},
        "Only an IT lead, an executive, or the initiative's decision owner or accountable "
        "person may accept a risk.",
    ),
    (
        "raised",
        "accept_risk",
        "it_lead",
        {"accepted_by": "reviewer"},
        "{reviewer} has no authority to accept this risk: name an IT lead, an executive, or the "
        "initiative's decision owner or accountable person.",
    ),
    (
        "raised",
        "accept_risk",
        "executive",
        {"accepted_by": "it_lead"},
        "Only IT leads record a risk acceptance on someone's behalf.",
    ),
    ("raised", "propose", "sponsor", {"text": " "}, "Say the proposed solution."),
    ("raised", "withdraw", "reviewer", {"text": ""}, "Say why it is withdrawn."),
]


@pytest.mark.parametrize("start,action,actor,extra,message", REFUSAL_MESSAGES)
def test_refusals_say_why(reviewed, users, start, action, actor, extra, message):
    item = _at(start, reviewed, users)
    kwargs = {"text": "Because", **extra}
    if "accepted_by" in kwargs:
        kwargs["accepted_by"] = users[kwargs["accepted_by"]]
    before = (item.status, item.version, item.accepted_by_id, item.resolution)
    mark = _last_id()
    with pytest.raises((PermissionDenied, RuleError)) as refused:
        services.transition_design_input(
            design_input=item, user=users[actor], action=action, **kwargs
        )
    # Refusals name people by their display name, never the username.
    assert str(refused.value) == message.format(reviewer=display_name(users["reviewer"]))
    item = _reread(item)
    assert (item.status, item.version, item.accepted_by_id, item.resolution) == before
    assert _new_events(mark) == []


def test_an_executive_accepts_a_risk_personally(reviewed, users):
    item = _at("solution_proposed", reviewed, users)
    item = services.transition_design_input(
        design_input=item, user=users["executive"], action="accept_risk", text="Pilot only"
    )
    assert _reread(item).accepted_by == users["executive"]


# --- The partnership route: a concern raised for the working session instead of an escalation --


def test_a_concern_is_kept_trimmed_as_a_medium_design_input_and_audited(reviewed, users):
    mark = _last_id()
    item = services.raise_concern_instead_of_escalation(
        initiative=reviewed,
        user=users["sponsor"],
        area="vendor",
        title="  Hosting in the vendor cloud  ",
        description="  We disagree on residency  ",
        source="api",
    )
    item = _reread(item)
    assert (item.area, item.title, item.description, item.severity, item.status) == (
        "vendor",
        "Hosting in the vendor cloud",
        "We disagree on residency",
        "medium",
        "raised",
    )
    assert (item.raised_by, item.instead_of_escalation, item.owner) == (
        users["sponsor"],
        True,
        None,
    )
    (event,) = _new_events(mark)
    assert (event.action, event.actor, event.initiative_id, event.object_id, event.source) == (
        "design_input.raised",
        users["sponsor"],
        reviewed.pk,
        str(item.pk),
        "api",
    )
    assert event.changes == {
        "after": {
            "area": "vendor",
            "title": "Hosting in the vendor cloud",
            "severity": "medium",
            "status": "raised",
            "instead_of_escalation": True,
        }
    }
    long = services.raise_concern_instead_of_escalation(
        initiative=reviewed, user=users["it_lead"], area="security", title="t" * 250
    )
    assert (_reread(long).title, long.description) == ("t" * 200, "")
    unexplained = services.raise_concern_instead_of_escalation(
        initiative=reviewed, user=users["reviewer"], area="security", title="A", description=None
    )
    assert _reread(unexplained).description == ""


@pytest.mark.parametrize(
    "actor,outcome",
    [
        ("sponsor", "allowed"),
        ("co_sponsor", "allowed"),
        ("reviewer", "allowed"),  # assigned to this initiative
        ("it_lead", "allowed"),
        ("other_reviewer", "PermissionDenied"),
        ("executive", "PermissionDenied"),
        ("other_sponsor", "PermissionDenied"),
        ("norole", "PermissionDenied"),
    ],
)
def test_the_initiatives_own_people_raise_a_concern(reviewed, users, actor, outcome):
    from initiatives.services import grant_membership

    grant_membership(reviewed, users["co_sponsor"], can_change=True, record=False)
    result = attempt(
        lambda: services.raise_concern_instead_of_escalation(
            initiative=reviewed, user=users[actor], area="security", title="Hosting"
        ),
        reviewed,
    )
    assert result.outcome == outcome
    if outcome == "allowed":
        assert result.events == ["design_input.raised"]
    else:
        with pytest.raises(PermissionDenied) as refused:
            services.raise_concern_instead_of_escalation(
                initiative=reviewed, user=users[actor], area="security", title="Hosting"
            )
        assert str(refused.value) == (
            "Only the initiative's own people (sponsor side, its IT reviewers, IT leads) raise "
            "a concern for its working session."
        )


@pytest.mark.parametrize(
    "status,fields,field,message",
    [
        (
            "draft",
            {},
            None,
            "A concern goes to the working session of a submitted initiative; this one is draft.",
        ),
        (
            "withdrawn",
            {},
            None,
            "A concern goes to the working session of a submitted initiative; this one is "
            "withdrawn.",
        ),
        ("in_review", {"area": "weather"}, "area", "Choose the concern area it belongs to."),
        ("in_review", {"title": "   "}, "title", "Say in one line what the concern is."),
        ("in_review", {"title": None}, "title", "Say in one line what the concern is."),
    ],
)
def test_a_concern_is_refused_with_its_reason_and_nothing_kept(
    reviewed, users, status, fields, field, message
):
    if status != "in_review":
        factories.make_status(reviewed, status)
    mark, count = _last_id(), reviewed.design_inputs.count()
    with pytest.raises(RuleError) as refused:
        services.raise_concern_instead_of_escalation(
            initiative=reviewed,
            user=users["sponsor"],
            **{"area": "security", "title": "Hosting", **fields},
        )
    assert str(refused.value) == message
    if field is None:
        assert isinstance(refused.value, TransitionNotAllowed)
    else:
        assert isinstance(refused.value, FieldRuleError) and refused.value.field == field
    assert reviewed.design_inputs.count() == count and _new_events(mark) == []


def test_a_concern_may_be_raised_on_a_submitted_initiative(users):
    submitted = factories.submitted_initiative(sponsor=users["sponsor"])
    item = services.raise_concern_instead_of_escalation(
        initiative=submitted, user=users["sponsor"], area="security", title="Hosting"
    )
    assert item.pk and item.initiative == submitted
