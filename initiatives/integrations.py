"""Services on an initiative's integrations and the plant system map: IT maps a free-text
integration to a registered system, the system's IT owner acknowledges an integration, and
owners become participants of the review of initiatives that connect to their systems.

The system map itself (`landscape`) sits below this app; this module is where the two meet.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import record_event
from core.errors import RuleError
from landscape.models import EnterpriseSystem

from . import permissions
from .models import SYSTEM_TYPE_OF_KIND, IntegrationPoint, Status
from .roles import Role, has_role
from .services import involve_system_owners


def _locked(integration: IntegrationPoint) -> IntegrationPoint:
    return (
        IntegrationPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("initiative", "system__it_owner", "system__site")
        .get(pk=integration.pk)
    )


@transaction.atomic
def map_integration(
    *,
    integration: IntegrationPoint,
    system: EnterpriseSystem | None,
    user,
    source: str | None = None,
) -> IntegrationPoint:
    """An IT lead maps an integration to a registered system (None: back to free text).

    A new system needs a new acknowledgement from its owner; the owner of a submitted
    initiative's system is involved at once."""
    if not has_role(user, Role.IT_LEAD, Role.ADMINISTRATOR):
        raise PermissionDenied(gettext("Only IT leads map integrations to the system map."))
    locked = _locked(integration)
    if system is not None and not isinstance(system, EnterpriseSystem):
        raise RuleError(gettext("Choose a registered system."))
    if locked.system_id == getattr(system, "pk", None):
        return locked
    before = str(locked.system) if locked.system else None
    locked.system = system
    if system is not None:
        locked.system_type = SYSTEM_TYPE_OF_KIND.get(system.kind, locked.system_type)
    locked.owner_acknowledged_by = None
    locked.owner_acknowledged_at = None
    locked.save()
    record_event(
        actor=user,
        action="integration.mapped",
        obj=locked,
        initiative=locked.initiative,
        changes={"system": [before, str(system) if system else None]},
        source=source,
    )
    if system is not None and locked.initiative.status != Status.DRAFT:
        involve_system_owners(locked.initiative, [locked], user=user, source=source)
    return locked


def can_acknowledge(user, integration: IntegrationPoint) -> bool:
    """The system's IT owner acknowledges what connects to it."""
    system = integration.system
    return (
        user.is_authenticated
        and system is not None
        and system.it_owner_id is not None
        and system.it_owner_id == user.pk
    )


@transaction.atomic
def acknowledge_integration(
    *, integration: IntegrationPoint, user, source: str | None = None
) -> IntegrationPoint:
    """The system owner acknowledges an integration with their system (one click; twice is
    once)."""
    locked = _locked(integration)
    if not can_acknowledge(user, locked):
        raise PermissionDenied(
            gettext("Only the system's IT owner acknowledges integrations with it.")
        )
    if not permissions.can_view(user, locked.initiative):
        raise PermissionDenied(gettext("You may not see this initiative."))
    if locked.owner_acknowledged_at is not None:
        return locked
    locked.owner_acknowledged_by = user
    locked.owner_acknowledged_at = timezone.now()
    locked.save(update_fields=["owner_acknowledged_by", "owner_acknowledged_at"])
    record_event(
        actor=user,
        action="integration.acknowledged",
        obj=locked,
        initiative=locked.initiative,
        changes={"system": str(locked.system), "acknowledged_by": user.username},
        source=source,
    )
    return locked
