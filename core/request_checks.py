"""What a request may carry, checked before any view reads it, so bad input is a 4xx and
never a crash deep inside a view or the database:

- text (query parameters, form fields, JSON keys and strings) holds no NUL character and no
  unpaired UTF-16 surrogate: PostgreSQL can store neither, and a query with one fails;
- a body is at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413), the limit Django applies to
  forms, now for JSON too;
- JSON nests at most MAX_JSON_DEPTH levels (deep nesting exhausted the parser's stack).

`harmony_portal.middleware.BadInputMiddleware` runs `check_request` on every request.
"""

import json

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Deeper JSON than this is no request the API understands (its deepest body has 3 levels).
MAX_JSON_DEPTH = 32
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
TOO_LARGE = _("The request body is too large.")


class BadInput(Exception):
    """The request is refused: `status` 400 or 413, `errors` {field: [messages]} if any."""

    def __init__(self, detail: str, *, status: int = 400, code: str = "invalid", errors=None):
        super().__init__(detail)
        self.detail, self.status, self.code, self.errors = detail, status, code, errors


def text_problem(value: str) -> str | None:
    """Why no database column can hold this text (NUL, unpaired UTF-16 surrogate), or None."""
    if "\x00" in value:
        return gettext("Null characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return gettext("Unpaired surrogate characters are not allowed.")
    return None


def check_request(request) -> None:
    """Raise BadInput for a query parameter, form field or JSON body the portal refuses."""
    _check_fields(request.GET)
    if request.method == "POST" and request.content_type in FORM_TYPES:
        try:
            _check_fields(request.POST)
        except RequestDataTooBig:
            raise BadInput(str(TOO_LARGE), status=413, code="too_large") from None
        except TooManyFieldsSent:
            raise BadInput(
                gettext("Too many fields in the request body."), code="parse_error"
            ) from None
    if request.content_type == "application/json":
        _check_json_body(request)


def _check_fields(data) -> None:
    for name, values in data.lists():
        if problem := text_problem(name):
            raise _invalid("non_field_errors", problem)
        for value in values:
            if problem := text_problem(value):
                raise _invalid(name, problem)


def _invalid(field: str, problem: str) -> BadInput:
    return BadInput(
        gettext("Invalid input: %(field)s.") % {"field": field}, errors={field: [problem]}
    )


def _check_json_body(request) -> None:
    try:
        body = request.body
    except RequestDataTooBig:
        raise BadInput(str(TOO_LARGE), status=413, code="too_large") from None
    if not body:
        return
    try:
        data = json.loads(body)
    except RecursionError:
        raise BadInput(
            gettext("JSON parse error - nested too deeply."), code="parse_error"
        ) from None
    except ValueError as exc:  # also UnicodeDecodeError
        raise BadInput(
            gettext("JSON parse error - %(exc)s") % {"exc": exc}, code="parse_error"
        ) from None
    _check_json(data)


def _check_json(data) -> None:
    """Depth and text of a parsed body, without recursion (the body may be hostile). A bad
    text is an error on the top-level field that holds it, like any other invalid value."""
    stack = [(data, 1, None)]
    while stack:
        value, depth, field = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput(
                gettext("JSON parse error - nested deeper than %(MAX_JSON_DEPTH)s levels.")
                % {"MAX_JSON_DEPTH": MAX_JSON_DEPTH},
                code="parse_error",
            )
        if isinstance(value, dict):
            for key, item in value.items():
                if problem := text_problem(key):
                    raise _invalid(field or "non_field_errors", problem)
                stack.append((item, depth + 1, field or (key if depth == 1 else None)))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, field) for item in value)
        elif isinstance(value, str) and (problem := text_problem(value)):
            raise _invalid(field or "non_field_errors", problem)
