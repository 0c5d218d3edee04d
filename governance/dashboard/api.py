"""REST API of the readiness dashboard: every figure the page shows, from the same selectors."""

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Conflict, ErrorSerializer
from core.query_params import MAX_ID
from initiatives.models import Phase, Status

from . import services, views
from .models import ExportStatus, PortfolioExport
from .selectors.export import own_export_or_404
from .selectors.figures import all_figures
from .selectors.filters import AI_ACT_CHOICES, DashboardFilters, may_see_dashboard


class SeesDashboard(permissions.BasePermission):
    message = "The readiness dashboard is for executives, IT leads and administrators."

    def has_permission(self, request, view) -> bool:
        return may_see_dashboard(request.user)


class PortfolioRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="initiative.pk")
    reference = serializers.CharField(source="initiative.reference")
    title = serializers.CharField(source="initiative.title")
    site = serializers.CharField(source="initiative.site", allow_null=True)
    business_unit = serializers.CharField(source="initiative.business_unit", allow_null=True)
    sponsor = serializers.CharField(source="initiative.sponsor.username")
    phase = serializers.CharField(source="initiative.phase")
    status = serializers.CharField(source="initiative.status")
    risk_level = serializers.CharField(source="initiative.risk_level")
    ai_act_class = serializers.CharField(
        source="initiative.ai_act_class", help_text="EU AI Act classification; empty: not screened."
    )
    confidential = serializers.BooleanField(source="initiative.confidential")
    readiness = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Readiness 0–100 per concern area; null = not assessed.",
    )
    not_applicable = serializers.ListField(
        source="not_applicable_areas",
        child=serializers.CharField(),
        help_text="Concern areas an IT lead ruled out as not applicable, with a reason.",
    )
    overall = serializers.IntegerField(allow_null=True)
    open_design_inputs = serializers.IntegerField(source="open_total")
    open_high_design_inputs = serializers.IntegerField(source="open_high")


class FunnelSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_phase = serializers.DictField(child=serializers.IntegerField())
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_risk = serializers.DictField(child=serializers.IntegerField())
    by_ai_act = serializers.DictField(
        child=serializers.IntegerField(), help_text='EU AI Act class; "none" = not screened.'
    )


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    count = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)


class PartnershipTimeSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    by_month = MonthSerializer(many=True)


class PartnershipHealthSerializer(serializers.Serializer):
    involved = serializers.IntegerField()
    early = serializers.IntegerField()
    late = serializers.IntegerField()
    early_share = serializers.FloatField(allow_null=True)
    escalations = serializers.IntegerField()
    incorporated = serializers.IntegerField()
    sessions_held = serializers.IntegerField()
    sessions_planned_past = serializers.IntegerField()
    sessions_cancelled = serializers.IntegerField()
    sessions_share = serializers.FloatField(allow_null=True)
    vendor_before_it = serializers.IntegerField(
        help_text="Initiatives with a vendor selected before IT scored it."
    )
    route_taken = serializers.IntegerField(
        help_text="Concerns raised for the next working session instead of an escalation."
    )
    escalated_after_offer = serializers.IntegerField(
        help_text="Escalations recorded after the partnership route was offered."
    )


class PortfolioBlockerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    initiative = serializers.IntegerField(source="initiative_id")
    initiative_reference = serializers.CharField(source="initiative.reference")
    area = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()


class BlockersSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = PortfolioBlockerSerializer(many=True)


class EscalationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    initiative = serializers.IntegerField(source="initiative_id")
    initiative_reference = serializers.CharField(source="initiative.reference")
    summary = serializers.CharField()
    reason = serializers.CharField(source="rationale")
    decided_by = serializers.CharField(source="decided_by.username")
    decided_at = serializers.DateTimeField()


class DashboardSerializer(serializers.Serializer):
    filters = serializers.DictField(source="filters.as_params", child=serializers.CharField())
    sort = serializers.CharField()
    portfolio = PortfolioRowSerializer(source="rows", many=True)
    funnel = FunnelSerializer()
    partnership_time = PartnershipTimeSerializer(source="time")
    partnership_health = PartnershipHealthSerializer(source="health")
    blockers = BlockersSerializer()
    recent_escalations = EscalationSerializer(many=True)


class DashboardQuerySerializer(serializers.Serializer):
    """The dashboard's filters; a value that is not valid is a 400 naming it."""

    site = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Site id"
    )
    business_unit = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Business unit id"
    )
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    ai_act = serializers.ChoiceField(
        choices=AI_ACT_CHOICES, required=False, help_text="EU AI Act classification"
    )
    sort = serializers.CharField(
        required=False, help_text='Portfolio sort key, "-" for descending (unknown keys: default)'
    )


class DashboardFiguresView(APIView):
    """All figures of the executive readiness dashboard, narrowed by the same filters."""

    permission_classes = [permissions.IsAuthenticated, SeesDashboard]

    @extend_schema(parameters=[DashboardQuerySerializer], responses=DashboardSerializer)
    def get(self, request):
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = {name: str(value) for name, value in query.validated_data.items()}
        filters = DashboardFilters.from_params(params)
        data = all_figures(request.user, filters, params.get("sort", ""))
        return Response(DashboardSerializer(data).data)


# --- Portfolio CSV built in the background ------------------------------------------------------


class PortfolioExportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, help_text="Progress 0–100.")
    filters = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The dashboard's filters as query parameters (site, business_unit, …).",
    )
    download = serializers.SerializerMethodField(
        help_text="Where to download the CSV once status is done; null before."
    )
    page = serializers.SerializerMethodField(help_text="The export's page in the portal.")

    class Meta:
        model = PortfolioExport
        fields = [
            "id",
            "status",
            "rows_done",
            "rows_total",
            "percent",
            "filters",
            "sort",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "download",
            "page",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download(self, export) -> str | None:
        if export.status != ExportStatus.DONE:
            return None
        return reverse("portfolio-export-download", args=[export.pk])

    def get_page(self, export) -> str:
        return reverse("dashboard:export", args=[export.pk])


class PortfolioExportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The portfolio CSV built by a worker: POST starts one with the dashboard's filters, GET
    reads its progress, `download/` the file once done. Each user sees only their own."""

    serializer_class = PortfolioExportSerializer
    queryset = PortfolioExport.objects.none()  # for the schema; get_queryset narrows to the owner
    permission_classes = [permissions.IsAuthenticated, SeesDashboard]
    filter_backends: list = []

    def get_queryset(self):
        return PortfolioExport.objects.filter(owner=self.request.user)

    def get_object(self):
        return own_export_or_404(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Start a background export of the portfolio CSV",
        request=DashboardQuerySerializer,
        responses={202: PortfolioExportSerializer},
    )
    def create(self, request):
        query = DashboardQuerySerializer(data=request.data)
        query.is_valid(raise_exception=True)
        params = {name: str(value) for name, value in query.validated_data.items()}
        export = services.start_portfolio_export(
            user=request.user,
            filters=DashboardFilters.from_params(params),
            sort=params.get("sort", ""),
        )
        return Response(self.get_serializer(export).data, status=202)

    @extend_schema(
        summary="Download the finished CSV (409 until it is done)",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            409: OpenApiResponse(ErrorSerializer, description="The export is not done yet."),
        },
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def download(self, request, pk=None):
        export = self.get_object()
        if export.status != ExportStatus.DONE:
            raise Conflict(gettext("The export is not ready yet."))
        return views.export_download(request._request, export.pk)
