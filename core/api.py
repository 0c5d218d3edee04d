"""API conventions shared by every app: one error format, optimistic concurrency, pagination.

Every error answers the same JSON shape, `Error` in the schema:

    {"detail": "Invalid input.", "code": "invalid", "errors": {"title": ["Required."]}}

`detail` is always a readable sentence, `code` a stable machine word, and `errors` (400 only)
maps each field to its messages (nested sections map row by row). The services' rule errors
become HTTP answers here, so viewsets just call the service:

- `RuleError` and subclasses → 400 (a rule refused the change; `field_errors` attribute,
  if set, fills `errors`), `TransitionNotAllowed` → 409 (its `field_errors`, if set, fill
  `errors` too: "not ready for build" lists its reasons by condition), `StaleEdit` → 412,
- Django `PermissionDenied` → 403, `Http404` → 404 (hidden and missing look the same).

Updates carry the version the client read: `If-Match: "7"` (the ETag of the GET) or a `version`
field in the body; `require_version` reads it (428 without one) and the service refuses a
stale one (412). The answers of the whole site outside DRF (400/413, 404, 500, 503) are in
`core.handlers`; bad input is refused before any view by `core.request_checks`.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework import exceptions, filters, mixins, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import FieldRuleError, RuleError, StaleEdit, TransitionNotAllowed
from .paging import CappedPaginator
from .query_params import MAX_ID  # noqa: F401  (the API's id fields stop here)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with the current state."
    default_code = "conflict"

    def __init__(self, detail=None, errors: dict | None = None):
        super().__init__(detail)
        # What stands in the way, by subject (e.g. the conditions of "ready for build").
        self.errors = errors or {}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object changed since you read it."
    default_code = "stale"


class PreconditionRequired(exceptions.APIException):
    """An update came without the version it was read at: it could overwrite a change made
    in between, so it is refused (RFC 6585) instead of saved blindly."""

    status_code = 428
    default_detail = (
        'Send the version you read: the ETag as If-Match (e.g. If-Match: "7") or a `version` '
        "field. Without it an update could overwrite someone else's change."
    )
    default_code = "version_required"


class RuleViolation(exceptions.ValidationError):
    """A service rule refused the change (400); `errors` names the fields concerned, if any."""

    default_code = "rule"

    def __init__(self, detail: str, field_errors: dict | None = None):
        super().__init__(detail, code=self.default_code)
        self.message = str(detail)
        self.field_errors = field_errors or {}


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer (the schema's `Error` component)."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    code = serializers.CharField(
        help_text="Stable machine word: invalid, rule, not_authenticated, authentication_failed, "
        "permission_denied, not_found, conflict, stale, method_not_allowed, …"
    )
    errors = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="400: field name → list of messages (nested sections: one entry per row); "
        "`non_field_errors` holds messages about the request as a whole. 409 may name what "
        "stands in the way the same way (not ready for build: condition → reasons).",
    )

    class Meta:
        ref_name = "Error"


def _as_api_exception(exc):
    if isinstance(exc, FieldRuleError):
        # A rule about one input reads like any other bad input: a 400 on that field.
        return exceptions.ValidationError({exc.field: [str(exc)]})
    if isinstance(exc, StaleEdit):
        return PreconditionFailed(str(exc))
    if isinstance(exc, TransitionNotAllowed):
        return Conflict(str(exc), getattr(exc, "field_errors", None))
    if isinstance(exc, RuleError):
        return RuleViolation(str(exc), getattr(exc, "field_errors", None))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return exc


def _first_code(codes) -> str:
    while isinstance(codes, dict | list):
        if not codes:
            return "invalid"
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes or "invalid")


def _summary(errors: dict) -> str:
    """A sentence for `detail`: the messages about the whole request, or the fields concerned."""
    general = errors.get("non_field_errors")
    if isinstance(general, list) and general:
        return " ".join(str(message) for message in general)
    fields = [name for name in errors if name != "non_field_errors"]
    return f"Invalid input: {', '.join(fields)}." if fields else "Invalid input."


def error_body(exc: exceptions.APIException, data) -> dict:
    """The uniform error document for an APIException and DRF's default data for it."""
    if isinstance(exc, RuleViolation):
        body = {"detail": exc.message, "code": exc.default_code}
        if exc.field_errors:
            body["errors"] = exc.field_errors
        return body
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(data, dict) and set(data) == {"detail"} and isinstance(data["detail"], str):
            return {"detail": data["detail"], "code": _first_code(exc.get_codes())}
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        return {"detail": _summary(errors), "code": "invalid", "errors": errors}
    detail = data.get("detail", "") if isinstance(data, dict) else data
    code = exc.get_codes()
    body = {"detail": str(detail), "code": code if isinstance(code, str) else exc.default_code}
    if isinstance(exc, Conflict) and exc.errors:
        body["errors"] = exc.errors
    return body


def exception_handler(exc, context):
    """DRF's handler with the services' errors mapped and every body in the `Error` shape."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if not isinstance(exc, exceptions.APIException):
        # Http404 (and Django's PermissionDenied) were turned into APIExceptions by DRF.
        exc = exceptions.NotFound(*getattr(exc, "args", ()))
    response.data = error_body(exc, response.data)
    return response


def expected_version(request) -> int | None:
    """The version the client read: `If-Match: "7"` (also W/"7" or 7) or a `version` field."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit() or not value.isascii():
            raise exceptions.ValidationError(
                {"If-Match": ['Send the ETag you read, e.g. "7".']}, code="invalid"
            )
        return int(value)
    value = request.data.get("version") if hasattr(request.data, "get") else None
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        value = None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise exceptions.ValidationError(
            {"version": [gettext("A whole number is required.")]}
        ) from None


def require_version(request) -> int:
    """The version the client read; an update without one is refused (428), never saved
    blindly over a change it did not see."""
    version = expected_version(request)
    if version is None:
        raise PreconditionRequired()
    return version


def body_object(request) -> dict:
    """The request body when it is a JSON object; a list or a scalar reads as empty."""
    return request.data if isinstance(request.data, dict) else {}


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = f'"{version}"'
    return response


class RetrieveWithETag(mixins.RetrieveModelMixin):
    """GET of one versioned object answers its version as the ETag, for If-Match."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        return with_etag(response, response.data["version"])


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=2&page_size=50` (at most 200 rows a page).

    `count` is exact up to `LIST_COUNT_CAP` rows; above it the answer says `count_capped:
    true`, `count` is the cap, and `next` still leads page by page to the end (see
    `CappedPaginator`). `count_capped` is false whenever `count` is exact."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def django_paginator_class(self, object_list, per_page):
        return CappedPaginator(object_list, per_page, cap=settings.LIST_COUNT_CAP)

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings and paginator.count and paginator.capped:
            # The last page needs the whole count: asked for explicitly, so counted once.
            paginator.capped = False
            paginator.count = paginator.object_list.count()
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = [*answer["required"], "count_capped"]
        answer["properties"]["count"]["description"] = (
            "How many rows the list holds; at most the cap when count_capped is true."
        )
        answer["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when the list holds more rows than count says (count "
            "stopped at the cap); follow next to the end.",
        }
        return answer


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=-updated_at,title`; the primary key breaks ties so pages never overlap."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        ordering = list(ordering)
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering.append("-pk" if ordering[0].startswith("-") else "pk")
        return ordering


class FilterBackend(DjangoFilterBackend):
    """django-filter, with date-time values moved to UTC before they reach the database.

    Python accepts UTC offsets up to ±24 h, PostgreSQL only up to ±15:59: a filter value such
    as `2026-01-01T10:00-22:00` would crash the query. Converted here for every app's filters;
    one that cannot be represented is a 400 on that filter.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        data = filterset.form.cleaned_data
        for name, value in list(data.items()):
            try:
                data[name] = _to_utc(value)
            except OverflowError:
                raise exceptions.ValidationError(
                    {name: ["The date and time is out of range."]}
                ) from None
        return filterset.qs


def _to_utc(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    if isinstance(value, slice):
        return slice(_to_utc(value.start), _to_utc(value.stop), value.step)
    return value
