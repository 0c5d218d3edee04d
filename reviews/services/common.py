"""Checks shared by the review services: roles, versions, scores."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, gettext_lazy

from core.errors import RuleError, StaleEdit
from initiatives import permissions
from initiatives.models import Initiative
from initiatives.roles import Role, has_role

User = get_user_model()


def _is_it_person(user) -> bool:
    return has_role(user, Role.REVIEWER, Role.IT_LEAD)


def _require_it_lead(user, refusal: str) -> None:
    """`refusal` is the whole sentence shown when the user is not an IT lead."""
    if not has_role(user, Role.IT_LEAD):
        raise PermissionDenied(str(refusal))


def _require_review(user, initiative: Initiative) -> None:
    permissions.forget_cached_perms(user)
    if not permissions.can_review(user, initiative):
        raise PermissionDenied(
            gettext("Only the initiative's IT reviewers and IT leads may do this.")
        )


# One whole sentence per kind of object, so a translation can inflect it.
_STALE = {
    "component": gettext_lazy(
        "This component was changed by someone else since you opened it. Your changes were "
        "not saved: reload to see the latest version."
    ),
    "assessment": gettext_lazy(
        "This assessment was changed by someone else since you opened it. Your changes were "
        "not saved: reload to see the latest version."
    ),
    "design input": gettext_lazy(
        "This design input was changed by someone else since you opened it. Your changes were "
        "not saved: reload to see the latest version."
    ),
}


def _check_version(obj, expected_version: int | None, what: str) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise StaleEdit(str(_STALE[what]))


def _bump(obj, fields: list[str]) -> None:
    """Save the fields and the next version; the row is locked by the caller."""
    obj.version = obj.version + 1
    obj.save(update_fields=[*fields, "version"])


def _user_label(user) -> str | None:
    return user.username if user is not None else None


def _validate_score(score) -> int | None:
    if score in (None, ""):
        return None
    try:
        value = int(score)
    except (TypeError, ValueError):
        raise RuleError(gettext("The score must be a whole number from 1 to 5.")) from None
    if not 1 <= value <= 5 or str(value) != str(score).strip():
        raise RuleError(gettext("The score must be a whole number from 1 (low) to 5 (high risk)."))
    return value
