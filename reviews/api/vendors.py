"""Vendor evaluation over the API: criteria with weights, scores, the ranked comparison."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import restrict_to_visible, visible_initiative_or_404
from core.api import ErrorSerializer, body_object
from initiatives.api import VisibleInitiativeField
from initiatives.models import VendorCandidate

from .. import selectors, services
from ..models import (
    EvaluationCriterion,
    VendorScore,
)
from .common import INITIATIVE_PATH, initiative_in_body


class CriterionSerializer(serializers.ModelSerializer):
    initiative = VisibleInitiativeField()
    weight = serializers.IntegerField(min_value=1, max_value=10)

    class Meta:
        model = EvaluationCriterion
        fields = ["id", "initiative", "name", "description", "weight", "position"]
        read_only_fields = ["id", "position"]
        validators = []


class CriterionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Vendor evaluation criteria with weights (1–10), defined by IT per initiative."""

    serializer_class = CriterionSerializer
    filterset_fields = ["initiative"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = EvaluationCriterion.objects.select_related("initiative")
        return restrict_to_visible(self.request.user, qs, prefix="initiative__")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.save_criterion(
            initiative=data["initiative"],
            user=self.request.user,
            name=data["name"],
            weight=data["weight"],
            description=data.get("description", ""),
            source="api",
        )

    def perform_update(self, serializer):
        criterion = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.save_criterion(
            initiative=criterion.initiative,
            user=self.request.user,
            name=data.get("name", criterion.name),
            weight=data.get("weight", criterion.weight),
            description=data.get("description", criterion.description),
            criterion=criterion,
            source="api",
        )

    def perform_destroy(self, instance):
        services.delete_criterion(criterion=instance, user=self.request.user, source="api")

    @extend_schema(
        request=None,
        responses={
            200: CriterionSerializer(many=True),
            404: OpenApiResponse(ErrorSerializer, description="No initiative you may see."),
        },
        parameters=[OpenApiParameter("initiative", int, required=True)],
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def defaults(self, request):
        """Add the standard criteria (security, integration, SSO, portability, viability)."""
        initiative = initiative_in_body(
            request.user,
            request.query_params.get("initiative") or body_object(request).get("initiative"),
        )
        services.add_default_criteria(initiative=initiative, user=request.user, source="api")
        rows = self.get_queryset().filter(initiative=initiative)
        return Response(self.get_serializer(rows, many=True).data, status=status.HTTP_200_OK)


class VendorScoreSerializer(serializers.ModelSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    scored_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = VendorScore
        fields = ["id", "criterion", "vendor", "score", "note", "scored_by", "scored_at"]
        read_only_fields = ["id", "scored_by", "scored_at"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        user = self.context["request"].user
        fields["criterion"].queryset = restrict_to_visible(
            user, EvaluationCriterion.objects.all(), prefix="initiative__"
        )
        fields["vendor"].queryset = restrict_to_visible(
            user, VendorCandidate.objects.all(), prefix="initiative__"
        )
        return fields


class VendorScoreViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """IT's scores per vendor and criterion. POST sets (or changes) one score."""

    serializer_class = VendorScoreSerializer
    filterset_fields = ["criterion", "vendor", "criterion__initiative"]

    def get_queryset(self):
        qs = VendorScore.objects.select_related("criterion", "vendor", "scored_by")
        return restrict_to_visible(self.request.user, qs, prefix="criterion__initiative__")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.score_vendor(
            criterion=data["criterion"],
            vendor=data["vendor"],
            user=self.request.user,
            score=data["score"],
            note=data.get("note", ""),
            source="api",
        )


class RankedVendorSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    vendor = serializers.IntegerField(source="vendor.pk")
    name = serializers.CharField(source="vendor.name")
    weighted_score = serializers.DecimalField(
        source="weighted", max_digits=4, decimal_places=2, allow_null=True
    )
    complete = serializers.BooleanField()
    scores = serializers.SerializerMethodField()

    def get_scores(self, row) -> list[int | None]:
        return [s.score if s else None for s in row.scores]


class ComparisonSerializer(serializers.Serializer):
    criteria = CriterionSerializer(many=True)
    vendors = RankedVendorSerializer(many=True)


class VendorComparisonViewSet(viewsets.ViewSet):
    """Side-by-side vendor comparison of one initiative, ranked by weighted score."""

    @extend_schema(responses=ComparisonSerializer, parameters=[INITIATIVE_PATH])
    def retrieve(self, request, pk=None):
        initiative = visible_initiative_or_404(request.user, pk)
        criteria, rows = selectors.vendor_comparison(initiative)
        return Response(
            {
                "criteria": CriterionSerializer(
                    criteria, many=True, context={"request": request}
                ).data,
                "vendors": RankedVendorSerializer(rows, many=True).data,
            }
        )
