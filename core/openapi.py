"""The project's OpenAPI generation: every operation documents its error answers.

`AutoSchema` is DRF's DEFAULT_SCHEMA_CLASS, so the endpoints of every app get, without a
decorator of their own:

- the `Error` body for 400 (writes, and reads with query parameters: filters, pagination or
  parameters declared with `extend_schema`), 401 and 403 (unless the endpoint is public),
  404 (paths with an id, paginated lists), 409 (writes: a workflow conflict or a duplicate),
  412 (writes on an object that carries a version), 413 (writes: body too large), 415
  (writes: a media type the endpoint does not read), 428
  (PUT/PATCH of a versioned object without its version), 429 (public writes: the sign-in
  lockout of /api/token/) and 503 (every operation: the database cannot be reached);
- for serializers with a `version` field: the `If-Match` request header on writes and the
  `ETag` response header on answers that return the object.

A status an operation declares itself with `extend_schema(responses={...})` is kept as it is.
"""

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ERROR_DESCRIPTIONS = {
    "400": "Bad input: `errors` maps each field to its messages, or a rule refused the change "
    "(`code` = `rule`, the reason in `detail`).",
    "401": "Not signed in: send `Authorization: Token <key>` (or use the browser session).",
    "403": "Signed in, but not allowed to do this to an object you may see.",
    "404": "No such object, or one you may not see (the answer is the same).",
    "409": "The change conflicts with the current state (workflow, duplicate); `detail` says why.",
    "412": "The object changed since you read it (stale `If-Match` / `version`); reload first.",
    "413": "The request body is larger than the portal accepts.",
    "415": "The body's media type is not one the endpoint reads (JSON; multipart for file "
    "uploads), or a multipart body is malformed.",
    "428": "The update did not say which version it was read at: send the ETag as `If-Match` "
    "(or a `version` field). Nothing was changed.",
    "429": "Too many failed sign-ins for this username from your address; `Retry-After` says "
    "when to try again.",
    "503": "The database cannot be reached right now; `Retry-After` says when to try again.",
}


def _serializer_fields(serializer) -> set[str]:
    serializer = getattr(serializer, "child", serializer)
    try:
        return set(serializer.fields)
    except (AttributeError, TypeError, AssertionError):
        return set()


class AutoSchema(openapi.AutoSchema):
    def _is_public(self) -> bool:
        perms = [p.__class__ for p in self.view.get_permissions()]
        return not perms or permissions.AllowAny in perms

    def get_auth(self):
        auths = super().get_auth()
        if self._is_public() and {} not in auths:
            auths.append({})  # e.g. /api/token/ (no permission classes): callable anonymously
        return auths

    def _returns_version(self) -> bool:
        """The answer is an object with a `version` field (so it has an ETag)."""
        candidate = self.get_response_serializers()
        if isinstance(candidate, dict):
            candidate = next((v for k, v in candidate.items() if str(k) in ("200", "201")), None)
        if isinstance(candidate, OpenApiResponse):
            candidate = candidate.response
        if isinstance(candidate, type):
            try:
                candidate = candidate()
            except TypeError:
                return False
        return "version" in _serializer_fields(candidate)

    def _is_versioned(self) -> bool:
        """Writes on this object check a version (optimistic concurrency, If-Match)."""
        if getattr(self.view, "versioned", None) is not None:
            return bool(self.view.versioned)
        return self._returns_version()

    def _declares_query_parameters(self) -> bool:
        """`extend_schema(parameters=...)` names query parameters (or a serializer of them)."""
        for param in self.get_override_parameters():
            if isinstance(param, OpenApiParameter):
                if param.location == OpenApiParameter.QUERY:
                    return True
            elif isinstance(param, serializers.BaseSerializer) or (
                isinstance(param, type) and issubclass(param, serializers.BaseSerializer)
            ):
                return True
        return False

    def _has_path_id(self) -> bool:
        return "{" in self.path

    def _error_codes(self) -> list[str]:
        codes = []
        is_write = self.method in WRITE_METHODS
        has_query = self.method == "GET" and (
            self._get_filter_parameters()
            or self._get_pagination_parameters()
            or self._declares_query_parameters()
        )
        if is_write or has_query:
            codes.append("400")
        if not self._is_public():
            codes += ["401", "403"]
        if self._has_path_id() or (self._is_list_view() and self._get_paginator()):
            codes.append("404")
        if is_write and not self._is_public():
            # Any service may refuse a write that conflicts with the current state
            # (TransitionNotAllowed, a duplicate), so every write documents 409.
            codes.append("409")
        if is_write and self._has_path_id() and self._is_versioned():
            codes.append("412")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        if self.method in ("PUT", "PATCH") and self._has_path_id() and self._is_versioned():
            codes.append("428")
        if is_write and self._is_public():
            codes.append("429")
        codes.append("503")
        return codes

    def map_parsers(self):
        # Form encodings are accepted for the browser, but integrations speak JSON: documenting
        # only JSON keeps nested sections unambiguous.
        types = super().map_parsers()
        return ["application/json"] if "application/json" in types else types

    def _get_response_bodies(self, direction="response"):
        from .api import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]),
                    code,
                    direction=direction,
                )
        return responses

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if not self._has_path_id():
            return params
        if self.method in WRITE_METHODS and self._is_versioned():
            params.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=False,
                    description='The ETag you read, e.g. "7" (or send `version` in the body). '
                    "A stale one is refused with 412; PUT and PATCH without either are "
                    "refused with 428.",
                )
            )
        if self._returns_version():
            params.append(
                OpenApiParameter(
                    "ETag",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    response=["200"],
                    description="The object's version, quoted; send it back as If-Match.",
                )
            )
        return params
