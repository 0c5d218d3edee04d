"""Who hears of decisions and change requests: the person a decision names, the IT reviewers
who decide a change, and the person who asked for it once it is decided."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from audit.models import AuditEvent
from core.wording import in_sentence
from governance.notifications.events import Message, register
from governance.notifications.models import EventKind
from initiatives.roles import Role
from reviews.models import ReviewAssignment

from .models import ChangeRequest, ChangeStatus, Decision, DecisionKind


def _decision(event: AuditEvent) -> Message | None:
    decision = Decision.objects.filter(pk=event.object_id).select_related("initiative").first()
    if decision is None or decision.accountable_id is None:
        return None
    initiative = decision.initiative
    return Message(
        kind=EventKind.DECISION_RECORDED,
        recipients={decision.accountable_id},
        title=gettext("A %(kind)s on %(reference)s names you accountable: %(summary)s")
        % {
            "kind": in_sentence(decision.get_kind_display()),
            "reference": initiative.reference,
            "summary": decision.summary,
        },
        text=decision.rationale,
        link=f"{initiative.get_absolute_url()}#decisions",
    )


def _change(event: AuditEvent) -> Message | None:
    change = ChangeRequest.objects.filter(pk=event.object_id).select_related("initiative").first()
    if change is None:
        return None
    initiative = change.initiative
    if event.action == "change.requested":
        reviewers = set(
            ReviewAssignment.objects.filter(initiative=initiative).values_list(
                "reviewer_id", flat=True
            )
        )
        if not reviewers:  # nobody assigned yet: the IT leads decide
            reviewers = set(
                get_user_model()
                .objects.filter(groups__name=Role.IT_LEAD, is_active=True)
                .values_list("pk", flat=True)
            )
        return Message(
            kind=EventKind.CHANGE_OPENED,
            recipients=reviewers,
            title=gettext("Change request on %(reference)s to decide: %(kind)s")
            % {"reference": initiative.reference, "kind": in_sentence(change.get_kind_display())},
            text=change.description,
            link=f"{initiative.get_absolute_url()}#changes",
        )
    return Message(
        kind=EventKind.CHANGE_DECIDED,
        recipients={change.requested_by_id},
        title=gettext("Your change request on %(reference)s is %(status)s")
        % {"reference": initiative.reference, "status": in_sentence(change.get_status_display())},
        text=change.description,
        link=f"{initiative.get_absolute_url()}#changes",
    )


for _kind in DecisionKind.values:
    register(f"decision.{_kind}", _decision)
register("change.requested", _change)
for _status in ChangeStatus.values:
    if _status != ChangeStatus.OPEN:
        register(f"change.{_status}", _change)
