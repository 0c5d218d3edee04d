"""API conventions shared by every app: error mapping and optimistic concurrency."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from initiatives.services import InitiativeError, StaleEdit, TransitionNotAllowed


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with the current state."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object changed since you read it."
    default_code = "stale"


def exception_handler(exc, context):
    """Turn the services' rule errors into HTTP answers with the reason in `detail`."""
    if isinstance(exc, StaleEdit):
        exc = PreconditionFailed(str(exc))
    elif isinstance(exc, TransitionNotAllowed):
        exc = Conflict(str(exc))
    elif isinstance(exc, InitiativeError):
        exc = exceptions.ValidationError({"detail": str(exc)})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


def expected_version(request) -> int | None:
    """The version the client read: `If-Match: "7"` or a `version` field in the body."""
    header = request.headers.get("If-Match", "").strip().strip("W/").strip('"')
    if header.isdigit():
        return int(header)
    value = request.data.get("version") if hasattr(request.data, "get") else None
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({"version": ["A whole number is required."]}) from None


def require_version(request) -> int:
    version = expected_version(request)
    if version is None:
        raise exceptions.ValidationError(
            {"version": ["Send the version you read (If-Match header or `version` field)."]}
        )
    return version


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = f'"{version}"'
    return response
