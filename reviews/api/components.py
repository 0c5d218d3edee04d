"""Integration components over the API: IT owner (design authority), notes, decisions."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import restrict_to_visible
from core.api import RetrieveWithETag, require_version, with_etag
from initiatives.api import UsernameField
from initiatives.models import IntegrationPoint

from .. import services
from ..models import (
    ComponentDecision,
    ComponentOwnership,
)
from ..permissions import COMPONENT_AUTHORITY, can_design_component


class ComponentDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ComponentDecision
        fields = ["id", "text", "decided_by", "decided_at"]
        read_only_fields = ["id", "decided_by", "decided_at"]


class ComponentSerializer(serializers.ModelSerializer):
    owner = UsernameField()
    assigned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decisions = ComponentDecisionSerializer(many=True, read_only=True)
    initiative = serializers.IntegerField(source="integration.initiative_id", read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = ComponentOwnership
        fields = [
            "id",
            "integration",
            "initiative",
            "owner",
            "design_notes",
            "assigned_by",
            "assigned_at",
            "updated_at",
            "decisions",
            "version",
        ]
        read_only_fields = ["id", "assigned_by", "assigned_at", "updated_at"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        fields["integration"].queryset = restrict_to_visible(
            self.context["request"].user, IntegrationPoint.objects.all(), prefix="initiative__"
        )
        return fields


class ComponentViewSet(
    mixins.ListModelMixin,
    RetrieveWithETag,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Integration components with an IT owner (design authority), notes and decisions.
    POST assigns (or re-assigns) the owner (IT leads); PATCH changes owner or notes and must
    send the version read (If-Match or `version`): 428 without one, 412 when it is stale."""

    serializer_class = ComponentSerializer
    filterset_fields = ["integration", "owner", "integration__initiative"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = ComponentOwnership.objects.select_related(
            "integration", "owner", "assigned_by"
        ).prefetch_related("decisions__decided_by")
        return restrict_to_visible(
            self.request.user, qs, prefix="integration__initiative__"
        ).order_by("id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        component = services.assign_component_owner(
            integration=data["integration"],
            owner=data["owner"],
            user=self.request.user,
            source="api",
        )
        if data.get("design_notes"):
            component = services.update_component_notes(
                component=component,
                user=self.request.user,
                design_notes=data["design_notes"],
                source="api",
            )
        serializer.instance = component

    def update(self, request, *args, **kwargs):
        component = self.get_object()
        if not can_design_component(request.user, component):
            raise PermissionDenied(COMPONENT_AUTHORITY)
        version = require_version(request)
        serializer = self.get_serializer(component, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            if "owner" in data:
                component = services.assign_component_owner(
                    integration=component.integration,
                    owner=data["owner"],
                    user=request.user,
                    expected_version=version,
                    source="api",
                )
                version = component.version  # the owner change is part of this update
            if "design_notes" in data:
                component = services.update_component_notes(
                    component=component,
                    user=request.user,
                    design_notes=data["design_notes"],
                    expected_version=version,
                    source="api",
                )
        fresh = self.get_queryset().get(pk=component.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    @extend_schema(request=ComponentDecisionSerializer, responses=ComponentDecisionSerializer)
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        """Record a design decision (the owner or an IT lead)."""
        component = self.get_object()
        body = ComponentDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = services.add_component_decision(
            component=component,
            user=request.user,
            text=body.validated_data["text"],
            source="api",
        )
        return Response(ComponentDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
