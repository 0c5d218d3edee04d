"""Writes on initiatives: create, edit a section, submit, move through the workflow.

Pages and the API call these functions, so every rule (who may edit, which transitions are
allowed, what a submission needs) lives here once.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from audit.services import diff_fields, record_event
from core.errors import FieldRuleError, RuleError, StaleEdit, TransitionNotAllowed
from core.people import display_name, language_of
from core.wording import in_sentence
from outbox import enqueue

from . import ai_act, permissions
from .models import (
    NAMED_ROLE_FIELDS,
    SYSTEM_TYPE_OF_KIND,
    AcknowledgementStatus,
    DataAsset,
    Initiative,
    InitiativeUserObjectPermission,
    IntegrationPoint,
    NamedRole,
    RoleAcknowledgement,
    Status,
    VendorCandidate,
)
from .roles import Role
from .signals import integration_linked, screening_changed, status_changed


class NotReadyToSubmit(RuleError):
    """A submission still lacks answers IT needs; `missing` lists them in step order."""

    def __init__(self, missing: list["MissingItem"]):
        labels = "; ".join(str(m.label) for m in missing)
        super().__init__(gettext("Not ready to submit. Missing: %(labels)s.") % {"labels": labels})
        self.missing = missing
        self.field_errors = {
            m.field: [
                gettext("Required before submitting (step %(step)s): %(label)s.")
                % {"step": m.step, "label": m.label}
            ]
            for m in missing
        }


class ProhibitedUse(RuleError):
    """The EU AI Act screening names a prohibited practice: the initiative cannot go to IT."""

    def __init__(self, reasons: list[str]):
        super().__init__(
            gettext("Cannot be submitted: %(reasons)s") % {"reasons": " ".join(reasons)}
        )
        self.field_errors = {"ai_act_prohibited": reasons}


# Each section (data assets, integrations, vendors) holds at most this many rows.
MAX_SECTION_ROWS = 20

# The sections of an initiative that hold rows, and what identifies a row when the caller
# sends no id (the API): a vendor keeps its scores when the list is sent again.
SECTION_MODELS = {
    "data_assets": DataAsset,
    "integrations": IntegrationPoint,
    "vendors": VendorCandidate,
}
SECTION_KEYS = {
    "data_assets": ("name",),
    "integrations": ("system_type", "name"),
    "vendors": ("name",),
}


def decision_date_problem(value, current=None) -> str | None:
    """Why a target decision date is refused, or None. An unchanged date is always kept."""
    if value and value != current and value <= timezone.localdate():
        return gettext("The decision date must be in the future.")
    return None


@dataclass(frozen=True)
class MissingItem:
    step: int
    field: str
    label: str


# What IT needs before it can partner: (step, field, label). Field names are model fields,
# or a related name for rows (data_assets, integrations).
REQUIRED_FOR_SUBMISSION: tuple[tuple[int, str, str], ...] = (
    (1, "title", _("Title")),
    (1, "business_problem", _("Business problem")),
    (1, "expected_value", _("Expected value")),
    (1, "site", _("Plant / site")),
    (1, "business_unit", _("Business unit")),
    (2, "decision_owner", _("Decision owner")),
    (2, "output_actors", _("Who acts on the AI's output")),
    (2, "accountable_person", _("Accountable person when the AI is wrong")),
    (2, "override_authority", _("Who may override the AI")),
    (3, "data_assets", _("At least one data source the AI will access")),
    (3, "forbidden_actions", _("Actions the AI must never take")),
    (3, "failure_fallback", _("What happens when it fails")),
    (3, "safety_critical", _("Safety-critical: yes or no")),
    (3, "regulated", _("Regulated: yes or no")),
    (4, "integrations", _("At least one system it integrates with")),
    (4, "sso_requirements", _("SSO / identity needs")),
    (5, "maintained_by", _("Who maintains it")),
    (5, "monitored_by", _("Who monitors it")),
    (5, "update_process", _("How model or vendor updates are made")),
)
# Step 6, the EU AI Act screening: every question of `ai_act.Screening.missing`.
SCREENING_STEP = 6
SCREENING_FIELDS = (
    "ai_act_role",
    "ai_act_prohibited",
    "ai_act_annex_i",
    "ai_act_third_party_assessment",
    "ai_act_annex_iii",
    "ai_act_transparency",
    "ai_act_gpai",
)

# Conditions a higher layer attaches to a move: the IT review decides what must hold before
# "ready for build". Each guard takes the locked initiative and raises a RuleError to refuse.
# That app registers them when Django starts, so this module never imports it.
_transition_guards: dict[str, list[Callable[[Initiative], None]]] = {}


def add_transition_guard(to_status: str, guard: Callable[[Initiative], None]) -> None:
    """Refuse every move to `to_status` that `guard` refuses (registered once at start-up)."""
    guards = _transition_guards.setdefault(to_status, [])
    if guard not in guards:
        guards.append(guard)


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.IN_REVIEW, Status.DRAFT, Status.WITHDRAWN}),
    Status.IN_REVIEW: frozenset({Status.READY_FOR_BUILD, Status.DRAFT, Status.WITHDRAWN}),
    Status.READY_FOR_BUILD: frozenset({Status.IN_REVIEW}),
    Status.WITHDRAWN: frozenset({Status.DRAFT}),
}


def _snapshot(initiative: Initiative, fields: Iterable[str]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = getattr(initiative, name)
        if hasattr(value, "pk"):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = value
    return out


def grant_membership(
    initiative: Initiative,
    user,
    *,
    can_change: bool = False,
    can_review: bool = False,
    actor=None,
    record: bool = True,
    source: str | None = None,
) -> None:
    """Make a user one of the initiative's people (view), with edit or review rights.

    Sponsors and co-sponsors get `change`; assigned IT reviewers get `review`. A grant that
    adds a permission is a permission change and leaves one audit event; `record=False` is
    for callers whose own event already says it (creation, co-sponsor edits).
    """
    wanted = [permissions.VIEW]
    if can_change:
        wanted.append(permissions.CHANGE)
    if can_review:
        wanted.append(permissions.REVIEW)
    with transaction.atomic():
        held = _held_codenames(initiative, user)
        for codename in wanted:
            assign_perm(f"initiatives.{codename}", user, initiative)
        permissions.forget_cached_perms(user)
        added = [c for c in wanted if c not in held]
        if record and added:
            record_event(
                actor=actor,
                action="membership.granted",
                obj=initiative,
                initiative=initiative,
                changes={
                    "user": user.username,
                    "permissions": [sorted(held), sorted(held | set(added))],
                },
                source=source,
            )


def revoke_membership(
    initiative: Initiative,
    user,
    *,
    codenames: Iterable[str] | None = None,
    actor=None,
    record: bool = True,
    source: str | None = None,
) -> None:
    """Take back a user's rights on the initiative (all of them unless `codenames` is given)."""
    with transaction.atomic():
        held = _held_codenames(initiative, user)
        removed = list(codenames or (permissions.VIEW, permissions.CHANGE, permissions.REVIEW))
        for codename in removed:
            remove_perm(f"initiatives.{codename}", user, initiative)
        permissions.forget_cached_perms(user)
        if record and held & set(removed):
            record_event(
                actor=actor,
                action="membership.revoked",
                obj=initiative,
                initiative=initiative,
                changes={
                    "user": user.username,
                    "permissions": [sorted(held), sorted(held - set(removed))],
                },
                source=source,
            )


def _held_codenames(initiative: Initiative, user) -> set[str]:
    return set(
        InitiativeUserObjectPermission.objects.filter(
            user=user, content_object=initiative
        ).values_list("permission__codename", flat=True)
    )


@transaction.atomic
def create_initiative(
    *, sponsor, fields: dict[str, Any], creation_token=None, source: str | None = None
) -> tuple[Initiative, bool]:
    """Create a draft owned by `sponsor`. Returns (initiative, created).

    A repeated `creation_token` (the same form posted twice) returns the first initiative
    instead of creating a duplicate; the unique constraint on the token decides, not timing.
    """
    co_sponsors = fields.pop("co_sponsors", None)
    if creation_token is not None:
        existing = Initiative.objects.filter(creation_token=creation_token).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            initiative = Initiative.objects.create(
                sponsor=sponsor, creation_token=creation_token, **fields
            )
    except IntegrityError:
        existing = Initiative.objects.filter(creation_token=creation_token).first()
        if existing is None:
            raise
        return existing, False
    if set(fields) & set(SCREENING_FIELDS):
        _reclassify(initiative)
        initiative.save(update_fields=["ai_act_class"])
        fields = {**fields, "ai_act_class": initiative.ai_act_class}
    # The creation event says who the sponsor and co-sponsors are: their grants need no
    # events of their own.
    grant_membership(initiative, sponsor, can_change=True, record=False)
    sync_role_acknowledgements(initiative)
    after = _snapshot(initiative, [*fields.keys(), "sponsor"])
    if co_sponsors:
        after["co_sponsors"] = _set_co_sponsors(initiative, co_sponsors)["co_sponsors"][1]
    record_event(
        actor=sponsor,
        action="initiative.created",
        obj=initiative,
        initiative=initiative,
        changes={"after": after},
        source=source,
    )
    return initiative, True


def _set_co_sponsors(initiative: Initiative, users) -> dict[str, list[int]]:
    before = set(initiative.co_sponsors.all())
    after = {u for u in users if u.pk != initiative.sponsor_id}
    # The initiative's own event records the co-sponsor diff, which is this permission change.
    for user in before - after:
        revoke_membership(
            initiative, user, codenames=(permissions.VIEW, permissions.CHANGE), record=False
        )
    for user in after - before:
        grant_membership(initiative, user, can_change=True, record=False)
    initiative.co_sponsors.set(after)
    return {"co_sponsors": [sorted(u.pk for u in before), sorted(u.pk for u in after)]}


@transaction.atomic
def update_initiative(
    *,
    initiative: Initiative,
    user,
    fields: dict[str, Any],
    expected_version: int | None,
    sections: dict[str, list[dict[str, Any]]] | None = None,
    source: str | None = None,
) -> Initiative:
    """Save edits to a draft; refuses stale versions and users who may not edit.

    `sections` gives the complete new rows of some sections (`SECTION_MODELS`); the rows are
    saved in the same transaction and the change is part of the one audit event.
    """
    locked = Initiative.objects.select_for_update(no_key=True).get(pk=initiative.pk)
    # Writes decide on fresh permissions, never on what a long-lived user object cached.
    permissions.forget_cached_perms(user)
    if not permissions.can_edit(user, locked):
        if locked.status != Status.DRAFT:
            raise PermissionDenied(
                gettext("Only drafts can be edited. Reopen it for editing first.")
            )
        raise PermissionDenied(gettext("You may not edit this initiative."))
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(
            gettext(
                "This initiative was saved by someone else (or in another tab) since you opened "
                "it. Your changes were not saved: reload to see the latest version."
            )
        )
    co_sponsors = fields.pop("co_sponsors", None)
    before = _snapshot(locked, fields.keys())
    for name, value in fields.items():
        setattr(locked, name, value)
    changes: dict[str, Any] = diff_fields(before, _snapshot(locked, fields.keys()))
    screening_touched = bool(set(changes) & set(SCREENING_FIELDS))
    if screening_touched:
        changes.update(_reclassify(locked))
    if co_sponsors is not None:
        co_change = _set_co_sponsors(locked, co_sponsors)
        if co_change["co_sponsors"][0] != co_change["co_sponsors"][1]:
            changes.update(co_change)
    for name, rows in (sections or {}).items():
        changed = _save_section(locked, name, rows)
        if changed:
            changes[name] = changed
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    if set(changes) & set(NAMED_ROLE_FIELDS.values()):
        sync_role_acknowledgements(locked)
    if changes:
        record_event(
            actor=user,
            action="initiative.updated",
            obj=locked,
            initiative=locked,
            changes=changes,
            source=source,
        )
    if screening_touched:
        screening_changed.send(sender=Initiative, initiative=locked, user=user, source=source)
    return locked


def sync_role_acknowledgements(initiative: Initiative) -> dict[str, str]:
    """Keep one acknowledgement per named role in step with the people the initiative names.

    A newly named person (or a different one) starts at pending: the confirmation was the
    previous person's. A role nobody holds any more has no acknowledgement. The caller's
    event records who was named; returns {role: what happened} ("named", "removed").
    """
    existing = {a.role: a for a in RoleAcknowledgement.objects.filter(initiative=initiative)}
    happened = {}
    for role, field in NAMED_ROLE_FIELDS.items():
        person_id = getattr(initiative, f"{field}_id")
        current = existing.get(role)
        if person_id is None:
            if current is not None:
                current.delete()
                happened[role] = "removed"
        elif current is None:
            RoleAcknowledgement.objects.create(
                initiative=initiative, role=role, person_id=person_id
            )
            happened[role] = "named"
        elif current.person_id != person_id:
            RoleAcknowledgement.objects.filter(pk=current.pk).update(
                person_id=person_id,
                status=AcknowledgementStatus.PENDING,
                reason="",
                decided_at=None,
                named_at=timezone.now(),
            )
            happened[role] = "named"
    return happened


def _locked_acknowledgement(initiative: Initiative, role: str, user) -> RoleAcknowledgement:
    if role not in NamedRole.values:
        raise FieldRuleError("role", gettext("Not a named role: %(role)s.") % {"role": repr(role)})
    acknowledgement = (
        RoleAcknowledgement.objects.select_for_update()
        .filter(initiative_id=initiative.pk, role=role)
        .first()
    )
    if acknowledgement is None or acknowledgement.person_id != user.pk:
        raise PermissionDenied(
            gettext("Only the person named %(lower)s confirms or declines the role.")
            % {"lower": in_sentence(NamedRole(role).label)}
        )
    if initiative.status == Status.WITHDRAWN:
        raise TransitionNotAllowed(gettext("The initiative is withdrawn; its roles are closed."))
    return acknowledgement


def _decide_role(
    *, initiative: Initiative, role: str, user, to_status: str, reason: str, source
) -> RoleAcknowledgement:
    with transaction.atomic():
        acknowledgement = _locked_acknowledgement(initiative, role, user)
        from_status = acknowledgement.status
        if from_status == to_status and to_status == AcknowledgementStatus.ACKNOWLEDGED:
            return acknowledgement  # a second click changes nothing
        if from_status == to_status:
            raise TransitionNotAllowed(gettext("You have already declined this role."))
        acknowledgement.status = to_status
        acknowledgement.reason = reason
        acknowledgement.decided_at = timezone.now()
        acknowledgement.save(update_fields=["status", "reason", "decided_at"])
        record_event(
            actor=user,
            action=f"role.{to_status}",
            obj=acknowledgement,
            initiative=initiative,
            changes={
                "role": role,
                "status": [from_status, to_status],
                **({"reason": reason} if reason else {}),
            },
            source=source,
        )
    return acknowledgement


def acknowledge_role(
    *, initiative: Initiative, role: str, user, source: str | None = None
) -> RoleAcknowledgement:
    """The person named decision owner or accountable person confirms the role (one click).

    Only that person; again after a decline too (a change of mind). Confirming twice is a
    no-op, not a second event.
    """
    return _decide_role(
        initiative=initiative,
        role=role,
        user=user,
        to_status=AcknowledgementStatus.ACKNOWLEDGED,
        reason="",
        source=source,
    )


def decline_role(
    *, initiative: Initiative, role: str, user, reason: str, source: str | None = None
) -> RoleAcknowledgement:
    """The person named declines the role, saying why (the sponsor then names someone else)."""
    reason = (reason or "").strip()
    if not reason:
        raise FieldRuleError(
            "reason", gettext("Say why you decline, so the sponsor can name someone else.")
        )
    return _decide_role(
        initiative=initiative,
        role=role,
        user=user,
        to_status=AcknowledgementStatus.DECLINED,
        reason=reason[:2000],
        source=source,
    )


def _reclassify(initiative: Initiative) -> dict[str, list]:
    """Derive the AI Act class from the answers set on `initiative`; the change, if any."""
    before = initiative.ai_act_class
    initiative.ai_act_class = ai_act.classify_initiative(initiative).level
    return (
        {"ai_act_class": [before, initiative.ai_act_class]}
        if before != initiative.ai_act_class
        else {}
    )


@transaction.atomic
def review_screening(
    *,
    initiative: Initiative,
    user,
    answers: dict[str, Any],
    note: str,
    expected_version: int | None,
    source: str | None = None,
) -> Initiative:
    """IT reviews the sponsor's EU AI Act screening: confirms it, or corrects answers.

    Assigned reviewers and IT leads, in any status but withdrawn. The note says what IT
    checked (e.g. why the Art. 6(3) derogation does or does not apply); the class is derived
    again from the reviewed answers.
    """
    locked = Initiative.objects.select_for_update(no_key=True).get(pk=initiative.pk)
    permissions.forget_cached_perms(user)
    if not permissions.can_review(user, locked):
        raise PermissionDenied(
            gettext("Only the initiative's IT reviewers and IT leads review it.")
        )
    if locked.status == Status.WITHDRAWN:
        raise TransitionNotAllowed(gettext("The initiative is withdrawn; its screening is closed."))
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(
            gettext(
                "This initiative changed since you read it (now version %(version)s). Nothing was "
                "changed: reload and try again."
            )
            % {"version": locked.version}
        )
    note = (note or "").strip()
    if not note:
        raise FieldRuleError("note", gettext("Say what IT checked, in a sentence or two."))
    unknown = set(answers) - set(SCREENING_FIELDS)
    if unknown:
        raise RuleError(
            gettext("Not screening questions: %(join)s.") % {"join": ", ".join(sorted(unknown))}
        )
    before = _snapshot(locked, [*answers, "ai_act_review_note"])
    for name, value in answers.items():
        setattr(locked, name, value)
    locked.ai_act_review_note = note
    changes: dict[str, Any] = diff_fields(
        before, _snapshot(locked, [*answers, "ai_act_review_note"])
    )
    changes.update(_reclassify(locked))
    if locked.ai_act_class == "":
        raise RuleError(gettext("Answer every screening question before confirming it."))
    changes["reviewed_by"] = user.username
    locked.ai_act_reviewed_by = user
    locked.ai_act_reviewed_at = timezone.now()
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    record_event(
        actor=user,
        action="initiative.ai_act_reviewed",
        obj=locked,
        initiative=locked,
        changes=changes,
        source=source,
    )
    screening_changed.send(sender=Initiative, initiative=locked, user=user, source=source)
    return locked


def _save_section(initiative: Initiative, name: str, rows: list[dict[str, Any]]) -> dict | None:
    """Make the section's rows exactly `rows`; what changed, for the audit trail.

    A row with an `id` updates that row; one without is matched by its key (`SECTION_KEYS`),
    else created. Rows not given are deleted.
    """
    if len(rows) > MAX_SECTION_ROWS:
        raise FieldRuleError(
            name,
            gettext("At most %(MAX_SECTION_ROWS)s rows.") % {"MAX_SECTION_ROWS": MAX_SECTION_ROWS},
        )
    model, keys = SECTION_MODELS[name], SECTION_KEYS[name]
    existing = {obj.pk: obj for obj in model.objects.filter(initiative=initiative)}
    by_key = {tuple(getattr(obj, k) for k in keys): obj for obj in existing.values()}
    plan = []
    for row in rows:
        values = {k: v for k, v in row.items() if k != "id"}
        match = existing.get(row.get("id")) or by_key.get(tuple(values.get(k) for k in keys))
        if match is not None and any(match is obj for obj, _ in plan):
            match = None
        plan.append((match or model(initiative=initiative), values))
    kept = {obj.pk for obj, _ in plan if obj.pk is not None}
    deleted = [obj for pk, obj in existing.items() if pk not in kept]
    for obj in deleted:
        obj.delete()
    saved = []
    for obj, values in plan:
        if name == "integrations":
            values = _integration_values(values)
        if obj.pk is not None and all(getattr(obj, k) == v for k, v in values.items()):
            continue
        if (
            name == "integrations"
            and obj.pk is not None
            and "system" in values
            and obj.system_id != getattr(values["system"], "pk", None)
        ):
            # Another system: its owner acknowledges anew.
            obj.owner_acknowledged_by = obj.owner_acknowledged_at = None
        for field, value in values.items():
            setattr(obj, field, value)
        obj.save()
        saved.append(str(obj))
    if not saved and not deleted:
        return None
    return {"saved": saved, "deleted": [str(obj) for obj in deleted]}


def involve_system_owners(
    initiative: Initiative,
    integrations,
    *,
    user,
    source: str | None = None,
) -> list[IntegrationPoint]:
    """Make the IT owner of each integration's system one of the initiative's people (so they
    see it and its review) and tell them, through `integration_linked`. Drafts stay private:
    this runs at submission and whenever IT maps an integration of a submitted initiative.
    Returns the integrations whose owner was involved."""
    involved = []
    for integration in integrations:
        system = integration.system
        owner = system.it_owner if system is not None else None
        if owner is None or not owner.is_active:
            continue
        grant_membership(initiative, owner, actor=user, source=source)
        integration_linked.send(
            sender=IntegrationPoint, integration=integration, user=user, source=source
        )
        involved.append(integration)
    return involved


def _integration_values(values: dict[str, Any]) -> dict[str, Any]:
    """A row that picks a registered system takes its type, and its name when none is given."""
    system = values.get("system")
    if system is None:
        return values
    values = dict(values)
    values["system_type"] = SYSTEM_TYPE_OF_KIND.get(system.kind, values.get("system_type"))
    if not values.get("name"):
        values["name"] = system.name
    return values


def missing_for_submission(initiative: Initiative) -> list[MissingItem]:
    """Everything a submission still lacks, in step order."""
    missing = []
    for step, name, label in REQUIRED_FOR_SUBMISSION:
        if name in ("data_assets", "integrations"):
            present = getattr(initiative, name).exists()
        elif name in _FK_FIELDS:
            present = getattr(initiative, f"{name}_id") is not None
        else:
            present = bool(getattr(initiative, name).strip())
        if not present:
            missing.append(MissingItem(step, name, label))
    missing += [
        MissingItem(SCREENING_STEP, name, label)
        for name, label in ai_act.Screening.of(initiative).missing()
    ]
    return missing


_FK_FIELDS = frozenset({"site", "business_unit", "decision_owner", "accountable_person"})


@transaction.atomic
def transition_initiative(
    *,
    initiative: Initiative,
    user,
    to_status: str,
    reason: str = "",
    source: str | None = None,
    expected_version: int | None = None,
) -> Initiative:
    """Move an initiative to another status, if the workflow and the user's role allow it.

    With `expected_version` (an API client's If-Match) a stale read is refused (StaleEdit).
    """
    locked = Initiative.objects.select_for_update(no_key=True).get(pk=initiative.pk)
    from_status = locked.status
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(
            gettext(
                "This initiative changed since you read it (now version %(version)s). Nothing was "
                "changed: reload and try again."
            )
            % {"version": locked.version}
        )
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        raise TransitionNotAllowed(
            gettext("An initiative that is %(lower)s cannot move to %(lower2)s.")
            % {
                "lower": in_sentence(locked.get_status_display()),
                "lower2": in_sentence(Status(to_status).label),
            }
        )
    permissions.forget_cached_perms(user)
    _check_transition_actor(user, locked, to_status)
    for guard in _transition_guards.get(to_status, ()):
        guard(locked)
    now = timezone.now()
    if to_status == Status.SUBMITTED:
        missing = missing_for_submission(locked)
        if missing:
            raise NotReadyToSubmit(missing)
        classification = ai_act.classify_initiative(locked)
        if classification.level == ai_act.AiActClass.PROHIBITED:
            raise ProhibitedUse(classification.reasons)
        locked.submitted_at = now
        if locked.it_first_involved_at is None:
            # The first time IT sees it: the phase at that moment says whether IT came early.
            locked.it_first_involved_at = now
            locked.phase_at_it_involvement = locked.phase
    elif to_status == Status.READY_FOR_BUILD:
        locked.ready_for_build_at = now
    locked.status = to_status
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    record_event(
        actor=user,
        action=f"initiative.{to_status}",
        obj=locked,
        initiative=locked,
        changes={"status": [from_status, to_status], **({"reason": reason} if reason else {})},
        source=source,
    )
    status_changed.send(
        sender=Initiative,
        initiative=locked,
        from_status=from_status,
        to_status=to_status,
        user=user,
        source=source,
    )
    if to_status == Status.SUBMITTED:
        screening_changed.send(sender=Initiative, initiative=locked, user=user, source=source)
        # The owners of the registered systems it connects to join its review.
        linked = locked.integrations.filter(system__it_owner__isnull=False).select_related(
            "system__it_owner"
        )
        involve_system_owners(locked, linked, user=user, source=source)
        # In this transaction: the notice is sent once it commits, even if the broker is down
        # now (the outbox relay retries); `send_submission_notice` sends it at most once.
        enqueue(
            "initiatives.tasks.notify_it_of_submission",
            {"initiative_id": locked.pk},
            key=f"submission-notice:{locked.pk}",
        )
    return locked


def _check_transition_actor(user, initiative: Initiative, to_status: str) -> None:
    if to_status == Status.SUBMITTED:
        allowed = permissions.can_edit(user, initiative)
    elif to_status in (Status.DRAFT, Status.WITHDRAWN):
        allowed = permissions.can_manage(user, initiative)
    else:
        allowed = permissions.can_review(user, initiative)
    if not allowed:
        raise PermissionDenied(gettext("You may not change the status of this initiative."))


def submit_initiative(*, initiative: Initiative, user, source: str | None = None) -> Initiative:
    """Hand a complete draft to IT for partnership (draft → submitted)."""
    return transition_initiative(
        initiative=initiative, user=user, to_status=Status.SUBMITTED, source=source
    )


def send_submission_notice(initiative_id: int) -> bool:
    """Tell IT leads that an initiative entered the IT queue. Sends at most once.

    The row lock plus `submission_notified_at` make a retried or duplicated task a no-op.
    """
    with transaction.atomic():
        initiative = (
            Initiative.objects.select_for_update(of=("self",), no_key=True)
            .select_related("sponsor", "site")
            .filter(pk=initiative_id, submission_notified_at__isnull=True)
            .first()
        )
        if initiative is None:
            return False
        leads = get_user_model().objects.filter(groups__name=Role.IT_LEAD, is_active=True)
        # One e-mail per language, each to the IT leads who read that language.
        by_language: dict[str, set[str]] = {}
        for lead in leads.select_related("language_preference"):
            if lead.email:
                by_language.setdefault(language_of(lead), set()).add(lead.email)
        url = f"{settings.PORTAL_BASE_URL}{initiative.get_absolute_url()}"
        for language, recipients in sorted(by_language.items()):
            with translation.override(language):
                words = {
                    "sponsor": display_name(initiative.sponsor),
                    "initiative": initiative,
                    "reference": initiative.reference,
                    "title": initiative.title,
                    "phase": initiative.get_phase_display(),
                    "site": initiative.site or gettext("no site"),
                    "url": url,
                }
                subject = gettext("New AI initiative for IT partnership: %(initiative)s") % words
                message = (
                    gettext(
                        "%(sponsor)s submitted %(reference)s “%(title)s” (%(phase)s phase, "
                        "%(site)s)."
                    )
                    % words
                    + "\n\n"
                    + gettext("Assign reviewers: %(url)s") % words
                    + "\n"
                )
            send_mail(
                subject=f"[Harmony] {subject}",
                message=message,
                from_email=None,
                recipient_list=sorted(recipients),
            )
        initiative.submission_notified_at = timezone.now()
        initiative.save(update_fields=["submission_notified_at"])
    return True
