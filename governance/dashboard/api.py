"""REST API of the readiness dashboard: every figure the page shows, from the same selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.query_params import MAX_ID
from initiatives.models import Phase, Status

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
