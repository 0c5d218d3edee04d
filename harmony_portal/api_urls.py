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
from rest_framework.routers import DefaultRouter

from audit.api import AuditEventViewSet
from governance.channels.api import ChannelDeliveryViewSet, ChannelViewSet
from governance.compliance.api import (
    CoverageViewSet,
    EvidenceViewSet,
    FrameworkReferenceViewSet,
    ObligationViewSet,
    PortfolioCoverageView,
)
from governance.dashboard.api import DashboardFiguresView, PortfolioExportViewSet
from governance.decisions.api import ChangeRequestViewSet, DecisionViewSet, ProductionReleaseViewSet
from governance.handoff.api import BuildTicketViewSet, HandoffTargetViewSet
from governance.notifications.api import NotificationViewSet
from governance.risk.api import RiskStatusViewSet
from governance.sessions.api import WorkingSeriesViewSet, WorkingSessionViewSet
from governance.threads.api import CommentViewSet
from governance.work.api import MyWorkView
from harmony_portal.accounts import MeView, ObtainTokenView
from harmony_portal.directory_views import DirectoryGroupMappingViewSet
from initiatives.api import InitiativeViewSet, IntegrationViewSet, SystemUsageViewSet
from initiatives.people_api import PeopleView
from landscape.api import SystemViewSet
from reviews.api.assessments import AssessmentViewSet
from reviews.api.assignments import AssignmentViewSet
from reviews.api.components import ComponentViewSet
from reviews.api.design_inputs import DesignInputViewSet
from reviews.api.queue import ReviewQueueViewSet
from reviews.api.readiness import FallbackTestViewSet, ReadyForBuildViewSet
from reviews.api.vendors import CriterionViewSet, VendorComparisonViewSet, VendorScoreViewSet

router = DefaultRouter()
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("change-requests", ChangeRequestViewSet, basename="change-request")
router.register("production-releases", ProductionReleaseViewSet, basename="production-release")
router.register("review-queue", ReviewQueueViewSet, basename="review-queue")
router.register("review-assignments", AssignmentViewSet, basename="review-assignment")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("design-inputs", DesignInputViewSet, basename="design-input")
router.register("vendor-criteria", CriterionViewSet, basename="vendor-criterion")
router.register("vendor-scores", VendorScoreViewSet, basename="vendor-score")
router.register("vendor-comparisons", VendorComparisonViewSet, basename="vendor-comparison")
router.register("components", ComponentViewSet, basename="component")
router.register("ready-for-build", ReadyForBuildViewSet, basename="ready-for-build")
router.register("fallback-tests", FallbackTestViewSet, basename="fallback-test")
router.register("working-series", WorkingSeriesViewSet, basename="working-series")
router.register("working-sessions", WorkingSessionViewSet, basename="working-session")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("comments", CommentViewSet, basename="comment")
router.register("risk-status", RiskStatusViewSet, basename="risk-status")
router.register("framework-references", FrameworkReferenceViewSet, basename="framework-reference")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("coverage", CoverageViewSet, basename="coverage")
router.register("systems", SystemViewSet, basename="system")
router.register("system-usage", SystemUsageViewSet, basename="system-usage")
router.register("integrations", IntegrationViewSet, basename="integration")
router.register(
    "directory-group-mappings", DirectoryGroupMappingViewSet, basename="directory-group-mapping"
)
router.register("channels", ChannelViewSet, basename="channel")
router.register("portfolio-exports", PortfolioExportViewSet, basename="portfolio-export")
router.register("channel-deliveries", ChannelDeliveryViewSet, basename="channel-delivery")
router.register("handoff-targets", HandoffTargetViewSet, basename="handoff-target")
router.register("build-tickets", BuildTicketViewSet, basename="build-ticket")

urlpatterns = [
    path("token/", ObtainTokenView.as_view(), name="api-token"),
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
    path("coverage/", PortfolioCoverageView.as_view(), name="api-coverage"),
    path("my-work/", MyWorkView.as_view(), name="api-my-work"),
    path("people/", PeopleView.as_view(), name="api-people"),
    path("", include(router.urls)),
]
