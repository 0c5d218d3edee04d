"""Who may do what in the IT review, asked by the pages and the services alike."""

from django.utils.translation import gettext_lazy as _

from initiatives import permissions
from initiatives.models import Initiative
from initiatives.roles import Role, has_role

from .models import ComponentOwnership, ConcernAssessment, ReviewAssignment


def reviewer_areas(user, initiative: Initiative) -> set[str] | None:
    """The concern areas a user may assess; None means all of them."""
    if has_role(user, Role.IT_LEAD):
        return None
    areas = set(
        ReviewAssignment.objects.filter(initiative=initiative, reviewer=user).values_list(
            "concern_area", flat=True
        )
    )
    if "" in areas:
        return None
    return areas


def can_assess(user, assessment: ConcernAssessment) -> bool:
    """The initiative's reviewers for this concern area, and IT leads on every area."""
    if not permissions.can_review(user, assessment.initiative):
        return False
    areas = reviewer_areas(user, assessment.initiative)
    return areas is None or assessment.area in areas


COMPONENT_AUTHORITY = _("Only the component's IT owner or an IT lead may change its design.")


def can_design_component(user, component: ComponentOwnership) -> bool:
    """The component's IT owner (design authority) and IT leads change its design."""
    return user.pk == component.owner_id or has_role(user, Role.IT_LEAD)
