"""The REST API: one router for every app, the OpenAPI schema and its documentation UIs.

Each app registers its viewsets on `router` below (one line per viewset); the schema at
/api/schema/ and the Swagger UI / Redoc pages pick them up with their error responses.
The schema and docs need a signed-in user (session or token); the docs pages send an
anonymous browser to the login page.
"""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from harmony_portal.accounts import MeView
from initiatives.api import InitiativeViewSet

router = DefaultRouter()
router.register("initiatives", InitiativeViewSet, basename="initiative")

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        # The split view serves its script as a file: no inline script for a CSP to block.
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "redoc/",
        login_required(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    path("", include(router.urls)),
]
