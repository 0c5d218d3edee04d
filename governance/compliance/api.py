"""Regulation and evidence over the API: framework references, AI Act obligations, evidence
files (multipart upload, permission-checked download) and framework coverage.

Reads go through the initiative's visibility (a hidden initiative's rows answer 404) and,
for evidence and obligations, through `can_see_evidence` (its people and the portfolio roles).
Writes call the same services as the pages.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import visible_initiative_or_404
from core.api import expected_version, require_version, with_etag
from core.query_params import parse_id
from initiatives import ai_act
from initiatives.api import VisibleInitiativeField
from initiatives.roles import sees_whole_portfolio
from reviews.api.common import INITIATIVE_PATH
from reviews.models import ChecklistQuestion

from . import selectors, services, views
from .models import (
    EvidenceFile,
    EvidenceTarget,
    Framework,
    FrameworkReference,
    Obligation,
    ObligationStatus,
    Precision,
)
from .permissions import can_edit_references, can_see_evidence


def _username(**kwargs):
    return serializers.SlugRelatedField(slug_field="username", read_only=True, **kwargs)


# --- Framework references -------------------------------------------------------------------


class ReferenceSerializer(serializers.ModelSerializer):
    framework = serializers.ChoiceField(choices=Framework.choices)
    precision = serializers.ChoiceField(choices=Precision.choices, required=False)
    questions = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistQuestion.objects.all(),
        many=True,
        required=False,
        help_text="Checklist questions whose satisfied assessment addresses it.",
    )
    obligations = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ai_act.DUTIES)),
        required=False,
        help_text="AI Act obligation codes that address it.",
    )
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = FrameworkReference
        fields = [
            "id",
            "framework",
            "code",
            "title",
            "source",
            "precision",
            "note",
            "catalogue",
            "active",
            "questions",
            "obligations",
            "version",
        ]
        read_only_fields = ["catalogue"]
        validators = []  # the service checks the unique code with a field message


@extend_schema_view(
    list=extend_schema(summary="Framework references (NIST AI RMF, ISO/IEC 42001, EU AI Act)"),
    create=extend_schema(summary="Add a framework reference (IT leads)"),
    update=extend_schema(summary="Edit a framework reference (IT leads; If-Match)"),
    partial_update=extend_schema(summary="Edit some fields of a reference (IT leads; If-Match)"),
)
class FrameworkReferenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The framework items every checklist question and obligation is mapped to. Retired ones
    (`active` false) keep their history."""

    serializer_class = ReferenceSerializer
    filterset_fields = ["framework", "active", "precision"]
    search_fields = ["code", "title"]
    ordering_fields = ["framework", "code"]
    ordering = ["framework", "code"]
    versioned = True

    def get_queryset(self):
        return FrameworkReference.objects.prefetch_related("questions")

    def retrieve(self, request, *args, **kwargs):
        reference = self.get_object()
        return with_etag(Response(self.get_serializer(reference).data), reference.version)

    def _save(self, serializer, reference=None, version=None):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        questions = data.pop("questions", None)
        saved = services.save_reference(
            user=self.request.user,
            reference=reference,
            fields=data,
            questions=questions,
            expected_version=version,
            source="api",
        )
        fresh = self.get_queryset().get(pk=saved.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    def create(self, request, *args, **kwargs):
        if not can_edit_references(request.user):
            raise PermissionDenied(gettext("Only IT leads edit the framework references."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = self._save(serializer)
        response.status_code = 201
        return response

    def update(self, request, *args, **kwargs):
        reference = self.get_object()
        if not can_edit_references(request.user):
            raise PermissionDenied(gettext("Only IT leads edit the framework references."))
        version = require_version(request)
        serializer = self.get_serializer(
            reference, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        return self._save(serializer, reference, version)


# --- Obligations ------------------------------------------------------------------------------


class ObligationSerializer(serializers.ModelSerializer):
    owner = _username(allow_null=True)
    closed_by = _username(allow_null=True)
    status = serializers.ChoiceField(choices=ObligationStatus.choices, read_only=True)
    evidence = serializers.SerializerMethodField(help_text="Ids of its live evidence files.")

    class Meta:
        model = Obligation
        fields = [
            "id",
            "initiative",
            "code",
            "title",
            "article",
            "status",
            "owner",
            "closing_note",
            "closed_by",
            "closed_at",
            "created_at",
            "evidence",
            "version",
        ]
        read_only_fields = fields

    def get_evidence(self, obligation) -> list[int]:
        return [e.pk for e in obligation.evidence.all() if e.removed_at is None]


class ObligationActionSerializer(serializers.Serializer):
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="assign: the owner's username (null clears it).",
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class ObligationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The AI Act obligations of high-risk initiatives the caller may read the files of."""

    serializer_class = ObligationSerializer
    filterset_fields = ["initiative", "status", "code"]
    ordering = ["initiative", "id"]
    versioned = True

    def get_queryset(self):
        return selectors.readable_obligations(self.request.user).prefetch_related("evidence")

    def retrieve(self, request, *args, **kwargs):
        obligation = self.get_object()
        return with_etag(Response(self.get_serializer(obligation).data), obligation.version)

    def _act(self, request, call):
        obligation = self.get_object()
        body = ObligationActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        call(obligation, body.validated_data, expected_version(request))
        fresh = self.get_queryset().get(pk=obligation.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    @extend_schema(request=ObligationActionSerializer, responses=ObligationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def assign(self, request, pk=None):
        """Name the owner (for human oversight: the person who oversees)."""
        return self._act(
            request,
            lambda o, data, version: services.assign_obligation(
                obligation=o,
                user=request.user,
                owner=data.get("owner"),
                expected_version=version,
                source="api",
            ),
        )

    @extend_schema(request=ObligationActionSerializer, responses=ObligationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        """Close with a note; 400 while no evidence is attached."""
        return self._act(
            request,
            lambda o, data, version: services.close_obligation(
                obligation=o,
                user=request.user,
                note=data.get("note", ""),
                expected_version=version,
                source="api",
            ),
        )

    @extend_schema(request=ObligationActionSerializer, responses=ObligationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request, pk=None):
        """Reopen a closed obligation, with the reason."""
        return self._act(
            request,
            lambda o, data, version: services.reopen_obligation(
                obligation=o,
                user=request.user,
                reason=data.get("reason", ""),
                expected_version=version,
                source="api",
            ),
        )


# --- Evidence -------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = _username()
    removed_by = _username(allow_null=True)
    target = serializers.ChoiceField(choices=EvidenceTarget.choices, read_only=True)
    target_id = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField(help_text="The permission-checked download.")

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "initiative",
            "target",
            "target_id",
            "document",
            "version",
            "title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "scan",
            "references",
            "uploaded_by",
            "uploaded_at",
            "removed_at",
            "removed_by",
            "removal_reason",
            "download",
        ]
        read_only_fields = fields

    def get_target_id(self, evidence) -> int:
        return getattr(evidence.target_object, "pk", evidence.initiative_id)

    def get_download(self, evidence) -> str | None:
        if evidence.is_removed:
            return None
        return f"/api/evidence/{evidence.pk}/download/"


@extend_schema_field(OpenApiTypes.INT)
class InitiativeIdField(VisibleInitiativeField):
    """An initiative id the caller may see (others answer like a missing one: 400)."""


class EvidenceUploadSerializer(serializers.Serializer):
    initiative = InitiativeIdField(help_text="The initiative's id.")
    file = serializers.FileField(help_text="The document; its type is checked by content.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    target = serializers.ChoiceField(choices=EvidenceTarget.choices, default="initiative")
    target_id = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The assessment, design input, decision or "
        "obligation id (not for the initiative itself).",
    )
    replaces = serializers.IntegerField(
        min_value=1, required=False, help_text="An evidence id: this upload is its next version."
    )
    references = serializers.PrimaryKeyRelatedField(
        queryset=FrameworkReference.objects.filter(active=True), many=True, required=False
    )


class EvidenceRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


@extend_schema_view(
    list=extend_schema(summary="Evidence files of the initiatives whose files you may read"),
    retrieve=extend_schema(summary="One evidence file's record (with its SHA-256)"),
)
class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evidence files on initiatives, assessments, design inputs, decisions and obligations."""

    serializer_class = EvidenceSerializer
    filterset_fields = ["initiative", "target", "document"]
    ordering = ["-uploaded_at"]
    ordering_fields = ["uploaded_at", "title"]

    def get_queryset(self):
        return selectors.readable_evidence(self.request.user).prefetch_related("references")

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise Http404("No such evidence file.") from None

    @extend_schema(
        summary="Upload evidence (multipart/form-data)",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
    )
    def create(self, request, *args, **kwargs):
        body = EvidenceUploadSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        initiative = data["initiative"]
        if not can_see_evidence(request.user, initiative):
            raise PermissionDenied(gettext("Evidence is for the initiative's own people and IT."))
        target, target_object = data["target"], None
        field = services.TARGET_FIELDS.get(target)
        if field is not None:
            model = EvidenceFile._meta.get_field(field).related_model
            target_object = model.objects.filter(
                pk=data.get("target_id") or 0, initiative=initiative
            ).first()
            if target_object is None:
                raise serializers.ValidationError(
                    {"target_id": [gettext("Name one of this initiative's own items.")]}
                )
        replaces = None
        if data.get("replaces"):
            replaces = EvidenceFile.objects.filter(
                pk=data["replaces"], initiative=initiative, removed_at__isnull=True
            ).first()
            if replaces is None:
                raise serializers.ValidationError(
                    {"replaces": [gettext("Name a live evidence file of this initiative.")]}
                )
        evidence = services.upload_evidence(
            initiative=initiative,
            user=request.user,
            upload=data["file"],
            title=data.get("title", ""),
            target=target,
            target_object=target_object,
            replaces=replaces,
            references=data.get("references", []),
            source="api",
        )
        return Response(self.get_serializer(evidence).data, status=201)

    @extend_schema(
        summary="Download the file (attachment, nosniff)",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def download(self, request, pk=None):
        """The stored bytes, as an attachment; 404 once the file was removed."""
        return views.download_evidence(request._request, self.get_object().pk)

    @extend_schema(
        summary="Remove the file (its record and SHA-256 stay)",
        request=EvidenceRemoveSerializer,
        responses=EvidenceSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def remove(self, request, pk=None):
        evidence = self.get_object()
        body = EvidenceRemoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.remove_evidence(
            evidence=evidence, user=request.user, reason=body.validated_data["reason"], source="api"
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=evidence.pk)).data)


# --- Coverage -------------------------------------------------------------------------------------


class CoverageRowSerializer(serializers.Serializer):
    framework = serializers.CharField(source="reference.framework")
    code = serializers.CharField(source="reference.code")
    title = serializers.CharField(source="reference.title")
    precision = serializers.CharField(source="reference.precision")
    source = serializers.CharField(source="reference.source")
    status = serializers.ChoiceField(choices=["addressed", "open", "not_applicable"])
    addressed_by = serializers.ListField(child=serializers.CharField())


class PortfolioCoverageRowSerializer(serializers.Serializer):
    framework = serializers.CharField(source="reference.framework")
    code = serializers.CharField(source="reference.code")
    title = serializers.CharField(source="reference.title")
    addressed = serializers.IntegerField()
    open = serializers.IntegerField()
    not_applicable = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="addressed ÷ (addressed + open)")


class PortfolioCoverageSerializer(serializers.Serializer):
    initiatives = serializers.IntegerField(help_text="Initiatives with IT that were counted.")
    references = PortfolioCoverageRowSerializer(many=True)


class PortfolioCoverageView(APIView):
    """Framework coverage across the portfolio (IT leads, executives, administrators): per
    reference, in how many initiatives with IT it is addressed, open or not applicable."""

    @extend_schema(responses=PortfolioCoverageSerializer)
    def get(self, request):
        if not sees_whole_portfolio(request.user):
            raise PermissionDenied(
                gettext("Portfolio coverage is for IT leads, executives and admins.")
            )
        counted, rows = selectors.portfolio_coverage(request.user)
        return Response(
            PortfolioCoverageSerializer({"initiatives": counted, "references": rows}).data
        )


class CoverageViewSet(viewsets.ViewSet):
    """Framework coverage of one initiative (its people and the portfolio roles)."""

    @extend_schema(responses=CoverageRowSerializer(many=True), parameters=[INITIATIVE_PATH])
    def retrieve(self, request, pk=None):
        if parse_id(pk) is None:
            raise Http404("No such initiative.")
        initiative = visible_initiative_or_404(request.user, pk)
        if not can_see_evidence(request.user, initiative):
            raise PermissionDenied(gettext("Coverage is for the initiative's own people and IT."))
        return Response(CoverageRowSerializer(selectors.coverage_for(initiative), many=True).data)
