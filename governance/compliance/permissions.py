"""Who may work with obligations and evidence, and who may read an initiative's files."""

from initiatives import permissions
from initiatives.models import Initiative, Status
from initiatives.roles import Role, has_role


def can_see_evidence(user, initiative: Initiative) -> bool:
    """Evidence (vendor reports, diagrams, assessments) is for the initiative's own people and
    the roles that see the whole portfolio, as its audit trail is; others who may see a public
    initiative do not read its files."""
    return permissions.can_audit(user, initiative)


def can_contribute(user, initiative: Initiative) -> bool:
    """Upload evidence and work on obligations: the sponsor side, assigned IT reviewers, IT leads
    and administrators, while the initiative is not withdrawn."""
    if not user.is_authenticated or initiative.status == Status.WITHDRAWN:
        return False
    return (
        permissions.can_manage(user, initiative)
        or permissions.can_review(user, initiative)
        or has_role(user, Role.ADMINISTRATOR)
    )


def can_remove_evidence(user, evidence) -> bool:
    """Whoever uploaded it, IT leads and administrators."""
    return user.is_authenticated and (
        evidence.uploaded_by_id == user.pk or has_role(user, Role.IT_LEAD, Role.ADMINISTRATOR)
    )


def can_edit_references(user) -> bool:
    """IT leads (and administrators) keep the framework references."""
    return user.is_authenticated and has_role(user, Role.IT_LEAD, Role.ADMINISTRATOR)
