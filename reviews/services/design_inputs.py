"""Design inputs: findings tracked until incorporated, with one checked lifecycle."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import diff_fields, record_event
from core.errors import FieldRuleError, RuleError, TransitionNotAllowed
from core.people import display_name
from core.wording import in_sentence
from initiatives import permissions
from initiatives.models import Initiative, Status
from initiatives.roles import Role, has_role
from initiatives.services import grant_membership

from ..models import (
    OPEN_DESIGN_INPUT_STATUSES,
    ConcernArea,
    DesignInput,
    DesignInputStatus,
    Severity,
)
from .common import (
    _bump,
    _check_version,
    _require_review,
    _user_label,
)


class DesignInputAction(models.TextChoices):
    PROPOSE = "propose", _("Propose a solution")
    INCORPORATE = "incorporate", _("Mark incorporated")
    CONFIRM = "confirm", _("Confirm incorporation")
    ACCEPT_RISK = "accept_risk", _("Accept the risk")
    WITHDRAW = "withdraw", _("Withdraw")
    REOPEN = "reopen", _("Re-open")


_OPEN = frozenset(OPEN_DESIGN_INPUT_STATUSES)
_CLOSED = frozenset(
    {DesignInputStatus.INCORPORATED, DesignInputStatus.RISK_ACCEPTED, DesignInputStatus.WITHDRAWN}
)

# action: (statuses it may start from, status it leads to, who may do it, what text it needs)
DESIGN_INPUT_TRANSITIONS: dict[str, tuple[frozenset[str], str, str, str]] = {
    DesignInputAction.PROPOSE: (
        _OPEN,
        DesignInputStatus.SOLUTION_PROPOSED,
        "partner",
        "the proposed solution",
    ),
    DesignInputAction.INCORPORATE: (
        _OPEN,
        DesignInputStatus.INCORPORATED,
        "sponsor",
        "what changed in the design",
    ),
    DesignInputAction.CONFIRM: (
        frozenset({DesignInputStatus.INCORPORATED}),
        DesignInputStatus.INCORPORATED,
        "it",
        "",
    ),
    DesignInputAction.ACCEPT_RISK: (
        _OPEN,
        DesignInputStatus.RISK_ACCEPTED,
        "authority",
        "the reason the risk is accepted",
    ),
    DesignInputAction.WITHDRAW: (_OPEN, DesignInputStatus.WITHDRAWN, "it", "why it is withdrawn"),
    DesignInputAction.REOPEN: (_CLOSED, DesignInputStatus.RAISED, "it", "why it is re-opened"),
}

# The refusal when an action's text is missing: whole sentences, so translations can inflect.
_NEEDS_TEXT = {
    DesignInputAction.PROPOSE: _("Say the proposed solution."),
    DesignInputAction.INCORPORATE: _("Say what changed in the design."),
    DesignInputAction.ACCEPT_RISK: _("Say the reason the risk is accepted."),
    DesignInputAction.WITHDRAW: _("Say why it is withdrawn."),
    DesignInputAction.REOPEN: _("Say why it is re-opened."),
}


def allowed_design_input_actions(user, design_input: DesignInput) -> list[str]:
    """The actions the user may take on a design input now (for buttons and the API)."""
    out = []
    for action in DesignInputAction.values:
        try:
            _check_design_input_action(user, design_input, action)
        except (PermissionDenied, RuleError):
            continue
        out.append(action)
    return out


def _check_design_input_action(user, design_input: DesignInput, action: str) -> str:
    """Raise unless the action may run now by this user; returns the target status."""
    if action not in DESIGN_INPUT_TRANSITIONS:
        raise RuleError(gettext("Unknown action “%(action)s”.") % {"action": action})
    from_statuses, to_status, who, _ = DESIGN_INPUT_TRANSITIONS[action]
    if design_input.status not in from_statuses or (
        action == DesignInputAction.CONFIRM and design_input.confirmed_at is not None
    ):
        if action == DesignInputAction.CONFIRM and design_input.confirmed_at is not None:
            raise TransitionNotAllowed(gettext("IT has already confirmed this incorporation."))
        raise TransitionNotAllowed(
            gettext("A design input that is %(lower)s cannot be moved with “%(lower2)s”.")
            % {
                "lower": in_sentence(design_input.get_status_display()),
                "lower2": in_sentence(DesignInputAction(action).label),
            }
        )
    initiative = design_input.initiative
    is_owner = user.pk == design_input.owner_id
    sponsor_side = permissions.can_manage(user, initiative)
    it_side = permissions.can_review(user, initiative)
    allowed = {
        "partner": sponsor_side or is_owner or it_side,
        "sponsor": sponsor_side or is_owner,
        "it": it_side,
        "authority": permissions.has_risk_authority(user, initiative),
    }[who]
    if not allowed:
        raise PermissionDenied(
            {
                "partner": gettext(
                    "Only the sponsor side, the owner or IT may propose a solution."
                ),
                "sponsor": gettext(
                    "Only the sponsor, a co-sponsor or the owner marks it incorporated; "
                    "IT then confirms."
                ),
                "it": gettext("Only the initiative's IT reviewers and IT leads may do this."),
                "authority": gettext(
                    "Only an IT lead, an executive, or the initiative's decision "
                    "owner or accountable person may accept a risk."
                ),
            }[who]
        )
    return to_status


def raise_design_input(
    *,
    initiative: Initiative,
    user,
    area: str,
    title: str,
    severity: str = Severity.MEDIUM,
    description: str = "",
    proposed_solution: str = "",
    owner=None,
    due_date=None,
    source: str | None = None,
) -> DesignInput:
    """A reviewer records a finding as a design input to be incorporated (not a veto)."""
    with transaction.atomic():
        _require_review(user, initiative)
        if initiative.status in (Status.DRAFT, Status.WITHDRAWN):
            raise TransitionNotAllowed(
                gettext("Design inputs are raised on submitted initiatives; this one is %(lower)s.")
                % {"lower": in_sentence(initiative.get_status_display())}
            )
        if area not in ConcernArea.values:
            raise RuleError(gettext("Unknown concern area “%(area)s”.") % {"area": area})
        if severity not in Severity.values:
            raise RuleError(gettext("Unknown severity “%(severity)s”.") % {"severity": severity})
        if not (title or "").strip():
            raise RuleError(gettext("A design input needs a title."))
        design_input = DesignInput.objects.create(
            initiative=initiative,
            area=area,
            title=title.strip()[:200],
            description=description.strip(),
            severity=severity,
            proposed_solution=proposed_solution.strip(),
            owner=owner,
            due_date=due_date,
            raised_by=user,
        )
        _let_owner_see(initiative, owner)
        record_event(
            actor=user,
            action="design_input.raised",
            obj=design_input,
            initiative=initiative,
            changes={
                "after": {
                    "area": area,
                    "title": design_input.title,
                    "severity": severity,
                    "owner": _user_label(owner),
                    "status": design_input.status,
                }
            },
            source=source,
        )
        return design_input


def raise_concern_instead_of_escalation(
    *,
    initiative: Initiative,
    user,
    area: str,
    title: str,
    description: str = "",
    source: str | None = None,
) -> DesignInput:
    """The partnership route: the sponsor side (or IT) raises a concern as a design input, so
    it is on the agenda of the next working session, instead of escalating to executives.

    Only IT raises findings otherwise; this route is open to the initiative's own people on
    both sides, because it replaces an escalation they could record themselves.
    """
    with transaction.atomic():
        permissions.forget_cached_perms(user)
        if not (
            permissions.can_manage(user, initiative) or permissions.can_review(user, initiative)
        ):
            raise PermissionDenied(
                gettext(
                    "Only the initiative's own people (sponsor side, its IT reviewers, IT leads) "
                    "raise a concern for its working session."
                )
            )
        if initiative.status in (Status.DRAFT, Status.WITHDRAWN):
            raise TransitionNotAllowed(
                gettext(
                    "A concern goes to the working session of a submitted initiative; this one is "
                    "%(lower)s."
                )
                % {"lower": in_sentence(initiative.get_status_display())}
            )
        if area not in ConcernArea.values:
            raise FieldRuleError("area", gettext("Choose the concern area it belongs to."))
        title = (title or "").strip()
        if not title:
            raise FieldRuleError("title", gettext("Say in one line what the concern is."))
        design_input = DesignInput.objects.create(
            initiative=initiative,
            area=area,
            title=title[:200],
            description=(description or "").strip(),
            severity=Severity.MEDIUM,
            raised_by=user,
            instead_of_escalation=True,
        )
        record_event(
            actor=user,
            action="design_input.raised",
            obj=design_input,
            initiative=initiative,
            changes={
                "after": {
                    "area": area,
                    "title": design_input.title,
                    "severity": design_input.severity,
                    "status": design_input.status,
                    "instead_of_escalation": True,
                }
            },
            source=source,
        )
        return design_input


def _let_owner_see(initiative: Initiative, owner) -> None:
    """The owner must act on the design input, so they need to see the initiative."""
    if owner is not None and not permissions.can_view(owner, initiative):
        grant_membership(initiative, owner, record=False)


def _locked(design_input: DesignInput) -> DesignInput:
    """The design input read again under a row lock (its initiative with it, unlocked)."""
    return (
        DesignInput.objects.select_for_update(of=("self",), no_key=True)
        .select_related("initiative")
        .get(pk=design_input.pk)
    )


EDITABLE_DESIGN_INPUT_FIELDS = ("area", "title", "description", "severity", "owner", "due_date")


def edit_design_input(
    *,
    design_input: DesignInput,
    user,
    fields: dict[str, Any],
    expected_version: int | None,
    source: str | None = None,
) -> DesignInput:
    """IT edits a design input's description, severity, owner or due date."""
    with transaction.atomic():
        locked = _locked(design_input)
        _require_review(user, locked.initiative)
        _check_version(locked, expected_version, "design input")
        unknown = set(fields) - set(EDITABLE_DESIGN_INPUT_FIELDS)
        if unknown:
            raise RuleError(
                gettext("These fields cannot be edited: %(fields)s")
                % {"fields": ", ".join(sorted(unknown))}
            )
        if "severity" in fields and fields["severity"] not in Severity.values:
            raise RuleError(
                gettext("Unknown severity “%(value)s”.") % {"value": fields["severity"]}
            )
        if "area" in fields and fields["area"] not in ConcernArea.values:
            raise RuleError(
                gettext("Unknown concern area “%(value)s”.") % {"value": fields["area"]}
            )

        # People by username; a due date needs no conversion, the audit trail stores it as
        # its ISO text.
        def snap(obj):
            return {
                name: _user_label(obj.owner) if name == "owner" else getattr(obj, name)
                for name in fields
            }

        before = snap(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        changes = diff_fields(before, snap(locked))
        if not changes:
            return locked
        if "owner" in changes:
            _let_owner_see(locked.initiative, locked.owner)
        _bump(locked, [*fields, "updated_at"])
        record_event(
            actor=user,
            action="design_input.updated",
            obj=locked,
            initiative=locked.initiative,
            changes=changes,
            source=source,
        )
        return locked


def transition_design_input(
    *,
    design_input: DesignInput,
    user,
    action: str,
    text: str = "",
    accepted_by=None,
    expected_version: int | None = None,
    source: str | None = None,
) -> DesignInput:
    """Move a design input through its lifecycle; the one place its transitions are checked.

    raised → solution proposed → incorporated (sponsor side, with what changed) → confirmed by IT;
    or risk accepted by a named person with authority and a reason; or withdrawn by IT.
    IT may re-open a closed one.
    """
    with transaction.atomic():
        locked = _locked(design_input)
        permissions.forget_cached_perms(user)
        to_status = _check_design_input_action(user, locked, action)
        _check_version(locked, expected_version, "design input")
        text = (text or "").strip()
        need = DESIGN_INPUT_TRANSITIONS[action][3]
        if need and not text:
            raise RuleError(str(_NEEDS_TEXT[action]))
        now = timezone.now()
        before = {
            "status": locked.status,
            "proposed_solution": locked.proposed_solution,
            "resolution": locked.resolution,
            "accepted_by": _user_label(locked.accepted_by),
            "confirmed_by": _user_label(locked.confirmed_by),
        }
        extra: dict[str, Any] = {}
        if action == DesignInputAction.PROPOSE:
            locked.proposed_solution = text
        elif action == DesignInputAction.INCORPORATE:
            locked.resolution = text
            locked.resolved_at = now
            locked.confirmed_by, locked.confirmed_at = None, None
        elif action == DesignInputAction.CONFIRM:
            locked.confirmed_by, locked.confirmed_at = user, now
            if text:
                extra["note"] = text
        elif action == DesignInputAction.ACCEPT_RISK:
            person = accepted_by or user
            if not permissions.has_risk_authority(person, locked.initiative):
                raise RuleError(
                    gettext(
                        "%(person)s has no authority to accept this risk: name an IT lead, an "
                        "executive, or the initiative's decision owner or accountable person."
                    )
                    % {"person": display_name(person)}
                )
            if person.pk != user.pk and not has_role(user, Role.IT_LEAD):
                raise PermissionDenied(
                    gettext("Only IT leads record a risk acceptance on someone's behalf.")
                )
            locked.accepted_by = person
            locked.resolution = text
            locked.resolved_at = now
        elif action == DesignInputAction.WITHDRAW:
            locked.resolution = text
            locked.resolved_at = now
        elif action == DesignInputAction.REOPEN:
            extra["reason"] = text
            locked.accepted_by = None
            locked.confirmed_by, locked.confirmed_at = None, None
            locked.resolved_at = None
        locked.status = to_status
        after = {
            "status": locked.status,
            "proposed_solution": locked.proposed_solution,
            "resolution": locked.resolution,
            "accepted_by": _user_label(locked.accepted_by),
            "confirmed_by": _user_label(locked.confirmed_by),
        }
        _bump(
            locked,
            [
                "status",
                "proposed_solution",
                "resolution",
                "resolved_at",
                "accepted_by",
                "confirmed_by",
                "confirmed_at",
                "updated_at",
            ],
        )
        record_event(
            actor=user,
            action=f"design_input.{action}",
            obj=locked,
            initiative=locked.initiative,
            changes={**diff_fields(before, after), **extra},
            source=source,
        )
        return locked
