"""Test data builders. Initiatives are created through the services, as users create them."""

import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from governance.sessions.services import set_series
from initiatives import services
from initiatives.demo import DEMO_SCREENING
from initiatives.models import BusinessUnit, Initiative, Site, Status
from initiatives.roles import Role

_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Plant {n}")
    country = "Germany"


class BusinessUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Unit {n}")


def role_users() -> dict:
    return {
        "sponsor": UserFactory(username="sponsor", role=Role.SPONSOR),
        "other_sponsor": UserFactory(username="other_sponsor", role=Role.SPONSOR),
        "co_sponsor": UserFactory(username="co_sponsor", role=Role.SPONSOR),
        "reviewer": UserFactory(username="reviewer", role=Role.REVIEWER),
        "other_reviewer": UserFactory(username="other_reviewer", role=Role.REVIEWER),
        "it_lead": UserFactory(username="it_lead", role=Role.IT_LEAD),
        "executive": UserFactory(username="executive", role=Role.EXECUTIVE),
        "admin": UserFactory(username="admin", role=Role.ADMINISTRATOR),
        "norole": UserFactory(username="norole"),
    }


def draft_initiative(*, sponsor, title=None, confidential=False, **fields) -> Initiative:
    initiative, _ = services.create_initiative(
        sponsor=sponsor,
        fields={
            "title": title or f"Initiative {next(_seq)}",
            "confidential": confidential,
            **fields,
        },
    )
    return initiative


# EU AI Act screening answers of an ordinary minimal-risk deployment (step 6 of the intake).
MINIMAL_SCREENING = DEMO_SCREENING


def acknowledge_roles(initiative: Initiative) -> Initiative:
    """The named decision owner and accountable person have confirmed their roles (set
    directly, without the events of `services.acknowledge_role`)."""
    from django.utils import timezone

    from initiatives.models import AcknowledgementStatus, RoleAcknowledgement

    RoleAcknowledgement.objects.filter(initiative=initiative).update(
        status=AcknowledgementStatus.ACKNOWLEDGED, decided_at=timezone.now()
    )
    return initiative


def complete_initiative(
    *, sponsor, owner=None, roles_acknowledged: bool = True, **fields
) -> Initiative:
    """A draft with every answer IT needs, ready to submit; the named people have confirmed
    their roles unless `roles_acknowledged` is False."""
    owner = owner or sponsor
    answers = {
        "business_problem": "Manual inspection misses defects.",
        "expected_value": "Fewer escapes.",
        "phase": "idea",
        "decision_owner": owner,
        "accountable_person": owner,
        "output_actors": "Line operators",
        "override_authority": "Shift supervisor",
        "forbidden_actions": "Never stop the line.",
        "failure_fallback": "Manual inspection.",
        "safety_critical": "no",
        "regulated": "no",
        "sso_requirements": "Entra ID",
        "maintained_by": "Plant digital team",
        "monitored_by": "Plant IT operations",
        "update_process": "Quarterly release through CAB.",
        **MINIMAL_SCREENING,
        **fields,  # the caller's answers win
    }
    if "site" not in answers:
        answers["site"] = SiteFactory(name="Augsburg Plant")
    if "business_unit" not in answers:
        answers["business_unit"] = BusinessUnitFactory(name="Quality")
    initiative = draft_initiative(sponsor=sponsor, **answers)
    initiative.data_assets.create(
        name="Camera images", classification="internal", storage_location="Plant edge server"
    )
    initiative.integrations.create(system_type="mes", name="Opcenter MES")
    if roles_acknowledged:
        acknowledge_roles(initiative)
    return initiative


def submitted_initiative(*, sponsor, **fields) -> Initiative:
    initiative = complete_initiative(sponsor=sponsor, **fields)
    return services.submit_initiative(initiative=initiative, user=sponsor)


def make_status(initiative: Initiative, status: str) -> Initiative:
    Initiative.objects.filter(pk=initiative.pk).update(status=status)
    initiative.refresh_from_db()
    return initiative


def satisfied_assessments(initiative: Initiative) -> dict:
    """All concern assessments of the initiative, satisfied; {area: assessment}."""
    from reviews.models import AssessmentStatus, ConcernAssessment
    from reviews.services.assessments import ensure_assessments
    from reviews.services.queue_facts import refresh_queue_facts

    ensure_assessments(initiative)
    ConcernAssessment.objects.filter(initiative=initiative).update(
        status=AssessmentStatus.SATISFIED, score=2
    )
    refresh_queue_facts(initiative.pk)  # queryset.update() sends no signal
    return {a.area: a for a in ConcernAssessment.objects.filter(initiative=initiative)}


def in_review_initiative(
    *, sponsor, it_lead=None, reviewer=None, concern_area="", **fields
) -> Initiative:
    """A submitted initiative in IT partnership (status in_review).

    With `it_lead` and `reviewer` the reviewer is assigned through the service (which moves it
    into review); without them the status is set directly, for tests that need no reviewer.
    """
    initiative = submitted_initiative(sponsor=sponsor, **fields)
    if it_lead is None or reviewer is None:
        return make_status(initiative, Status.IN_REVIEW)
    from reviews import services as review_services

    review_services.assign_reviewer(
        initiative=initiative, reviewer=reviewer, user=it_lead, concern_area=concern_area
    )
    initiative.refresh_from_db()
    return initiative


def design_input(*, initiative, raised_by, severity="medium", area="security", **fields):
    from reviews import services as review_services

    return review_services.raise_design_input(
        initiative=initiative,
        user=raised_by,
        area=area,
        title=fields.pop("title", f"Finding {next(_seq)}"),
        severity=severity,
        **fields,
    )


# --- Governance: working sessions -------------------------------------------------------


def working_series(*, initiative, user, participants=(), **fields):
    """A standing working session set up through the service (weekly, Tuesdays 10:00)."""
    import datetime

    defaults = {
        "cadence": "weekly",
        "weekday": 1,
        "start_time": datetime.time(10, 0),
        "time_zone": "Europe/Berlin",
        "duration_minutes": 60,
        "location": "Teams",
    }
    defaults.update(fields)
    return set_series(
        initiative=initiative, user=user, fields=defaults, participants=list(participants)
    )


def ensure_catalogue() -> None:
    """The framework references (and the checklist questions they map to) as the migrations
    load them: browser tests run in transactions that end by emptying every table."""
    from governance.compliance.catalogue import load_catalogue, read_catalogue
    from governance.compliance.models import FrameworkReference
    from reviews.models import ChecklistQuestion

    if FrameworkReference.objects.exists():
        return
    for item in read_catalogue()["references"]:
        for area, text in item["questions"]:
            ChecklistQuestion.objects.get_or_create(area=area, text=text)
    load_catalogue(FrameworkReference, ChecklistQuestion)


__all__ = ["Status"]
