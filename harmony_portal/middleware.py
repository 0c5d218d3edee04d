"""Portal-wide middleware: bad input is refused at the door, login is required everywhere
except where a view opts out or the API authenticates itself, and the Content-Security-Policy
header."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpResponse

from core.handlers import error_response
from core.request_checks import BadInput, check_request


class BadInputMiddleware:
    """Refuses what no view should have to handle (`core.request_checks`): text with NUL
    characters or unpaired surrogates in a query parameter, form field or JSON body (400),
    JSON nested too deeply (400), a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413). Under /api/
    the answer is the `Error` JSON, elsewhere a short text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except BadInput as refused:
            if request.path.startswith("/api/"):
                return error_response(
                    refused.status, refused.detail, refused.code, errors=refused.errors
                )
            message = f"{refused.detail} {' '.join(sum((refused.errors or {}).values(), []))}"
            return HttpResponse(
                message.strip(), status=refused.status, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


# DRF authenticates (session or token) inside its views and answers 401/403 itself, so a
# redirect to the login page would be wrong for scripts. Health probes stay open for load
# balancers. The OpenID Connect callback signs the user in itself.
OPEN_PREFIXES = ("/api/", "/static/", "/healthz", "/readyz", "/oidc/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy header (Django 5.2 has none built in).

    The portal's pages run only their own script files (no inline scripts or handlers). The API
    documentation UIs (Swagger, Redoc) also start web workers from blob: URLs.
    """

    RELAXED_PREFIXES = ("/api/docs/", "/api/redoc/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            if request.path.startswith(self.RELAXED_PREFIXES):
                policy += "; worker-src 'self' blob:"
            response["Content-Security-Policy"] = policy
        return response
