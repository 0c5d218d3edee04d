"""Directory groups: the IT lead's mapping (group → role and/or site) and its application at
each single sign-on. Every change is a service with its audit event."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import record_event
from core.errors import FieldRuleError
from initiatives.models import Site
from initiatives.roles import Role, has_role, role_names

from .models import DirectoryGroupMapping, PersonSite

MAINTAIN = _("Only IT leads configure directory groups.")


def can_configure(user) -> bool:
    return user.is_authenticated and has_role(user, Role.IT_LEAD, Role.ADMINISTRATOR)


def _require(user) -> None:
    if not can_configure(user):
        raise PermissionDenied(MAINTAIN)


@transaction.atomic
def add_mapping(
    *, user, group: str, role: str = "", site: Site | None = None, source: str | None = None
) -> DirectoryGroupMapping:
    """An IT lead maps a directory group to a role, a site, or both."""
    _require(user)
    group = (group or "").strip()
    if not group:
        raise FieldRuleError("group", gettext("Name the group as the groups claim carries it."))
    if len(group) > 200:
        raise FieldRuleError("group", gettext("At most 200 characters."))
    if role and role not in Role.values:
        raise FieldRuleError("role", gettext("Choose a portal role."))
    if not role and site is None:
        raise FieldRuleError("role", gettext("Map the group to a role, a site, or both."))
    try:
        with transaction.atomic():
            mapping = DirectoryGroupMapping.objects.create(
                group=group, role=role or "", site=site, created_by=user
            )
    except IntegrityError:
        raise FieldRuleError("group", gettext("This group already maps to that.")) from None
    record_event(
        actor=user,
        action="directory_mapping.added",
        obj=mapping,
        changes={"group": group, "role": role or None, "site": str(site) if site else None},
        source=source,
    )
    return mapping


@transaction.atomic
def remove_mapping(*, user, mapping: DirectoryGroupMapping, source: str | None = None) -> None:
    _require(user)
    record_event(
        actor=user,
        action="directory_mapping.removed",
        obj=mapping,
        changes={"mapping": str(mapping)},
        source=source,
    )
    mapping.delete()


def claim_values(claims: dict, claim: str) -> set[str]:
    """The values of the groups claim (a list or a comma-separated string)."""
    raw = claims.get(claim) or []
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list | tuple):
        return set()
    return {str(v).strip() for v in raw if str(v).strip()}


@transaction.atomic
def apply_directory_groups(person, groups: Iterable[str], *, source: str = "sso") -> dict:
    """Set the person's portal roles and sites from their directory groups: the roles and
    sites the IT leads' mappings give those groups, and any group named like a portal role.
    Returns what changed ({"roles": [before, after], "sites": [...]}); a change is audited."""
    groups = set(groups)
    mappings = list(DirectoryGroupMapping.objects.filter(group__in=groups).select_related("site"))
    roles = {m.role for m in mappings if m.role} | (groups & set(role_names()))
    sites = {m.site for m in mappings if m.site is not None}
    held = set(person.groups.filter(name__in=role_names()).values_list("name", flat=True))
    changes = {}
    if held != roles:
        person.groups.remove(*Group.objects.filter(name__in=held - roles))
        person.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in roles])
        person.__dict__.pop("_harmony_roles", None)
        changes["roles"] = [sorted(held), sorted(roles)]
    had = set(PersonSite.objects.filter(user=person).values_list("site_id", flat=True))
    wanted = {site.pk for site in sites}
    if had != wanted:
        PersonSite.objects.filter(user=person).exclude(site_id__in=wanted).delete()
        PersonSite.objects.bulk_create(
            [PersonSite(user=person, site_id=pk) for pk in wanted - had], ignore_conflicts=True
        )
        names = dict(Site.objects.filter(pk__in=had | wanted).values_list("pk", "name"))
        changes["sites"] = [sorted(names[pk] for pk in had), sorted(names[pk] for pk in wanted)]
    if changes:
        record_event(
            actor=person,
            action="account.directory_synced",
            obj=person,
            changes=changes,
            source=source,
        )
    return changes
