"""Tells the audit trail where a request came from: the browser, the API or the admin."""

from .sources import reset_source, set_source, source_for_path


class AuditSourceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_source(source_for_path(request.path))
        try:
            return self.get_response(request)
        finally:
            reset_source(token)
