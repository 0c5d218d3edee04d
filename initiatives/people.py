"""Who may be chosen for a role, for the people pickers (issue 18, point 5).

One rule per picker role, shared by the forms (a person outside it is a field error), the
select every form renders without JavaScript, and the JSON endpoint the combobox searches:

- `person`: anyone with an active portal account (decision owner, accountable person,
  co-sponsors, session participants, design-input and obligation owners). Naming someone
  lets them see the initiative, so the whole directory is offered.
- `it`: active IT reviewers and IT leads (assigning reviewers, component owners), the rule of
  `reviews.services.assign_reviewer` and `assign_component_owner`.
- `risk`: who may accept risk for the initiative (`permissions.has_risk_authority`): IT leads,
  executives, and its decision owner and accountable person.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.people import display_name

from .models import Initiative
from .permissions import RISK_AUTHORITY_ROLES
from .roles import Role

PERSON = "person"
IT = "it"
RISK = "risk"

# What each role allows, as the field error for a person outside it (`name`: display name).
ROLE_RULES = {
    PERSON: _("%(name)s has no active portal account."),
    IT: _("%(name)s is not an IT reviewer or IT lead; only IT people can be chosen here."),
    RISK: _(
        "%(name)s may not accept risk for this initiative: only an IT lead, an executive, or "
        "its decision owner or accountable person can."
    ),
}
ROLES = tuple(ROLE_RULES)
MAX_RESULTS = 20


def people_for_role(role: str, initiative: Initiative | None = None) -> QuerySet:
    """Every active person who may be chosen for `role` (on `initiative`, where it matters),
    ordered by name."""
    people = get_user_model().objects.filter(is_active=True)
    if role == IT:
        people = people.filter(groups__name__in=[Role.REVIEWER, Role.IT_LEAD])
    elif role == RISK:
        rule = Q(groups__name__in=list(RISK_AUTHORITY_ROLES))
        if initiative is not None:
            partners = [
                pk
                for pk in (initiative.decision_owner_id, initiative.accountable_person_id)
                if pk is not None
            ]
            rule |= Q(pk__in=partners)
        people = people.filter(rule)
    elif role != PERSON:
        return people.none()
    return people.distinct().order_by("first_name", "last_name", "username")


def search_people(
    role: str, query: str = "", initiative: Initiative | None = None, limit: int = MAX_RESULTS
) -> list:
    """The people allowed for `role` whose name (or username) contains every word of `query`.
    The caller has already checked that the asking user may see `initiative`."""
    people = people_for_role(role, initiative)
    for word in (query or "").split()[:5]:
        word = word[:50]
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return list(people[:limit])


def as_choice(person) -> dict:
    """How the endpoint describes a person: the value the form takes and the name shown."""
    return {"username": person.username, "name": display_name(person)}
