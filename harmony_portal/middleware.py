"""Login is required everywhere except where a view opts out or the API authenticates itself."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

# DRF authenticates (session or token) inside its views and answers 401/403 itself, so a
# redirect to the login page would be wrong for scripts. Health probes stay open for load
# balancers.
OPEN_PREFIXES = ("/api/", "/static/", "/healthz", "/readyz")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
