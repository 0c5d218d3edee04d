"""Ready for build over the API: what blocks it, and marking it (IT)."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from core.access import visible_initiative_or_404
from core.api import body_object, require_version, with_etag
from initiatives.permissions import can_review

from .. import services
from ..models import (
    DesignInput,
)
from .common import INITIATIVE_PATH


class BlockerSerializer(serializers.ModelSerializer):
    class Meta:
        model = DesignInput
        fields = ["id", "title", "area", "severity", "status", "confirmed_at"]


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
    stale; 400 naming the blockers while any remain)."""

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
            raise PermissionDenied("You may not change the status of this initiative.")
        initiative = services.mark_ready_for_build(
            initiative=initiative,
            user=request.user,
            reason=str(body_object(request).get("reason", ""))[:500],
            expected_version=require_version(request),
            source="api",
        )
        return self._answer(initiative)
