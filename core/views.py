"""What every page does around a service call: show a refusal where it belongs."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages

from .errors import RuleError


def add_rule_error(form, exc: RuleError) -> None:
    """Put a rule's refusal on the form: beside each field it names, else above the form."""
    placed = False
    for field, field_messages in (getattr(exc, "field_errors", None) or {}).items():
        if field in form.fields:
            for message in field_messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, str(exc))


def run_service(
    request,
    call: Callable[[], Any],
    *,
    form=None,
    success: str | Callable[[Any], str] | None = None,
) -> tuple[bool, Any]:
    """Run a service call for a page; returns (went through, what the service returned).

    A refusal (`RuleError`) changes nothing and is shown to the user: on the form when there
    is one, otherwise as an error message on the next page. On success the `success` message
    (or `success(result)`) is shown. Permission errors and 404s pass through untouched.
    """
    try:
        result = call()
    except RuleError as exc:
        if form is not None:
            add_rule_error(form, exc)
        else:
            messages.error(request, str(exc))
        return False, None
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return True, result
