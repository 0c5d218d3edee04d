"""Who may see which initiative, asked the same way from every layer.

The rules themselves live with the initiative (`initiatives/permissions.py`). The audit trail
sits below that app and may not import it, yet its auditor pages must apply the same rules;
so the initiatives app registers them here when Django starts (`InitiativesConfig.ready`),
the way `django.contrib.auth` lets lower code ask for the user model without importing it.

`visible_initiative_or_404` is the one answer for "this initiative, if the user may see it":
a hidden initiative and a missing one give the same 404, so nothing leaks that it exists.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import Http404

from .query_params import parse_id


@dataclass(frozen=True)
class AccessRules:
    """The initiative app's answers, registered once at start-up."""

    # Every initiative, as a queryset to narrow.
    initiatives: Callable[[], QuerySet]
    # `restrict(user, queryset, prefix)`: the rows whose initiative the user may see; `prefix`
    # is the path from the row to its initiative ("initiative__"), empty for initiatives.
    restrict: Callable[[Any, QuerySet, str], QuerySet]
    # May the user read the initiative's audit trail (who did what)?
    may_audit: Callable[[Any, Any], bool]
    # Ids of the initiatives whose audit trail the user may read, as a subquery; None = all.
    audited_initiative_ids: Callable[[Any], QuerySet | None]


_rules: AccessRules | None = None


def register(rules: AccessRules) -> None:
    global _rules
    _rules = rules


def rules() -> AccessRules:
    if _rules is None:
        raise ImproperlyConfigured(
            "No initiative access rules registered: is 'initiatives' installed?"
        )
    return _rules


def restrict_to_visible(user, queryset: QuerySet, prefix: str = "") -> QuerySet:
    """Any queryset narrowed to the rows whose initiative the user may see."""
    return rules().restrict(user, queryset, prefix)


def visible_initiative_or_404(user, pk, queryset: QuerySet | None = None):
    """The initiative `pk` if the user may see it; 404 otherwise (hidden looks like missing).

    `queryset` chooses what is loaded with it (select/prefetch); visibility is applied here.
    """
    number = parse_id(pk)
    base = queryset if queryset is not None else rules().initiatives()
    initiative = (
        restrict_to_visible(user, base).filter(pk=number).first() if number is not None else None
    )
    if initiative is None:
        raise Http404("No such initiative.")
    return initiative
