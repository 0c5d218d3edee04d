"""Ready for build: the one rule that decides whether IT's review lets build start.

`ready_for_build_blockers` says, condition by condition, what still stands in the way and
where it is fixed; `mark_ready_for_build` moves the initiative and refuses with those blockers.
The rule is also registered as the guard of the initiatives workflow (`ReviewsConfig.ready`),
so no other path can skip it. The initiative page's checklist, the API (409 with the list) and
the risk status read the same conditions.

Ready for build means:
1. every concern area (`ConcernArea`, whatever areas it holds) assessed as satisfied, or ruled
   not applicable by an IT lead with a reason;
2. no high-severity design input open, or incorporated but not yet confirmed by IT;
3. a decision owner and an accountable person named, and each has confirmed the role;
4. the support model answered (who maintains it, who monitors it, how updates are made);
5. for a safety-critical initiative, a test of the manual fallback recorded whose latest
   result passed.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import record_event
from core.errors import FieldRuleError, TransitionNotAllowed
from core.wording import in_sentence
from initiatives import permissions
from initiatives.models import (
    NAMED_ROLE_FIELDS,
    AcknowledgementStatus,
    Initiative,
    NamedRole,
    RoleAcknowledgement,
    Status,
    YesNo,
)
from initiatives.services import transition_initiative

from ..models import (
    ConcernArea,
    ConcernAssessment,
    DesignInputStatus,
    FallbackTest,
    FallbackTestResult,
)
from ..selectors import blocking_design_inputs


class Condition:
    """The conditions of the rule, in the order the checklist shows them."""

    ASSESSMENTS = "assessments"
    DESIGN_INPUTS = "design_inputs"
    NAMED_ROLES = "named_roles"
    SUPPORT_MODEL = "support_model"
    FALLBACK_TEST = "fallback_test"

    LABELS = {
        ASSESSMENTS: _("Every concern area assessed, or not applicable"),
        DESIGN_INPUTS: _("No high-severity design input open or unconfirmed"),
        NAMED_ROLES: _("Decision owner and accountable person named and confirmed"),
        SUPPORT_MODEL: _("Support model answered"),
        FALLBACK_TEST: _("Manual fallback tested (safety-critical)"),
    }


@dataclass(frozen=True)
class Blocker:
    """One thing that stops "ready for build", in words, with the page where it is fixed."""

    condition: str
    message: str
    url: str


# The support model's answers (intake step 5), in the words of the checklist.
SUPPORT_FIELDS = (
    ("maintained_by", _("who maintains it")),
    ("monitored_by", _("who monitors it")),
    ("update_process", _("how updates are made")),
)


class NotReadyForBuild(TransitionNotAllowed):
    """Something still blocks build; `blockers` lists it (the API answers 409 with them)."""

    def __init__(self, blockers: list[Blocker]):
        super().__init__(
            gettext("Not ready for build: %(blockers)s.")
            % {"blockers": "; ".join(b.message for b in blockers)}
        )
        self.blockers = blockers
        # The API's 409 lists the reasons by condition (`core.api`).
        self.field_errors: dict[str, list[str]] = {}
        for blocker in blockers:
            self.field_errors.setdefault(blocker.condition, []).append(blocker.message)


def _assessment_blockers(initiative: Initiative) -> list[Blocker]:
    assessments = {a.area: a for a in ConcernAssessment.objects.filter(initiative=initiative)}
    blockers = []
    for area in ConcernArea:
        assessment = assessments.get(area.value)
        if assessment is None:
            blockers.append(
                Blocker(
                    Condition.ASSESSMENTS,
                    gettext("%(area)s: not assessed yet (no reviewer assigned)")
                    % {"area": area.label},
                    f"{initiative.get_absolute_url()}#reviewers",
                )
            )
        elif not assessment.counts_as_assessed:
            blockers.append(
                Blocker(
                    Condition.ASSESSMENTS,
                    gettext(
                        "%(area)s: %(status)s, not assessed as satisfied or marked not applicable"
                    )
                    % {"area": area.label, "status": in_sentence(assessment.get_status_display())},
                    reverse("reviews:assessment", args=[assessment.pk]),
                )
            )
    return blockers


def _input_blocker_text(item) -> str:
    if item.status == DesignInputStatus.INCORPORATED:
        text = gettext("High-severity design input awaiting IT confirmation: %(title)s")
    else:
        text = gettext("High-severity design input open: %(title)s")
    return text % {"title": item.title}


def _design_input_blockers(initiative: Initiative) -> list[Blocker]:
    return [
        Blocker(
            Condition.DESIGN_INPUTS,
            _input_blocker_text(d),
            reverse("reviews:design_input", args=[d.pk]),
        )
        for d in blocking_design_inputs(initiative)
    ]


def _named_role_blockers(initiative: Initiative) -> list[Blocker]:
    acknowledgements = {
        a.role: a for a in RoleAcknowledgement.objects.filter(initiative=initiative)
    }
    url = f"{initiative.get_absolute_url()}#named-roles"
    blockers = []
    for role in NamedRole:
        if getattr(initiative, f"{NAMED_ROLE_FIELDS[role]}_id") is None:
            blockers.append(
                Blocker(
                    Condition.NAMED_ROLES,
                    gettext("No %(role)s named") % {"role": in_sentence(role.label)},
                    url,
                )
            )
            continue
        acknowledgement = acknowledgements.get(role.value)
        status = acknowledgement.status if acknowledgement else AcknowledgementStatus.PENDING
        if status == AcknowledgementStatus.DECLINED:
            blockers.append(
                Blocker(
                    Condition.NAMED_ROLES,
                    gettext("The %(role)s declined the role") % {"role": in_sentence(role.label)},
                    url,
                )
            )
        elif status != AcknowledgementStatus.ACKNOWLEDGED:
            blockers.append(
                Blocker(
                    Condition.NAMED_ROLES,
                    gettext("The %(role)s has not confirmed the role yet")
                    % {"role": in_sentence(role.label)},
                    url,
                )
            )
    return blockers


def _support_blockers(initiative: Initiative) -> list[Blocker]:
    missing = [
        str(label) for name, label in SUPPORT_FIELDS if not getattr(initiative, name).strip()
    ]
    if not missing:
        return []
    return [
        Blocker(
            Condition.SUPPORT_MODEL,
            gettext("Support model unanswered: %(missing)s") % {"missing": ", ".join(missing)},
            f"{initiative.get_absolute_url()}#step-5",
        )
    ]


def _fallback_blockers(initiative: Initiative) -> list[Blocker]:
    if initiative.safety_critical != YesNo.YES:
        return []
    latest = FallbackTest.objects.filter(initiative=initiative).first()
    url = reverse("reviews:fallback_tests", args=[initiative.pk])
    if latest is None:
        return [
            Blocker(
                Condition.FALLBACK_TEST, gettext("Safety-critical: no manual fallback test"), url
            )
        ]
    if not latest.passed:
        return [
            Blocker(
                Condition.FALLBACK_TEST,
                gettext("Safety-critical: the latest manual fallback test (%(date)s) failed")
                % {"date": formats.date_format(latest.tested_on, "d M Y")},
                url,
            )
        ]
    return []


def ready_for_build_blockers(initiative: Initiative) -> list[Blocker]:
    """What stops the initiative from being ready for build now (empty: nothing), in the
    order of the checklist."""
    return [
        *_assessment_blockers(initiative),
        *_design_input_blockers(initiative),
        *_named_role_blockers(initiative),
        *_support_blockers(initiative),
        *_fallback_blockers(initiative),
    ]


@dataclass(frozen=True)
class ChecklistItem:
    condition: str
    label: str
    blockers: list[Blocker]

    @property
    def met(self) -> bool:
        return not self.blockers


def ready_for_build_checklist(initiative: Initiative) -> list[ChecklistItem]:
    """The conditions with what blocks each, for the initiative page (one rule: the same
    blockers as `ready_for_build_blockers`). A condition that does not apply is left out."""
    blockers = ready_for_build_blockers(initiative)
    conditions = list(Condition.LABELS)
    if initiative.safety_critical != YesNo.YES:
        conditions.remove(Condition.FALLBACK_TEST)
    return [
        ChecklistItem(c, Condition.LABELS[c], [b for b in blockers if b.condition == c])
        for c in conditions
    ]


def check_ready_for_build(initiative: Initiative) -> None:
    """Refuse with the blockers while there are any (the workflow's guard)."""
    blockers = ready_for_build_blockers(initiative)
    if blockers:
        raise NotReadyForBuild(blockers)


def mark_ready_for_build(
    *,
    initiative: Initiative,
    user,
    reason: str = "",
    source: str | None = None,
    expected_version: int | None = None,
) -> Initiative:
    """IT marks the initiative ready for build; refused (NotReadyForBuild) while blocked."""
    return transition_initiative(
        initiative=initiative,
        user=user,
        to_status=Status.READY_FOR_BUILD,
        reason=reason,
        source=source,
        expected_version=expected_version,
    )


def record_fallback_test(
    *,
    initiative: Initiative,
    user,
    tested_by: str,
    tested_on: date,
    result: str,
    notes: str = "",
    source: str | None = None,
) -> FallbackTest:
    """Record a test of the manual fallback (who ran it, when, the result), audited.

    The sponsor side and the initiative's IT reviewers record it; a test cannot be dated in
    the future.
    """
    permissions.forget_cached_perms(user)
    if not (permissions.can_manage(user, initiative) or permissions.can_review(user, initiative)):
        raise PermissionDenied(
            gettext("Only the initiative's people and its IT reviewers record tests.")
        )
    tested_by = (tested_by or "").strip()
    if not tested_by:
        raise FieldRuleError("tested_by", gettext("Say who ran the test."))
    if tested_on is None:
        raise FieldRuleError("tested_on", gettext("Give the date of the test."))
    if tested_on > timezone.localdate():
        raise FieldRuleError("tested_on", gettext("A test cannot be dated in the future."))
    if result not in FallbackTestResult.values:
        raise FieldRuleError("result", gettext("Choose passed or failed."))
    if initiative.status == Status.WITHDRAWN:
        raise TransitionNotAllowed(gettext("The initiative is withdrawn."))
    with transaction.atomic():
        test = FallbackTest.objects.create(
            initiative=initiative,
            tested_by=tested_by[:200],
            tested_on=tested_on,
            result=result,
            notes=(notes or "").strip(),
            recorded_by=user,
        )
        record_event(
            actor=user,
            action="fallback_test.recorded",
            obj=test,
            initiative=initiative,
            changes={
                "after": {
                    "tested_by": test.tested_by,
                    "tested_on": tested_on.isoformat(),
                    "result": result,
                    **({"notes": test.notes} if test.notes else {}),
                }
            },
            source=source,
        )
    return test
