"""Checks shared by the review services: roles, versions, scores."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from core.errors import RuleError, StaleEdit
from initiatives import permissions
from initiatives.models import Initiative
from initiatives.roles import Role, has_role

User = get_user_model()


def _is_it_person(user) -> bool:
    return has_role(user, Role.REVIEWER, Role.IT_LEAD)


def _require_it_lead(user, what: str) -> None:
    if not has_role(user, Role.IT_LEAD):
        raise PermissionDenied(f"Only IT leads {what}.")


def _require_review(user, initiative: Initiative) -> None:
    permissions.forget_cached_perms(user)
    if not permissions.can_review(user, initiative):
        raise PermissionDenied("Only the initiative's IT reviewers and IT leads may do this.")


def _check_version(obj, expected_version: int | None, what: str) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise StaleEdit(
            f"This {what} was changed by someone else since you opened it. Your changes were "
            "not saved: reload to see the latest version."
        )


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
        raise RuleError("The score must be a whole number from 1 to 5.") from None
    if not 1 <= value <= 5 or str(value) != str(score).strip():
        raise RuleError("The score must be a whole number from 1 (low) to 5 (high risk).")
    return value
