"""Ready for build over the API: what blocks it, and marking it (IT)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from core.access import visible_initiative_or_404
from core.api import body_object

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


class ReadyForBuildViewSet(viewsets.ViewSet):
    """GET: what blocks "ready for build". PUT: mark the initiative ready for build (IT; 400
    naming the blockers while any remain)."""

    def _answer(self, initiative):
        return Response(
            {
                "initiative": initiative.pk,
                "status": initiative.status,
                "blockers": BlockerSerializer(
                    services.ready_for_build_blockers(initiative), many=True
                ).data,
            }
        )

    @extend_schema(responses=ReadyForBuildSerializer, parameters=[INITIATIVE_PATH])
    def retrieve(self, request, pk=None):
        return self._answer(visible_initiative_or_404(request.user, pk))

    @extend_schema(request=None, responses=ReadyForBuildSerializer, parameters=[INITIATIVE_PATH])
    def update(self, request, pk=None):
        initiative = services.mark_ready_for_build(
            initiative=visible_initiative_or_404(request.user, pk),
            user=request.user,
            reason=str(body_object(request).get("reason", ""))[:500],
            source="api",
        )
        return self._answer(initiative)
