"""Rules of the initiative workflow, as the services enforce them."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from initiatives import services
from initiatives.models import Initiative, Status
from tests import factories
from tests.conftest import attempt


@pytest.mark.django_db
class TestSubmission:
    def test_draft_lists_every_missing_answer_by_step(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Idea only")
        missing = services.missing_for_submission(initiative)
        screening = [f for f in services.SCREENING_FIELDS if f != "ai_act_third_party_assessment"]
        assert [m.field for m in missing] == [
            f for _, f, _ in services.REQUIRED_FOR_SUBMISSION if f != "title"
        ] + screening
        assert {m.step for m in missing} == {1, 2, 3, 4, 5, 6}

    def test_blank_text_counts_as_missing(self, complete_initiative):
        complete_initiative.forbidden_actions = "   "
        assert [m.field for m in services.missing_for_submission(complete_initiative)] == [
            "forbidden_actions"
        ]

    def test_incomplete_draft_cannot_be_submitted(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        with pytest.raises(services.RuleError, match="Missing: Business problem"):
            services.submit_initiative(initiative=initiative, user=users["sponsor"])
        initiative.refresh_from_db()
        assert initiative.status == Status.DRAFT

    def test_submission_records_when_and_in_which_phase_it_came_to_it(self, complete_initiative):
        initiative = services.submit_initiative(
            initiative=complete_initiative, user=complete_initiative.sponsor
        )
        assert initiative.status == Status.SUBMITTED
        assert initiative.submitted_at is not None
        assert initiative.it_first_involved_at == initiative.submitted_at
        assert initiative.phase_at_it_involvement == "idea"
        assert initiative.it_involved_early is True
        assert (
            AuditEvent.objects.filter(initiative=initiative, action="initiative.submitted").count()
            == 1
        )

    def test_late_involvement_is_recorded_as_late(self, users):
        initiative = factories.complete_initiative(sponsor=users["sponsor"])
        Initiative.objects.filter(pk=initiative.pk).update(phase="build")
        initiative.refresh_from_db()
        initiative = services.submit_initiative(initiative=initiative, user=users["sponsor"])
        assert initiative.it_involved_early is False

    def test_resubmission_keeps_first_involvement(self, complete_initiative):
        sponsor = complete_initiative.sponsor
        first = services.submit_initiative(initiative=complete_initiative, user=sponsor)
        services.transition_initiative(initiative=first, user=sponsor, to_status=Status.DRAFT)
        Initiative.objects.filter(pk=first.pk).update(phase="build")
        again = services.submit_initiative(
            initiative=Initiative.objects.get(pk=first.pk), user=sponsor
        )
        assert again.it_first_involved_at == first.it_first_involved_at
        assert again.phase_at_it_involvement == "idea"

    def test_second_submit_is_refused_as_transition(self, complete_initiative):
        sponsor = complete_initiative.sponsor
        services.submit_initiative(initiative=complete_initiative, user=sponsor)
        # No longer a draft: a second submit is refused, and nothing changes (`attempt` reads
        # the row and the audit trail again).
        again = attempt(
            lambda: services.submit_initiative(initiative=complete_initiative, user=sponsor),
            complete_initiative,
        )
        assert again.outcome == "TransitionNotAllowed"

    def test_only_sponsor_side_submits(self, users, complete_initiative):
        refused = attempt(
            lambda: services.submit_initiative(
                initiative=complete_initiative, user=users["it_lead"]
            ),
            complete_initiative,
        )
        assert refused.outcome == "PermissionDenied"


@pytest.mark.django_db
class TestTransitions:
    @pytest.mark.parametrize(
        "start, target",
        [
            (Status.DRAFT, Status.IN_REVIEW),
            (Status.DRAFT, Status.READY_FOR_BUILD),
            (Status.SUBMITTED, Status.READY_FOR_BUILD),
            (Status.READY_FOR_BUILD, Status.DRAFT),
            (Status.WITHDRAWN, Status.SUBMITTED),
        ],
    )
    def test_disallowed_transitions_are_refused(self, users, complete_initiative, start, target):
        initiative = factories.make_status(complete_initiative, start)
        refused = attempt(
            lambda: services.transition_initiative(
                initiative=initiative, user=users["it_lead"], to_status=target
            ),
            initiative,
        )
        assert refused.outcome == "TransitionNotAllowed"

    def test_it_moves_submitted_into_review(self, users, complete_initiative):
        initiative = services.submit_initiative(
            initiative=complete_initiative, user=users["sponsor"]
        )
        refused = attempt(
            lambda: services.transition_initiative(
                initiative=initiative, user=users["sponsor"], to_status=Status.IN_REVIEW
            ),
            initiative,
        )
        assert refused.outcome == "PermissionDenied"
        moved = services.transition_initiative(
            initiative=initiative, user=users["it_lead"], to_status=Status.IN_REVIEW
        )
        assert moved.status == Status.IN_REVIEW


# The workflow, written out: (from, to) → who may make the move. Every other pair is refused
# as a transition, whoever asks; every other person is refused (403) where the move exists.
SPONSOR_SIDE = {"sponsor", "co_sponsor"}
IT = {"reviewer", "it_lead"}
WORKFLOW = {
    (Status.DRAFT, Status.SUBMITTED): SPONSOR_SIDE,
    (Status.DRAFT, Status.WITHDRAWN): SPONSOR_SIDE,
    (Status.SUBMITTED, Status.IN_REVIEW): IT,
    (Status.SUBMITTED, Status.DRAFT): SPONSOR_SIDE,
    (Status.SUBMITTED, Status.WITHDRAWN): SPONSOR_SIDE,
    (Status.IN_REVIEW, Status.READY_FOR_BUILD): IT,
    (Status.IN_REVIEW, Status.DRAFT): SPONSOR_SIDE,
    (Status.IN_REVIEW, Status.WITHDRAWN): SPONSOR_SIDE,
    (Status.READY_FOR_BUILD, Status.IN_REVIEW): IT,
    (Status.WITHDRAWN, Status.DRAFT): SPONSOR_SIDE,
}
PEOPLE = ("sponsor", "co_sponsor", "reviewer", "other_reviewer", "it_lead", "executive", "admin")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start, target",
    [(a, b) for a in Status.values for b in Status.values if a != b],
)
def test_every_move_of_the_workflow_for_every_role(users, start, target):
    """Each allowed move by each person who may make it, each refusal changing nothing."""
    initiative = factories.complete_initiative(sponsor=users["sponsor"])
    initiative.co_sponsors.add(users["co_sponsor"])
    services.grant_membership(initiative, users["co_sponsor"], can_change=True)
    services.grant_membership(initiative, users["reviewer"], can_review=True)
    initiative = factories.make_status(initiative, start)
    if target == Status.READY_FOR_BUILD:
        factories.satisfied_assessments(initiative)  # the IT review's rule holds
    allowed = WORKFLOW.get((start, target))
    for who in PEOPLE:
        result = attempt(
            lambda who=who: services.transition_initiative(
                initiative=initiative, user=users[who], to_status=target
            ),
            initiative,
        )
        if allowed is None:
            expected = "TransitionNotAllowed"
        else:
            expected = "allowed" if who in allowed else "PermissionDenied"
        assert result.outcome == expected, who
        if expected == "allowed":
            assert result.events == [f"initiative.{target}"]


@pytest.mark.django_db
class TestEditing:
    def test_stale_version_is_refused_and_nothing_changes(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Original")
        services.update_initiative(
            initiative=initiative,
            user=users["sponsor"],
            fields={"title": "First edit"},
            expected_version=initiative.version,
        )
        with pytest.raises(services.StaleEdit):
            services.update_initiative(
                initiative=initiative,
                user=users["sponsor"],
                fields={"title": "Second edit from an old tab"},
                expected_version=initiative.version,
            )
        initiative.refresh_from_db()
        assert initiative.title == "First edit"
        assert initiative.version == 2

    def test_co_sponsor_gets_edit_rights_and_loses_them_when_removed(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        services.update_initiative(
            initiative=initiative,
            user=users["sponsor"],
            fields={"co_sponsors": [users["co_sponsor"]]},
            expected_version=None,
        )
        services.update_initiative(
            initiative=initiative,
            user=users["co_sponsor"],
            fields={"title": "Edited by co-sponsor"},
            expected_version=None,
        )
        services.update_initiative(
            initiative=initiative,
            user=users["sponsor"],
            fields={"co_sponsors": []},
            expected_version=None,
        )
        with pytest.raises(PermissionDenied):
            services.update_initiative(
                initiative=initiative,
                user=users["co_sponsor"],
                fields={"title": "No longer allowed"},
                expected_version=None,
            )

    def test_submitted_initiative_is_not_editable(self, complete_initiative):
        sponsor = complete_initiative.sponsor
        services.submit_initiative(initiative=complete_initiative, user=sponsor)
        with pytest.raises(PermissionDenied, match="Only drafts"):
            services.update_initiative(
                initiative=complete_initiative,
                user=sponsor,
                fields={"title": "Sneaky"},
                expected_version=None,
            )

    def test_update_is_audited_with_before_and_after(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Before")
        services.update_initiative(
            initiative=initiative,
            user=users["sponsor"],
            fields={"title": "After"},
            expected_version=1,
        )
        event = AuditEvent.objects.get(initiative=initiative, action="initiative.updated")
        assert event.changes == {"title": ["Before", "After"]}
        assert event.actor == users["sponsor"]

    def test_creation_token_prevents_duplicates(self, users):
        import uuid

        token = uuid.uuid4()
        first, created = services.create_initiative(
            sponsor=users["sponsor"], fields={"title": "Once"}, creation_token=token
        )
        second, created_again = services.create_initiative(
            sponsor=users["sponsor"], fields={"title": "Once"}, creation_token=token
        )
        assert created and not created_again
        assert first.pk == second.pk
        assert Initiative.objects.filter(title="Once").count() == 1


@pytest.mark.django_db
class TestSections:
    def _save(self, initiative, user, **sections):
        return services.update_initiative(
            initiative=initiative,
            user=user,
            fields={},
            expected_version=Initiative.objects.get(pk=initiative.pk).version,
            sections=sections,
        )

    def test_rows_are_matched_by_key_so_they_keep_their_id(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        self._save(initiative, users["sponsor"], vendors=[{"name": "Acme"}, {"name": "Bolt"}])
        bolt = initiative.vendors.get(name="Bolt")

        self._save(
            initiative,
            users["sponsor"],
            vendors=[{"name": "Bolt", "product": "Vision 2"}, {"name": "Cogs"}],
        )

        rows = {v.name: v for v in initiative.vendors.all()}
        assert set(rows) == {"Bolt", "Cogs"}
        assert rows["Bolt"].pk == bolt.pk and rows["Bolt"].product == "Vision 2"
        event = AuditEvent.objects.filter(initiative=initiative).order_by("seq").last()
        assert event.changes["vendors"] == {"saved": ["Bolt", "Cogs"], "deleted": ["Acme"]}

    def test_a_row_with_its_id_is_renamed_not_replaced(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        self._save(
            initiative,
            users["sponsor"],
            data_assets=[{"name": "MES", "classification": "internal", "storage_location": "EU"}],
        )
        asset = initiative.data_assets.get()
        self._save(
            initiative,
            users["sponsor"],
            data_assets=[
                {
                    "id": asset.pk,
                    "name": "MES orders",
                    "classification": "internal",
                    "storage_location": "EU",
                }
            ],
        )
        assert list(initiative.data_assets.values_list("pk", "name")) == [(asset.pk, "MES orders")]

    def test_unchanged_rows_leave_no_audit_event(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        self._save(initiative, users["sponsor"], vendors=[{"name": "Acme"}])
        before = AuditEvent.objects.count()
        self._save(initiative, users["sponsor"], vendors=[{"name": "Acme"}])
        assert AuditEvent.objects.count() == before

    def test_too_many_rows_are_refused_and_nothing_is_saved(self, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        rows = [{"name": f"Vendor {n}"} for n in range(services.MAX_SECTION_ROWS + 1)]
        with pytest.raises(services.RuleError) as refused:
            self._save(initiative, users["sponsor"], vendors=rows)
        assert "vendors" in refused.value.field_errors
        assert not initiative.vendors.exists()


# --- Acknowledgement of named roles -------------------------------------------------------


@pytest.fixture
def named(users):
    """A submitted initiative naming `owner` decision owner and `partner` accountable person,
    neither of whom has confirmed yet."""
    owner = factories.UserFactory(username="owner")
    partner = factories.UserFactory(username="partner")
    initiative = factories.complete_initiative(
        sponsor=users["sponsor"], roles_acknowledged=False, accountable_person=partner
    )
    initiative = services.update_initiative(
        initiative=initiative,
        user=users["sponsor"],
        fields={"decision_owner": owner},
        expected_version=None,
    )
    initiative = services.submit_initiative(initiative=initiative, user=users["sponsor"])
    return {"initiative": initiative, "owner": owner, "partner": partner}


def _acks(initiative) -> dict[str, tuple[str, str]]:
    from initiatives.models import RoleAcknowledgement

    return {
        a.role: (a.person.username, a.status)
        for a in RoleAcknowledgement.objects.filter(initiative=initiative)
    }


@pytest.mark.django_db
class TestRoleAcknowledgement:
    def test_naming_people_creates_pending_acknowledgements(self, named):
        assert _acks(named["initiative"]) == {
            "decision_owner": ("owner", "pending"),
            "accountable": ("partner", "pending"),
        }

    def test_the_named_person_confirms_in_one_step_audited(self, named):
        initiative, owner = named["initiative"], named["owner"]
        result = attempt(
            lambda: services.acknowledge_role(
                initiative=initiative, role="decision_owner", user=owner
            )
        )
        assert result.outcome == "allowed" and result.events == ["role.acknowledged"]
        services.acknowledge_role(initiative=initiative, role="decision_owner", user=owner)
        assert _acks(initiative)["decision_owner"] == ("owner", "acknowledged")
        event = AuditEvent.objects.filter(action="role.acknowledged").get()
        assert event.actor == owner and event.changes["status"] == ["pending", "acknowledged"]

    def test_confirming_twice_records_one_event(self, named):
        initiative, owner = named["initiative"], named["owner"]
        for _ in range(2):
            services.acknowledge_role(initiative=initiative, role="decision_owner", user=owner)
        assert AuditEvent.objects.filter(action="role.acknowledged").count() == 1

    @pytest.mark.parametrize("who", ["sponsor", "it_lead", "admin", "partner"])
    def test_only_the_named_person_confirms_or_declines(self, named, users, who):
        actor = named["partner"] if who == "partner" else users[who]
        initiative = named["initiative"]
        for action in (
            lambda: services.acknowledge_role(
                initiative=initiative, role="decision_owner", user=actor
            ),
            lambda: services.decline_role(
                initiative=initiative, role="decision_owner", user=actor, reason="No."
            ),
        ):
            assert attempt(action, initiative).outcome == "PermissionDenied"

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_declining_needs_a_reason(self, named, reason):
        initiative, partner = named["initiative"], named["partner"]
        result = attempt(
            lambda: services.decline_role(
                initiative=initiative, role="accountable", user=partner, reason=reason
            ),
            initiative,
        )
        assert result.outcome == "FieldRuleError"
        assert _acks(initiative)["accountable"] == ("partner", "pending")

    def test_declining_records_the_reason_and_may_be_reversed(self, named):
        initiative, partner = named["initiative"], named["partner"]
        services.decline_role(
            initiative=initiative, role="accountable", user=partner, reason="Not my line."
        )
        assert _acks(initiative)["accountable"] == ("partner", "declined")
        event = AuditEvent.objects.get(action="role.declined")
        assert event.changes["reason"] == "Not my line."
        with pytest.raises(services.TransitionNotAllowed):
            services.decline_role(
                initiative=initiative, role="accountable", user=partner, reason="Again."
            )
        services.acknowledge_role(initiative=initiative, role="accountable", user=partner)
        assert _acks(initiative)["accountable"] == ("partner", "acknowledged")

    def test_an_unknown_role_is_a_field_error(self, named):
        with pytest.raises(services.FieldRuleError):
            services.acknowledge_role(
                initiative=named["initiative"], role="cfo", user=named["owner"]
            )

    def test_naming_someone_else_starts_again_at_pending(self, named, users):
        initiative = named["initiative"]
        services.acknowledge_role(initiative=initiative, role="accountable", user=named["partner"])
        initiative = services.transition_initiative(
            initiative=initiative, user=users["sponsor"], to_status=Status.DRAFT
        )
        newcomer = factories.UserFactory(username="newcomer")
        initiative = services.update_initiative(
            initiative=initiative,
            user=users["sponsor"],
            fields={"accountable_person": newcomer, "decision_owner": None},
            expected_version=None,
        )
        assert _acks(initiative) == {"accountable": ("newcomer", "pending")}
        # The same person again keeps the confirmation.
        services.acknowledge_role(initiative=initiative, role="accountable", user=newcomer)
        services.update_initiative(
            initiative=initiative,
            user=users["sponsor"],
            fields={"accountable_person": newcomer, "title": "Renamed"},
            expected_version=None,
        )
        assert _acks(initiative) == {"accountable": ("newcomer", "acknowledged")}

    def test_a_withdrawn_initiative_takes_no_confirmation(self, named, users):
        initiative = services.transition_initiative(
            initiative=named["initiative"], user=users["sponsor"], to_status=Status.WITHDRAWN
        )
        result = attempt(
            lambda: services.acknowledge_role(
                initiative=initiative, role="decision_owner", user=named["owner"]
            ),
            initiative,
        )
        assert result.outcome == "TransitionNotAllowed"
