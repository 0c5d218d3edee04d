"""Ready for build over the API: what blocks it, marking it (IT), and the manual fallback
tests of safety-critical initiatives."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.access import visible_initiative_or_404
from core.api import body_object, require_version, with_etag
from initiatives.permissions import can_review

from .. import selectors, services
from ..models import FallbackTest
from ..services.readiness import Condition
from .common import INITIATIVE_PATH


class BlockerSerializer(serializers.Serializer):
    condition = serializers.ChoiceField(
        choices=list(Condition.LABELS.items()), help_text="Which condition of the rule."
    )
    message = serializers.CharField(help_text="What blocks, in words.")
    url = serializers.CharField(help_text="The page where it is fixed.")


class ReadyForBuildSerializer(serializers.Serializer):
    initiative = serializers.IntegerField()
    status = serializers.CharField()
    blockers = BlockerSerializer(many=True)
    version = serializers.IntegerField(
        help_text="The initiative's version: send it back (If-Match) to mark it ready."
    )


class ReadyForBuildViewSet(viewsets.ViewSet):
    """GET: what blocks "ready for build", with the initiative's version as ETag. PUT: mark
    the initiative ready for build (IT; If-Match or `version` required: 428 without, 412 when
    stale; 409 with the reasons by condition in `errors` while any remain)."""

    versioned = True

    def _answer(self, initiative):
        body = {
            "initiative": initiative.pk,
            "status": initiative.status,
            "blockers": BlockerSerializer(
                services.ready_for_build_blockers(initiative), many=True
            ).data,
            "version": initiative.version,
        }
        return with_etag(Response(body), initiative.version)

    @extend_schema(responses=ReadyForBuildSerializer, parameters=[INITIATIVE_PATH])
    def retrieve(self, request, pk=None):
        return self._answer(visible_initiative_or_404(request.user, pk))

    @extend_schema(request=None, responses=ReadyForBuildSerializer, parameters=[INITIATIVE_PATH])
    def update(self, request, pk=None):
        initiative = visible_initiative_or_404(request.user, pk)
        if not can_review(request.user, initiative):
            raise PermissionDenied(gettext("You may not change the status of this initiative."))
        # While blocked: 409 with `errors` naming the reasons by condition.
        initiative = services.mark_ready_for_build(
            initiative=initiative,
            user=request.user,
            reason=str(body_object(request).get("reason", ""))[:500],
            expected_version=require_version(request),
            source="api",
        )
        return self._answer(initiative)


class FallbackTestSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = FallbackTest
        fields = [
            "id",
            "initiative",
            "tested_by",
            "tested_on",
            "result",
            "notes",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["id", "recorded_by", "recorded_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only initiatives the caller sees: a hidden one reads like a missing one.
            self.fields["initiative"].queryset = selectors.visible_initiatives_for_api(request.user)


class FallbackTestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Tests of the manual fallback of safety-critical initiatives (who ran it, when, the
    result). The initiative's people and IT reviewers record them; the latest must have
    passed before a safety-critical initiative is ready for build."""

    serializer_class = FallbackTestSerializer
    filterset_fields = ["initiative", "result"]

    def get_queryset(self):
        return selectors.visible_fallback_tests(self.request.user).order_by("-tested_on", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        test = services.record_fallback_test(user=request.user, source="api", **data)
        return Response(self.get_serializer(test).data, status=status.HTTP_201_CREATED)
