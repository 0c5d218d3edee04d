"""The REST API: one router for every app, the OpenAPI schema and its documentation UIs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from governance.audit_api import (
    AuditEventViewSet,
    ChangeRequestViewSet,
    DecisionViewSet,
    ProductionReleaseViewSet,
)
from governance.dashboard_api import DashboardFiguresView
from initiatives.api import InitiativeViewSet

router = DefaultRouter()
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("change-requests", ChangeRequestViewSet, basename="change-request")
router.register("production-releases", ProductionReleaseViewSet, basename="production-release")

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("dashboard/", DashboardFiguresView.as_view(), name="api-dashboard"),
    path("", include(router.urls)),
]
