"""Portal-wide middleware: login required everywhere except where a view opts out or the API
authenticates itself, and the Content-Security-Policy header."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

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
