"""REST API for initiatives. Every write goes through initiatives.services, as the pages do."""

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from harmony_portal.api import require_version, with_etag

from . import selectors, services
from .models import (
    DataAsset,
    Initiative,
    IntegrationPoint,
    Phase,
    Status,
    VendorCandidate,
)
from .roles import Role, has_role


class DataAssetSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataAsset
        fields = ["id", "name", "classification", "personal_data", "storage_location"]
        read_only_fields = ["id"]


class IntegrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntegrationPoint
        fields = ["id", "system_type", "name", "description"]
        read_only_fields = ["id"]


class VendorSerializer(serializers.ModelSerializer):
    class Meta:
        model = VendorCandidate
        fields = ["id", "name", "product", "notes"]
        read_only_fields = ["id"]


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        from django.contrib.auth import get_user_model

        kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)


class MissingItemSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    field = serializers.CharField()
    label = serializers.CharField()


class InitiativeSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    sponsor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    co_sponsors = UsernameField(many=True, required=False)
    decision_owner = UsernameField(required=False, allow_null=True)
    accountable_person = UsernameField(required=False, allow_null=True)
    data_assets = DataAssetSerializer(many=True, required=False)
    integrations = IntegrationSerializer(many=True, required=False)
    vendors = VendorSerializer(many=True, required=False)
    it_involved_early = serializers.BooleanField(read_only=True, allow_null=True)
    version = serializers.IntegerField(
        required=False, help_text="The version you read; required on update (or If-Match)."
    )

    class Meta:
        model = Initiative
        fields = [
            "id",
            "reference",
            "title",
            "business_problem",
            "expected_value",
            "site",
            "business_unit",
            "phase",
            "target_decision_date",
            "confidential",
            "sponsor",
            "co_sponsors",
            "decision_owner",
            "output_actors",
            "accountable_person",
            "override_authority",
            "data_assets",
            "allowed_actions",
            "forbidden_actions",
            "failure_fallback",
            "safety_critical",
            "regulated",
            "integrations",
            "sso_requirements",
            "new_platforms",
            "vendors",
            "maintained_by",
            "monitored_by",
            "update_process",
            "status",
            "risk_level",
            "submitted_at",
            "it_first_involved_at",
            "phase_at_it_involvement",
            "it_involved_early",
            "ready_for_build_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "status",
            "risk_level",
            "submitted_at",
            "it_first_involved_at",
            "phase_at_it_involvement",
            "ready_for_build_at",
            "created_at",
            "updated_at",
        ]

    def validate_target_decision_date(self, value):
        from django.utils import timezone

        current = self.instance.target_decision_date if self.instance else None
        if value and value != current and value <= timezone.localdate():
            raise serializers.ValidationError("The decision date must be in the future.")
        return value


CHILDREN = {
    "data_assets": DataAsset,
    "integrations": IntegrationPoint,
    "vendors": VendorCandidate,
}


def _replace_children(initiative: Initiative, rows_by_name: dict) -> dict:
    """Replace an initiative's related rows with the lists the client sent."""
    changes = {}
    for name, rows in rows_by_name.items():
        model = CHILDREN[name]
        model.objects.filter(initiative=initiative).delete()
        model.objects.bulk_create(model(initiative=initiative, **row) for row in rows)
        changes[name] = {"replaced_with": [row.get("name") for row in rows]}
    return changes


class InitiativeFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    phase = django_filters.MultipleChoiceFilter(choices=Phase.choices)

    class Meta:
        model = Initiative
        fields = ["status", "phase", "site", "business_unit", "confidential", "risk_level"]


class InitiativeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """AI initiatives the caller may see. Updates need the version read (If-Match)."""

    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    ordering_fields = ["updated_at", "created_at", "title", "submitted_at"]
    ordering = ["-updated_at"]
    search_fields = ["title", "business_problem"]

    def get_queryset(self):
        return (
            selectors.visible_initiatives(self.request.user)
            .prefetch_related("co_sponsors", "data_assets", "integrations", "vendors")
            .select_related("decision_owner", "accountable_person")
        )

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise Http404("No such initiative.") from None

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        return with_etag(response, response.data["version"])

    def perform_create(self, serializer):
        if not has_role(self.request.user, Role.SPONSOR, Role.ADMINISTRATOR):
            raise PermissionDenied("Only business sponsors register initiatives.")
        data = dict(serializer.validated_data)
        data.pop("version", None)
        children = {name: data.pop(name) for name in list(data) if name in CHILDREN}
        initiative, _ = services.create_initiative(
            sponsor=self.request.user, fields=data, source="api"
        )
        if children:
            _replace_children(initiative, children)
        serializer.instance = initiative

    def update(self, request, *args, **kwargs):
        initiative = self.get_object()
        version = require_version(request)
        serializer = self.get_serializer(
            initiative, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        children = {name: data.pop(name) for name in list(data) if name in CHILDREN}
        updated = services.update_initiative(
            initiative=initiative,
            user=request.user,
            fields=data,
            expected_version=version,
            save_children=(lambda: _replace_children(initiative, children)) if children else None,
            source="api",
        )
        fresh = self.get_queryset().get(pk=updated.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    @extend_schema(responses=MissingItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def missing(self, request, pk=None):
        """What a submission still lacks."""
        initiative = self.get_object()
        items = services.missing_for_submission(initiative)
        return Response(MissingItemSerializer(items, many=True).data)

    def _transition(self, request, to_status):
        initiative = self.get_object()
        services.transition_initiative(
            initiative=initiative,
            user=request.user,
            to_status=to_status,
            reason=str(request.data.get("reason", ""))[:500],
            source="api",
        )
        fresh = self.get_queryset().get(pk=initiative.pk)
        return with_etag(
            Response(self.get_serializer(fresh).data, status=status.HTTP_200_OK), fresh.version
        )

    @extend_schema(request=None, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Draft → submitted to IT. 400 lists what is missing."""
        return self._transition(request, Status.SUBMITTED)

    @extend_schema(request=None, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, Status.WITHDRAWN)

    @extend_schema(request=None, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Back to draft so the sponsor can change answers."""
        return self._transition(request, Status.DRAFT)
