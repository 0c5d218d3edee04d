"""Rules of the decision log and of change control, as the services enforce them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import FieldRuleError, RuleError, TransitionNotAllowed
from governance.decisions.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Decision,
    DecisionKind,
)
from governance.decisions.selectors import production_state
from governance.decisions.services import (
    decide_change,
    raise_concern_for_next_session,
    record_decision,
    record_release,
    request_change,
)
from reviews.models import AssessmentStatus, ConcernAssessment
from tests import factories
from tests.conftest import attempt


@pytest.fixture
def initiative(users):
    """Submitted to IT, every concern assessment satisfied; the sponsor is its accountable
    person (step 2 of the intake)."""
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    factories.satisfied_assessments(initiative)
    return initiative


def record(initiative, user, **fields):
    return record_decision(initiative=initiative, user=user, **fields)


@pytest.mark.django_db
class TestRiskAcceptance:
    def test_needs_an_accountable_person(self, users, initiative):
        with pytest.raises(FieldRuleError, match="must name who is accountable") as exc:
            record(
                initiative,
                users["it_lead"],
                kind=DecisionKind.RISK_ACCEPTANCE,
                summary="Accept cloud inference",
                rationale="Latency budget allows it",
            )
        assert exc.value.field == "accountable"
        assert not Decision.objects.exists()

    @pytest.mark.parametrize("who", ["norole", "reviewer", "other_sponsor"])
    def test_someone_without_authority_is_refused(self, users, initiative, who):
        with pytest.raises(FieldRuleError, match="may not accept risk") as exc:
            record(
                initiative,
                users["it_lead"],
                kind=DecisionKind.RISK_ACCEPTANCE,
                summary="Accept",
                rationale="why",
                accountable=users[who],
            )
        assert exc.value.field == "accountable"
        assert not Decision.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="decision.").exists()

    def test_an_accountable_person_who_left_is_refused(self, users, initiative):
        users["sponsor"].is_active = False  # the initiative's accountable person
        users["sponsor"].save()
        refused = attempt(
            lambda: record(
                initiative,
                users["it_lead"],
                kind=DecisionKind.RISK_ACCEPTANCE,
                summary="Accept",
                rationale="why",
                accountable=users["sponsor"],
            ),
            initiative,
        )
        assert refused.outcome == "FieldRuleError"
        assert not Decision.objects.exists()

    @pytest.mark.parametrize("who", ["it_lead", "executive", "sponsor"])
    def test_it_lead_executive_or_the_initiatives_accountable_person(self, users, initiative, who):
        decision = record(
            initiative,
            users["it_lead"],
            kind=DecisionKind.RISK_ACCEPTANCE,
            summary="Accept cloud inference",
            rationale="Latency budget allows it",
            accountable=users[who],
        )
        assert decision.accountable == users[who]
        [event] = AuditEvent.objects.filter(action="decision.risk_acceptance")
        assert event.changes["after"]["accountable"] == users[who].username
        assert event.actor == users["it_lead"]

    def test_the_database_refuses_a_risk_acceptance_without_a_person(self, users, initiative):
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.create(
                initiative=initiative,
                kind=DecisionKind.RISK_ACCEPTANCE,
                summary="Bypassing the service",
                decided_by=users["it_lead"],
            )


@pytest.mark.django_db
class TestOtherDecisions:
    def test_escalation_needs_a_reason_and_is_counted(self, users, initiative):
        """Refused until the partnership route was offered and declined, with a reason and
        whether the concern was discussed in a session; each refusal names its field."""
        steps = [
            ({}, "partnership_declined"),
            ({"partnership_declined": True}, "rationale"),
            (
                {"partnership_declined": True, "rationale": "Three sessions without agreement"},
                "discussed_in_session",
            ),
            (
                {
                    "partnership_declined": True,
                    "rationale": "Three sessions without agreement",
                    "discussed_in_session": "maybe",
                },
                "discussed_in_session",
            ),
        ]
        for fields, field in steps:
            with pytest.raises(FieldRuleError) as exc:
                record(
                    initiative,
                    users["sponsor"],
                    kind=DecisionKind.ESCALATION,
                    summary="Stuck",
                    **fields,
                )
            assert exc.value.field == field
        assert not Decision.objects.exists()
        decision = record(
            initiative,
            users["sponsor"],
            kind=DecisionKind.ESCALATION,
            summary="Stuck on data residency",
            rationale="Three sessions without agreement",
            partnership_declined=True,
            discussed_in_session="yes",
        )
        assert Decision.objects.filter(kind=DecisionKind.ESCALATION).count() == 1
        assert (decision.partnership_offered, decision.discussed_in_session) == (True, "yes")
        event = AuditEvent.objects.filter(action="decision.escalation").get()
        assert event.changes["after"]["partnership_offered"] is True
        assert event.changes["after"]["discussed_in_session"] == "yes"

    def test_the_partnership_route_puts_the_concern_on_the_next_session(self, users, initiative):
        from reviews.models import DesignInput

        series = factories.working_series(initiative=initiative, user=users["it_lead"])
        route = raise_concern_for_next_session(
            initiative=initiative,
            user=users["sponsor"],
            area="security",
            title="Hosting in the vendor cloud",
            description="We disagree on residency",
        )
        item = route.design_input
        assert (item.raised_by, item.instead_of_escalation, item.status) == (
            users["sponsor"],
            True,
            "raised",
        )
        assert route.session is not None and route.session.series_id == series.pk
        assert route.session == min(
            (s for s in series.sessions.all() if s.starts_at >= timezone.now()),
            key=lambda s: s.starts_at,
        )
        from governance.sessions.selectors import agenda_for

        assert item in agenda_for(route.session)["open_inputs"]
        event = AuditEvent.objects.get(action="design_input.raised", object_id=str(item.pk))
        assert event.changes["after"]["instead_of_escalation"] is True
        assert not DesignInput.objects.filter(instead_of_escalation=False).exists()

    @pytest.mark.parametrize(
        ("who", "outcome"),
        [
            ("sponsor", "allowed"),
            ("co_sponsor", "allowed"),
            ("reviewer", "PermissionDenied"),  # not assigned to this one
            ("it_lead", "allowed"),
            ("executive", "PermissionDenied"),
            ("other_sponsor", "PermissionDenied"),
            ("norole", "PermissionDenied"),
        ],
    )
    def test_who_takes_the_partnership_route(self, users, initiative, who, outcome):
        from initiatives.services import grant_membership

        grant_membership(initiative, users["co_sponsor"], can_change=True)
        result = attempt(
            lambda: raise_concern_for_next_session(
                initiative=initiative, user=users[who], area="security", title="Hosting"
            ),
            initiative,
        )
        assert result.outcome == outcome

    def test_the_partnership_route_needs_an_area_and_a_title(self, users, initiative):
        for fields, field in [
            ({"area": "ethics", "title": "Hosting"}, "area"),
            ({"area": "security", "title": "  "}, "title"),
        ]:
            with pytest.raises(FieldRuleError) as exc:
                raise_concern_for_next_session(
                    initiative=initiative, user=users["sponsor"], **fields
                )
            assert exc.value.field == field

    def test_vendor_selection_names_a_candidate_of_this_initiative(self, users, initiative):
        mine = initiative.vendors.create(name="Cognex")
        other = factories.complete_initiative(sponsor=users["other_sponsor"])
        theirs = other.vendors.create(name="Landing AI")
        with pytest.raises(FieldRuleError, match="not a candidate") as exc:
            record(
                initiative,
                users["it_lead"],
                kind=DecisionKind.VENDOR_SELECTION,
                summary="Vendor chosen",
                rationale="Best on-prem option",
                vendor=theirs,
            )
        assert exc.value.field == "vendor"
        with pytest.raises(FieldRuleError) as exc:
            record(
                initiative,
                users["it_lead"],
                kind=DecisionKind.VENDOR_SELECTION,
                summary="Vendor chosen",
                vendor=mine,
            )
        assert exc.value.field == "rationale"
        decision = record(
            initiative,
            users["it_lead"],
            kind=DecisionKind.VENDOR_SELECTION,
            summary="Cognex selected",
            rationale="Runs on-premises; IT can support it",
            unscored_rationale="Pilot slot at the plant expires this month",
            vendor=mine,
        )
        assert (decision.vendor, decision.vendor_name) == (mine, "Cognex")

    def test_a_vendor_it_has_not_scored_needs_a_reason_and_is_flagged(self, users, initiative):
        from reviews.services.vendors import add_default_criteria, score_vendor

        unscored = initiative.vendors.create(name="Landing AI")
        scored = initiative.vendors.create(name="Cognex")
        it_lead = users["it_lead"]
        criterion = add_default_criteria(initiative=initiative, user=it_lead)[0]
        score_vendor(criterion=criterion, vendor=scored, user=it_lead, score=4)

        with pytest.raises(FieldRuleError, match="IT has not scored Landing AI yet") as exc:
            record(
                initiative,
                users["sponsor"],
                kind=DecisionKind.VENDOR_SELECTION,
                summary="Landing AI selected",
                rationale="Best demo",
                vendor=unscored,
            )
        assert exc.value.field == "unscored_rationale"
        assert not Decision.objects.exists()

        early = record(
            initiative,
            users["sponsor"],
            kind=DecisionKind.VENDOR_SELECTION,
            summary="Landing AI selected",
            rationale="Best demo",
            unscored_rationale="The budget must be committed this quarter",
            vendor=unscored,
        )
        assert early.before_it_assessment is True
        assert early.unscored_rationale == "The budget must be committed this quarter"
        event = AuditEvent.objects.filter(action="decision.vendor_selection").get()
        assert event.changes["after"]["before_it_assessment"] is True

        later = record(
            initiative,
            users["sponsor"],
            kind=DecisionKind.VENDOR_SELECTION,
            summary="Cognex selected after all",
            rationale="Scored best by IT",
            unscored_rationale="ignored: IT scored it",
            vendor=scored,
        )
        assert (later.before_it_assessment, later.unscored_rationale) == (False, "")

    def test_the_database_refuses_a_flag_without_a_reason(self, users, initiative):
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.create(
                initiative=initiative,
                kind=DecisionKind.VENDOR_SELECTION,
                summary="x",
                decided_by=users["sponsor"],
                before_it_assessment=True,
            )

    def test_approval_needs_conditions_and_authority(self, users, initiative):
        initiative_reviewer = users["reviewer"]
        from initiatives.services import grant_membership

        grant_membership(initiative, initiative_reviewer, can_review=True)
        with pytest.raises(PermissionDenied):
            record(initiative, initiative_reviewer, kind=DecisionKind.APPROVAL, summary="OK")
        with pytest.raises(FieldRuleError) as exc:
            record(initiative, users["executive"], kind=DecisionKind.APPROVAL, summary="Go")
        assert exc.value.field == "conditions"
        record(
            initiative,
            users["executive"],
            kind=DecisionKind.APPROVAL,
            summary="Go for pilot",
            conditions="Human sign-off on every reject for 3 months",
        )

    def test_outsiders_record_nothing(self, users, initiative):
        for who in ("norole", "other_sponsor"):
            refused = attempt(
                lambda who=who: record(
                    initiative, users[who], kind=DecisionKind.ARCHITECTURE, summary="Use Kafka"
                ),
                initiative,
            )
            assert refused.outcome == "PermissionDenied", who
        assert not Decision.objects.exists()


def statuses(initiative) -> dict[str, str]:
    return dict(
        ConcernAssessment.objects.filter(initiative=initiative).values_list("area", "status")
    )


@pytest.mark.django_db
class TestChangeControl:
    @pytest.mark.parametrize(
        ("kind", "reopened"),
        [
            (ChangeKind.NEW_DATA_SOURCE, {"security", "governance"}),
            (ChangeKind.NEW_INTEGRATION, {"architecture", "security", "performance"}),
            (
                ChangeKind.NEW_MODEL_VERSION,
                {"performance", "governance", "vendor", "explainability"},
            ),
        ],
    )
    def test_change_request_reopens_the_affected_assessments(
        self, users, initiative, kind, reopened
    ):
        change = request_change(
            initiative=initiative,
            user=users["sponsor"],
            kind=kind,
            description="Add the MES scrap table",
        )
        now = statuses(initiative)
        assert {a for a, s in now.items() if s == AssessmentStatus.NEEDS_INFO} == reopened
        assert {a for a, s in now.items() if s == AssessmentStatus.SATISFIED} == (
            set(now) - reopened
        )
        assert set(change.reopened_areas) == reopened
        assert AuditEvent.objects.filter(action="change.requested").count() == 1
        reopen_events = AuditEvent.objects.filter(action="assessment.reopened")
        assert reopen_events.count() == len(reopened)
        assert all(f"#{change.pk}" in e.changes["reason"] for e in reopen_events)

    def test_extra_areas_and_other_changes(self, users, initiative):
        with pytest.raises(FieldRuleError) as exc:
            request_change(
                initiative=initiative,
                user=users["sponsor"],
                kind=ChangeKind.OTHER,
                description="New shift pattern",
            )
        assert exc.value.field == "areas"
        request_change(
            initiative=initiative,
            user=users["sponsor"],
            kind=ChangeKind.OTHER,
            description="New shift pattern",
            extra_areas=["ownership"],
        )
        assert statuses(initiative)["ownership"] == AssessmentStatus.NEEDS_INFO
        assert statuses(initiative)["security"] == AssessmentStatus.SATISFIED

    def test_drafts_and_outsiders_are_refused(self, users, initiative):
        draft = factories.complete_initiative(sponsor=users["sponsor"])
        with pytest.raises(RuleError, match="once the initiative is with IT"):
            request_change(
                initiative=draft,
                user=users["sponsor"],
                kind=ChangeKind.NEW_DATA_SOURCE,
                description="x",
            )
        refused = attempt(
            lambda: request_change(
                initiative=initiative,
                user=users["norole"],
                kind=ChangeKind.NEW_DATA_SOURCE,
                description="x",
            ),
            initiative,
            *ConcernAssessment.objects.filter(initiative=initiative),
        )
        assert refused.outcome == "PermissionDenied"
        assert not ChangeRequest.objects.exists()
        assert all(s == AssessmentStatus.SATISFIED for s in statuses(initiative).values())

    def test_it_decides_and_records_what_runs_in_production(self, users, initiative):
        change = request_change(
            initiative=initiative,
            user=users["sponsor"],
            kind=ChangeKind.NEW_MODEL_VERSION,
            description="YOLOv8 → YOLOv9",
        )
        with pytest.raises(PermissionDenied):
            decide_change(change=change, user=users["sponsor"], to_status=ChangeStatus.APPROVED)
        decide_change(change=change, user=users["it_lead"], to_status=ChangeStatus.APPROVED)
        done = decide_change(
            change=change, user=users["it_lead"], to_status=ChangeStatus.IMPLEMENTED
        )
        assert done.status == ChangeStatus.IMPLEMENTED
        with pytest.raises(TransitionNotAllowed):
            decide_change(change=change, user=users["it_lead"], to_status=ChangeStatus.REJECTED)
        [approved] = AuditEvent.objects.filter(action="change.approved")
        assert approved.changes == {"status": ["open", "approved"]}

        record_release(
            initiative=initiative, user=users["it_lead"], model_name="YOLO", model_version="8"
        )
        release = record_release(
            initiative=initiative,
            user=users["it_lead"],
            model_name="YOLO",
            model_version="9",
            vendor_name="Ultralytics",
            vendor_version="8.3",
            change_request=change,
        )
        assert production_state(initiative) == release
        last = AuditEvent.objects.filter(action="release.recorded").last()
        assert last.changes == {"in_production": ["YOLO 8", "YOLO 9 (Ultralytics 8.3)"]}


# Change control written out: from → the states a change request may move to; who decides.
CHANGE_FLOW = {
    "open": {"approved", "rejected"},
    "approved": {"implemented", "rejected"},
    "rejected": set(),
    "implemented": set(),
}
DECIDERS = {"reviewer", "it_lead", "admin"}


@pytest.mark.django_db
@pytest.mark.parametrize("start", list(CHANGE_FLOW))
def test_every_change_decision_from_every_state_for_every_role(users, initiative, start):
    from initiatives.services import grant_membership

    grant_membership(initiative, users["reviewer"], can_review=True)
    change = request_change(
        initiative=initiative,
        user=users["sponsor"],
        kind=ChangeKind.NEW_DATA_SOURCE,
        description="x",
    )
    ChangeRequest.objects.filter(pk=change.pk).update(status=start)
    for target in ChangeStatus.values:
        for who in (
            "sponsor",
            "reviewer",
            "other_reviewer",
            "it_lead",
            "executive",
            "admin",
            "norole",
        ):
            result = attempt(
                lambda who=who, target=target: decide_change(
                    change=change, user=users[who], to_status=target
                ),
                change,
            )
            if who not in DECIDERS:  # who decides is checked first
                expected = "PermissionDenied"
            else:
                expected = "allowed" if target in CHANGE_FLOW[start] else "TransitionNotAllowed"
            assert result.outcome == expected, (target, who)
            assert result.events == ([f"change.{target}"] if expected == "allowed" else [])


@pytest.mark.django_db
def test_a_change_reopens_only_assessments_of_its_areas_and_leaves_the_others(users, initiative):
    """Areas the change does not touch keep their state, whatever it is: in progress stays in
    progress, needs info stays, satisfied stays; the touched ones need information again."""
    ConcernAssessment.objects.filter(initiative=initiative, area="performance").update(
        status=AssessmentStatus.IN_PROGRESS
    )
    ConcernAssessment.objects.filter(initiative=initiative, area="ownership").update(
        status=AssessmentStatus.NEEDS_INFO
    )
    ConcernAssessment.objects.filter(initiative=initiative, area="security").update(
        status=AssessmentStatus.IN_PROGRESS
    )
    request_change(
        initiative=initiative,
        user=users["sponsor"],
        kind=ChangeKind.NEW_DATA_SOURCE,
        description="Add the MES scrap table",
    )
    assert statuses(initiative) == {
        "security": AssessmentStatus.NEEDS_INFO,  # was in progress, touched
        "governance": AssessmentStatus.NEEDS_INFO,  # was satisfied, touched
        "performance": AssessmentStatus.IN_PROGRESS,
        "ownership": AssessmentStatus.NEEDS_INFO,
        "architecture": AssessmentStatus.SATISFIED,
        "vendor": AssessmentStatus.SATISFIED,
        "explainability": AssessmentStatus.SATISFIED,
    }
    reopened = AuditEvent.objects.filter(action="assessment.reopened")
    assert sorted(e.changes["status"][0] for e in reopened) == ["in_progress", "satisfied"]
