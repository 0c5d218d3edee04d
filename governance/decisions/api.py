"""The decision log, change control and production versions over the API."""

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import restrict_to_visible
from initiatives.api import VisibleInitiativeField
from initiatives.models import Initiative, VendorCandidate
from reviews.models import ConcernArea

from . import services
from .models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Decision,
    DecisionKind,
    ProductionRelease,
)


class _Username(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(**kwargs)


class DecisionSerializer(serializers.ModelSerializer):
    initiative = VisibleInitiativeField()
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    decided_by = _Username(read_only=True)
    accountable = _Username(required=False, allow_null=True)
    vendor = serializers.PrimaryKeyRelatedField(
        queryset=VendorCandidate.objects.all(), required=False, allow_null=True
    )
    unscored_rationale = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        help_text="For a vendor selection IT has not scored yet: why it cannot wait "
        "(required then; the entry is flagged `before_it_assessment`).",
    )
    partnership_declined = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="For an escalation: true once the partnership route (POST "
        "/api/decisions/partnership-route/: the concern on the next working session's agenda) "
        "was offered and declined. Without it an escalation is refused with 400.",
    )
    discussed_in_session = serializers.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        required=False,
        allow_blank=True,
        help_text="For an escalation (required): was the concern discussed in a working "
        "session first?",
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "initiative",
            "kind",
            "summary",
            "rationale",
            "conditions",
            "accountable",
            "vendor",
            "vendor_name",
            "unscored_rationale",
            "before_it_assessment",
            "partnership_declined",
            "partnership_offered",
            "discussed_in_session",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = [
            "vendor_name",
            "before_it_assessment",
            "partnership_offered",
            "decided_at",
        ]
        # The service checks the rules with field messages; no model constraint validation.
        validators = []


@extend_schema_field(OpenApiTypes.INT)
class _InitiativeId(VisibleInitiativeField):
    """An initiative id (the field alone, outside a model serializer, needs its type said)."""


class PartnershipRouteSerializer(serializers.Serializer):
    initiative = _InitiativeId()
    area = serializers.ChoiceField(choices=ConcernArea.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class PartnershipRouteResultSerializer(serializers.Serializer):
    design_input = serializers.IntegerField(help_text="The design input raised.")
    title = serializers.CharField()
    area = serializers.ChoiceField(choices=ConcernArea.choices)
    session = serializers.IntegerField(
        allow_null=True, help_text="The next planned working session; null: none planned."
    )
    session_starts_at = serializers.DateTimeField(allow_null=True)


class DecisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Decision log entries of the initiatives the caller may see. Entries are never edited."""

    serializer_class = DecisionSerializer
    filterset_fields = ["initiative", "kind"]
    ordering_fields = ["decided_at"]
    ordering = ["-decided_at"]

    def get_queryset(self):
        qs = Decision.objects.select_related("decided_by", "accountable")
        return restrict_to_visible(self.request.user, qs, prefix="initiative__")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.record_decision(
            initiative=data["initiative"],
            user=self.request.user,
            kind=data["kind"],
            summary=data["summary"],
            rationale=data.get("rationale", ""),
            conditions=data.get("conditions", ""),
            accountable=data.get("accountable"),
            vendor=data.get("vendor"),
            unscored_rationale=data.get("unscored_rationale", ""),
            partnership_declined=data.get("partnership_declined", False),
            discussed_in_session=data.get("discussed_in_session", ""),
            source="api",
        )

    @extend_schema(
        request=PartnershipRouteSerializer,
        responses={201: PartnershipRouteResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="partnership-route")
    def partnership_route(self, request):
        """Instead of escalating: raise the concern as a design input, on the agenda of the
        initiative's next working session. The answer names that session (null: none planned
        yet; the concern is on the agenda of the first one planned)."""
        body = PartnershipRouteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        route = services.raise_concern_for_next_session(
            initiative=data["initiative"],
            user=request.user,
            area=data["area"],
            title=data["title"],
            description=data.get("description", ""),
            source="api",
        )
        session = route.session
        return Response(
            {
                "design_input": route.design_input.pk,
                "title": route.design_input.title,
                "area": route.design_input.area,
                "session": session.pk if session else None,
                "session_starts_at": session.starts_at if session else None,
            },
            status=201,
        )


class ChangeRequestSerializer(serializers.ModelSerializer):
    initiative = VisibleInitiativeField()
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    requested_by = _Username(read_only=True)
    decided_by = _Username(read_only=True, allow_null=True)  # null until decided
    reopened_areas = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernArea.choices),
        read_only=True,
        help_text="Concern areas whose assessment it re-opened.",
    )
    areas = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernArea.choices),
        required=False,
        write_only=True,
        help_text="Concern areas to re-open besides the ones the kind implies.",
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "initiative",
            "kind",
            "description",
            "areas",
            "status",
            "reopened_areas",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = ["status", "reopened_areas", "requested_at", "decided_at"]


class ChangeDecisionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[ChangeStatus.APPROVED, ChangeStatus.REJECTED, ChangeStatus.IMPLEMENTED]
    )


class ChangeRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Requested changes to the AI. Creating one re-opens the affected concern assessments."""

    serializer_class = ChangeRequestSerializer
    filterset_fields = ["initiative", "kind", "status"]
    ordering = ["-requested_at"]

    def get_queryset(self):
        qs = ChangeRequest.objects.select_related("requested_by", "decided_by")
        return restrict_to_visible(self.request.user, qs, prefix="initiative__")

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise Http404("No such change request.") from None

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.request_change(
            initiative=data["initiative"],
            user=self.request.user,
            kind=data["kind"],
            description=data["description"],
            extra_areas=data.get("areas") or (),
            source="api",
        )

    @extend_schema(request=ChangeDecisionSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve, reject or mark implemented (409 if the status does not allow it)."""
        change = self.get_object()
        body = ChangeDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        updated = services.decide_change(
            change=change, user=request.user, to_status=body.validated_data["status"], source="api"
        )
        return Response(self.get_serializer(updated).data)


class ProductionReleaseSerializer(serializers.ModelSerializer):
    initiative = VisibleInitiativeField()
    released_by = _Username(read_only=True)
    change_request = serializers.PrimaryKeyRelatedField(
        queryset=ChangeRequest.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ProductionRelease
        fields = [
            "id",
            "initiative",
            "model_name",
            "model_version",
            "vendor_name",
            "vendor_version",
            "change_request",
            "notes",
            "released_by",
            "released_at",
        ]
        read_only_fields = ["released_at"]


class ProductionReleaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Model and vendor versions in production, newest first per initiative."""

    serializer_class = ProductionReleaseSerializer
    filterset_fields = ["initiative"]
    ordering = ["-released_at"]

    def get_queryset(self):
        qs = ProductionRelease.objects.select_related("released_by")
        return restrict_to_visible(self.request.user, qs, prefix="initiative__")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        initiative: Initiative = data.pop("initiative")
        serializer.instance = services.record_release(
            initiative=initiative, user=self.request.user, source="api", **data
        )
