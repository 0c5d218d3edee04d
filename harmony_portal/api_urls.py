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

from governance.api import (
    NotificationViewSet,
    RiskStatusViewSet,
    WorkingSeriesViewSet,
    WorkingSessionViewSet,
)
from governance.audit_api import (
    AuditEventViewSet,
    ChangeRequestViewSet,
    DecisionViewSet,
    ProductionReleaseViewSet,
)
from governance.dashboard_api import DashboardFiguresView
from harmony_portal.accounts import MeView
from initiatives.api import InitiativeViewSet
from reviews import api as reviews_api

router = DefaultRouter()
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("change-requests", ChangeRequestViewSet, basename="change-request")
router.register("production-releases", ProductionReleaseViewSet, basename="production-release")
router.register("review-queue", reviews_api.ReviewQueueViewSet, basename="review-queue")
router.register("review-assignments", reviews_api.AssignmentViewSet, basename="review-assignment")
router.register("assessments", reviews_api.AssessmentViewSet, basename="assessment")
router.register("design-inputs", reviews_api.DesignInputViewSet, basename="design-input")
router.register("vendor-criteria", reviews_api.CriterionViewSet, basename="vendor-criterion")
router.register("vendor-scores", reviews_api.VendorScoreViewSet, basename="vendor-score")
router.register(
    "vendor-comparisons", reviews_api.VendorComparisonViewSet, basename="vendor-comparison"
)
router.register("components", reviews_api.ComponentViewSet, basename="component")
router.register("ready-for-build", reviews_api.ReadyForBuildViewSet, basename="ready-for-build")
router.register("working-series", WorkingSeriesViewSet, basename="working-series")
router.register("working-sessions", WorkingSessionViewSet, basename="working-session")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("risk-status", RiskStatusViewSet, basename="risk-status")

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
    path("dashboard/", DashboardFiguresView.as_view(), name="api-dashboard"),
    path("", include(router.urls)),
]
