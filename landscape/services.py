"""Every write on the plant system map: register, edit, import from a CMDB export."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from audit.services import record_event
from core.errors import FieldRuleError, StaleEdit
from core.people import display_name

from . import cmdb
from .models import Criticality, EnterpriseSystem, SystemKind
from .permissions import IT_GROUPS, can_maintain

# The fields a system's form, the API and an import row set.
FIELDS = ("site", "name", "kind", "it_owner", "criticality", "cmdb_id", "description")
LIMITS = {"name": 200, "cmdb_id": 100, "description": 2000}
MAINTAIN = "Only IT leads maintain the plant system map."


def _site_model():
    # The site lives in the initiatives app above this one; reach it through the relation.
    return EnterpriseSystem._meta.get_field("site").related_model


def _label(value) -> Any:
    if value is None:
        return None
    if hasattr(value, "username"):
        return value.username
    if hasattr(value, "_meta"):
        return str(value)
    return value


def _is_it_person(user) -> bool:
    return user.is_superuser or user.groups.filter(name__in=IT_GROUPS).exists()


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check one system's values; raise FieldRuleError on the first wrong field."""
    out = dict(values)
    for name in ("name", "cmdb_id", "description"):
        out[name] = (out.get(name) or "").strip()
    if not out["name"]:
        raise FieldRuleError("name", gettext("Name the system."))
    for name, limit in LIMITS.items():
        if len(out[name]) > limit:
            raise FieldRuleError(name, gettext("At most %(limit)s characters.") % {"limit": limit})
    if out.get("site") is None:
        raise FieldRuleError("site", gettext("Choose the site."))
    if out.get("kind") not in SystemKind.values:
        raise FieldRuleError("kind", gettext("Choose the kind of system."))
    out["criticality"] = out.get("criticality") or Criticality.MEDIUM
    if out["criticality"] not in Criticality.values:
        raise FieldRuleError("criticality", gettext("Choose low, medium or high."))
    owner = out.get("it_owner")
    if owner is not None and (not owner.is_active or not _is_it_person(owner)):
        raise FieldRuleError(
            "it_owner",
            gettext("%(person)s is not an active IT reviewer or IT lead.")
            % {"person": display_name(owner)},
        )
    return out


def _duplicate(values: dict[str, Any], exclude_pk: int | None) -> None:
    others = EnterpriseSystem.objects.exclude(pk=exclude_pk)
    if others.filter(site=values["site"], name__iexact=values["name"]).exists():
        raise FieldRuleError(
            "name", gettext("%(value)s already has a system named so.") % {"value": values["site"]}
        )
    if values["cmdb_id"] and others.filter(cmdb_id=values["cmdb_id"]).exists():
        raise FieldRuleError("cmdb_id", gettext("Another system has this CMDB id."))


def _require_maintainer(user) -> None:
    if not can_maintain(user):
        raise PermissionDenied(MAINTAIN)


@transaction.atomic
def register_system(*, user, values: dict[str, Any], source: str | None = None):
    """An IT lead registers a system of a site."""
    _require_maintainer(user)
    values = _clean({k: values.get(k) for k in FIELDS})
    _duplicate(values, None)
    system = EnterpriseSystem.objects.create(**values)
    record_event(
        actor=user,
        action="system.registered",
        obj=system,
        changes={k: [None, _label(values[k])] for k in FIELDS if values[k] not in ("", None)},
        source=source,
    )
    return system


def _changes(system: EnterpriseSystem, values: dict[str, Any]) -> dict[str, list]:
    changes = {}
    for name in FIELDS:
        if name not in values:
            continue
        before = getattr(system, f"{name}_id" if name in ("site", "it_owner") else name)
        after = values[name]
        after_key = getattr(after, "pk", after)
        if before != after_key:
            changes[name] = [_label(getattr(system, name)), _label(after)]
    return changes


@transaction.atomic
def update_system(
    *,
    system: EnterpriseSystem,
    user,
    values: dict[str, Any],
    expected_version: int | None = None,
    source: str | None = None,
) -> EnterpriseSystem:
    """An IT lead edits a system; an edit of a stale version is refused, one that changes
    nothing writes nothing."""
    _require_maintainer(user)
    locked = EnterpriseSystem.objects.select_for_update(of=("self",)).order_by().get(pk=system.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(
            gettext(
                "This system was changed by someone else since you opened it. Your changes were "
                "not saved: reload to see the latest version."
            )
        )
    merged = {k: getattr(locked, k) for k in FIELDS}
    merged.update({k: v for k, v in values.items() if k in FIELDS})
    merged = _clean(merged)
    _duplicate(merged, locked.pk)
    changes = _changes(locked, merged)
    if not changes:
        return locked
    for name in changes:
        setattr(locked, name, merged[name])
    locked.version += 1
    locked.save()
    record_event(actor=user, action="system.updated", obj=locked, changes=changes, source=source)
    return locked


# ---- CMDB import ---------------------------------------------------------------------------


class ImportAction:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass
class ImportRow:
    line: int
    name: str
    site: str
    cmdb_id: str
    action: str
    errors: list[str] = field(default_factory=list)
    changes: dict[str, list] = field(default_factory=dict)
    system_id: int | None = None


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[ImportRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        actions = (
            ImportAction.CREATE,
            ImportAction.UPDATE,
            ImportAction.UNCHANGED,
            ImportAction.REJECTED,
        )
        return {action: self.count(action) for action in actions}

    @property
    def rejected(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == ImportAction.REJECTED]

    @property
    def changes_anything(self) -> bool:
        return bool(self.count(ImportAction.CREATE) or self.count(ImportAction.UPDATE))


def _find_user(text: str):
    if not text:
        return None
    User = get_user_model()
    return User.objects.filter(
        Q(username__iexact=text) | Q(email__iexact=text), is_active=True
    ).first()


def _row_values(raw: cmdb.RawRow, sites: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    values, errors = {}, []
    text = raw.values
    site = sites.get(text["site"].lower())
    if site is None:
        errors.append(
            gettext("Unknown site “%(site)s”.") % {"site": text["site"]}
            if text["site"]
            else gettext("No site.")
        )
    values["site"] = site
    kind = cmdb.parse_kind(text["kind"])
    if kind is None:
        errors.append(
            gettext("Unknown kind “%(kind)s”.") % {"kind": text["kind"]}
            if text["kind"]
            else gettext("No kind.")
        )
    values["kind"] = kind
    criticality = cmdb.parse_criticality(text["criticality"])
    if criticality is None:
        errors.append(
            gettext("Unknown criticality “%(criticality)s”.") % {"criticality": text["criticality"]}
        )
    values["criticality"] = criticality
    owner = _find_user(text["it_owner"])
    if text["it_owner"] and owner is None:
        errors.append(gettext("No active portal user “%(name)s”.") % {"name": text["it_owner"]})
    values["it_owner"] = owner
    for name in ("name", "cmdb_id", "description"):
        values[name] = text[name]
    return values, errors


def import_systems(
    *, user, content: bytes | str, dry_run: bool = True, source: str | None = None
) -> ImportReport:
    """Read a CMDB export and register or update the systems it lists.

    Each row is matched by its CMDB id, else by site and name. A row with a wrong value is
    rejected with its reasons and the others go on; with `dry_run` nothing is written (the
    preview). A row equal to the stored system changes nothing, so importing the same export
    again writes nothing and records nothing. `cmdb.UnreadableFile` becomes a rule error on
    the file.
    """
    _require_maintainer(user)
    try:
        raw_rows = cmdb.read_rows(content)
    except cmdb.UnreadableFile as exc:
        raise FieldRuleError("file", str(exc)) from None
    sites = {site.name.lower(): site for site in _site_model().objects.all()}
    report = ImportReport(dry_run=dry_run, rows=[])
    with transaction.atomic():
        existing = list(
            EnterpriseSystem.objects.select_for_update(of=("self",))
            .select_related("it_owner")
            .order_by("pk")
        )
        by_cmdb = {s.cmdb_id: s for s in existing if s.cmdb_id}
        by_name = {(s.site_id, s.name.lower()): s for s in existing}
        seen: set = set()
        for raw in raw_rows:
            values, errors = _row_values(raw, sites)
            row = ImportRow(
                line=raw.line,
                name=raw.values["name"],
                site=raw.values["site"],
                cmdb_id=raw.values["cmdb_id"],
                action=ImportAction.REJECTED,
            )
            report.rows.append(row)
            if not errors:
                try:
                    values = _clean(values)
                except FieldRuleError as exc:
                    errors.append(f"{exc.field.replace('_', ' ').capitalize()}: {exc}")
            if errors:
                row.errors = errors
                continue
            key = values["cmdb_id"] or (values["site"].pk, values["name"].lower())
            if key in seen:
                row.errors = [gettext("The same system appears earlier in the file.")]
                continue
            seen.add(key)
            match = by_cmdb.get(values["cmdb_id"]) if values["cmdb_id"] else None
            match = match or by_name.get((values["site"].pk, values["name"].lower()))
            if match is None:
                row.action = ImportAction.CREATE
                if not dry_run:
                    try:
                        with transaction.atomic():
                            _duplicate(values, None)
                            system = EnterpriseSystem.objects.create(**values)
                    except FieldRuleError as exc:
                        row.action, row.errors = ImportAction.REJECTED, [str(exc)]
                        continue
                    row.system_id = system.pk
                    record_event(
                        actor=user,
                        action="system.imported",
                        obj=system,
                        changes={k: [None, _label(values[k])] for k in FIELDS if values[k]},
                        source=source,
                    )
                continue
            row.system_id = match.pk
            for name in ("it_owner", "criticality", "cmdb_id", "description"):
                if name not in raw.columns:
                    values[name] = getattr(match, name)  # no column: keep what is stored
            if not values["cmdb_id"] and match.cmdb_id:
                values["cmdb_id"] = match.cmdb_id  # a row without an id keeps the known one
            changes = _changes(match, values)
            if not changes:
                row.action = ImportAction.UNCHANGED
                continue
            row.action, row.changes = ImportAction.UPDATE, changes
            if not dry_run:
                try:
                    with transaction.atomic():
                        _duplicate(values, match.pk)
                        for name in changes:
                            setattr(match, name, values[name])
                        match.version += 1
                        match.save()
                except FieldRuleError as exc:
                    row.action, row.errors, row.changes = ImportAction.REJECTED, [str(exc)], {}
                    continue
                record_event(
                    actor=user,
                    action="system.import_updated",
                    obj=match,
                    changes=changes,
                    source=source,
                )
    return report


def refuse_unless_maintainer(user) -> None:
    """For pages and endpoints that show the maintainer's forms (403 for others)."""
    _require_maintainer(user)
