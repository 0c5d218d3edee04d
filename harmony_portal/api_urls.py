"""The REST API: one router for every app, the OpenAPI schema and its documentation UIs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from governance.api import (
    NotificationViewSet,
    RiskStatusViewSet,
    WorkingSeriesViewSet,
    WorkingSessionViewSet,
)
from initiatives.api import InitiativeViewSet

router = DefaultRouter()
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("working-series", WorkingSeriesViewSet, basename="working-series")
router.register("working-sessions", WorkingSessionViewSet, basename="working-session")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("risk-status", RiskStatusViewSet, basename="risk-status")

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]
