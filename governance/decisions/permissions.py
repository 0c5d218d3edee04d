"""Who may write in the decision log and take part in change control."""

from initiatives import permissions
from initiatives.models import Initiative
from initiatives.roles import Role, has_role

from .models import (
    DecisionKind,
)


def can_record_decision(user, initiative: Initiative, kind: str | None = None) -> bool:
    """Who writes in the decision log.

    Approvals: IT leads, executives, administrators. The other kinds: also the initiative's
    own people on both sides (sponsor side, assigned reviewers), who make those decisions
    together in the working sessions. Risk acceptances: also whoever may accept risk for it
    (`initiatives.permissions.has_risk_authority`: its decision owner and accountable
    person), the same rule as accepting the risk of a design input.
    """
    if not user.is_authenticated or not permissions.can_view(user, initiative):
        return False
    if has_role(user, *permissions.RISK_AUTHORITY_ROLES, Role.ADMINISTRATOR):
        return True
    if kind in (None, DecisionKind.RISK_ACCEPTANCE) and permissions.has_risk_authority(
        user, initiative
    ):
        return True
    if kind == DecisionKind.APPROVAL:
        return False
    return permissions.can_manage(user, initiative) or permissions.can_review(user, initiative)


def can_take_partnership_route(user, initiative: Initiative) -> bool:
    """Who raises a concern for the next working session instead of escalating: the
    initiative's own people on both sides (sponsor side, its IT reviewers, IT leads)."""
    return user.is_authenticated and (
        permissions.can_manage(user, initiative) or permissions.can_review(user, initiative)
    )


def can_request_change(user, initiative: Initiative) -> bool:
    """The sponsor side, assigned reviewers, IT leads and administrators request changes."""
    return user.is_authenticated and (
        permissions.can_manage(user, initiative)
        or permissions.can_review(user, initiative)
        or has_role(user, Role.ADMINISTRATOR)
    )


def can_decide_change(user, initiative: Initiative) -> bool:
    """IT decides whether a change may go ahead: assigned reviewers, IT leads, admins."""
    return user.is_authenticated and (
        permissions.can_review(user, initiative) or has_role(user, Role.ADMINISTRATOR)
    )
