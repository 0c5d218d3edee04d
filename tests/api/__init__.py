"""The API as a whole, across apps: the OpenAPI schema (valid, every operation documents its
errors, `If-Match`/`ETag`), a schemathesis run over every operation, and authentication (the
token page, `GET /api/me/`, 401 for anonymous callers on every operation).

Kept apart from tests/core/ on purpose: core/api.py and core/openapi.py only define the
conventions, and core imports no app; these tests need the whole router
(harmony_portal/api_urls.py) with every app's viewsets registered. Each resource's own tests
sit with its app (tests/<app>/test_api.py, tests/reviews/api/test_<resource>.py).
"""
