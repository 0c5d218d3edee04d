"""What the whole site answers when a request cannot be served: 400/413, 403, 404, 500, 503
and a refused CSRF token.

Django calls these (`handler400`, `handler403`, `handler404`, `handler500` in the project's
URLs, `CSRF_FAILURE_VIEW` in the settings) for any page or API call. Under /api/ the answer is
the API's `Error` JSON (`core.api`), elsewhere a page inside the portal's layout with a way
back. A database that cannot be reached is not a bug: it answers 503 with Retry-After.
"""

import sys

from django import db
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from .request_checks import TOO_LARGE

# Errors that mean "the database cannot be reached now" (down, restarting, connection lost),
# as opposed to a bug: the request may succeed when it is repeated a little later.
DATABASE_UNAVAILABLE = (db.OperationalError, db.InterfaceError)
UNAVAILABLE = _(
    "The portal cannot reach its database right now. Try again in a minute; if you were "
    "saving something, check afterwards whether it was saved."
)


def error_response(
    status: int, detail: str, code: str, *, errors: dict | None = None
) -> JsonResponse:
    """The API's `Error` body outside DRF (middleware, the handlers below)."""
    body = {"detail": detail, "code": code, **({"errors": errors} if errors else {})}
    return JsonResponse(body, status=status)


def bad_request(request, exception=None):
    """400 for the whole site (413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE): the `Error`
    JSON under /api/, Django's page elsewhere. Django sends malformed requests here."""
    too_large = isinstance(exception, RequestDataTooBig)
    if request.path.startswith("/api/"):
        if too_large:
            return error_response(413, str(TOO_LARGE), "too_large")
        return error_response(400, gettext("Bad request."), "bad_request")
    if too_large:
        return HttpResponse(str(TOO_LARGE), status=413, content_type="text/plain; charset=utf-8")
    return defaults.bad_request(request, exception)


def way_back(request) -> str | None:
    """The page the person came from, when it is one of the portal's own (never an outside
    address a link could smuggle in)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def permission_denied(request, exception=None):
    """403 for the whole site: the `Error` JSON under /api/, elsewhere the portal's page with
    the reason (the services' PermissionDenied messages are written for people)."""
    if request.path.startswith("/api/"):
        return error_response(
            403, gettext("You do not have permission to do this."), "permission_denied"
        )
    reason = str(exception) if exception is not None and str(exception) else ""
    context = {"reason": reason, "back_url": way_back(request)}
    return HttpResponseForbidden(loader.render_to_string("403.html", context, request))


def csrf_failure(request, reason=""):
    """`CSRF_FAILURE_VIEW`: a form sent with a missing or expired security token (a page left
    open overnight, a second tab that signed out) answers 403 inside the layout with a way
    back, instead of Django's bare page. The technical reason is logged by Django, not shown."""
    context = {"back_url": way_back(request)}
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", context, request))


def not_found(request, exception=None):
    """404 for the whole site: the `Error` JSON under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return error_response(404, gettext("Not found."), "not_found")
    context = {"request_path": request.path, "back_url": way_back(request)}
    return HttpResponseNotFound(loader.render_to_string("404.html", context, request))


def server_error(request):
    """500 for the whole site: the `Error` JSON under /api/, the portal's page elsewhere
    (`500.html`, rendered without the request, so without the database or a context
    processor that could fail again).

    When the database cannot be reached the answer is 503 with `Retry-After` instead: a
    styled page or the `Error` JSON, without the driver's message (host, port), which Django
    has already logged with the request.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    if request.path.startswith("/api/"):
        return error_response(500, gettext("Server error. It has been logged."), "server_error")
    return defaults.server_error(request)


def retry_after_seconds() -> int:
    return getattr(settings, "SERVICE_UNAVAILABLE_RETRY_AFTER", 30)


def service_unavailable(request) -> HttpResponse:
    """503 with Retry-After: the `Error` JSON under /api/, a styled page elsewhere. Renders
    without the request (no user, no session), so it needs nothing from the database."""
    retry_after = str(retry_after_seconds())
    if request.path.startswith("/api/"):
        response = error_response(503, str(UNAVAILABLE), "service_unavailable")
    else:
        context = {"retry_after": retry_after, "message": str(UNAVAILABLE)}
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = retry_after
    return response
