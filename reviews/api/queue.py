"""The caller's review queue over the API, with its tab counts."""

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from core.query_params import MAX_ID
from initiatives.models import Initiative, Phase, Status

from .. import selectors
from ..models import (
    ConcernArea,
)


class QueueRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    phase = serializers.CharField()
    site = serializers.CharField(source="site.name", default=None, allow_null=True)
    safety_critical = serializers.CharField()
    ai_act_class = serializers.CharField(help_text="EU AI Act classification; empty: not screened.")
    submitted_at = serializers.DateTimeField()
    open_inputs = serializers.IntegerField(allow_null=True)
    open_high_inputs = serializers.IntegerField(allow_null=True)


class QueueQuerySerializer(serializers.Serializer):
    """The review queue's query parameters; a value that is not valid is a 400 naming it."""

    tab = serializers.ChoiceField(choices=selectors.QUEUE_TABS, default="all")
    site = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    concern = serializers.ChoiceField(choices=ConcernArea.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)

    def validate_status(self, value: str) -> str:
        if value not in (Status.SUBMITTED, Status.IN_REVIEW):
            raise serializers.ValidationError(
                gettext("The queue holds submitted and in-review work only.")
            )
        return value


class ReviewQueueViewSet(viewsets.GenericViewSet):
    """The caller's review queue: tab=new|waiting_it|waiting_sponsor|all, with counts."""

    serializer_class = QueueRowSerializer
    queryset = Initiative.objects.none()  # for the schema; list() reads through the selector

    @extend_schema(parameters=[QueueQuerySerializer])
    def list(self, request):
        query = QueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows, counts, _ = selectors.review_queue(
            request.user,
            tab=params["tab"],
            filters=selectors.QueueFilters(
                site=params.get("site"),
                phase=params.get("phase", ""),
                concern=params.get("concern", ""),
                status=params.get("status", ""),
            ),
        )
        page = self.paginate_queryset(rows)
        data = QueueRowSerializer(page, many=True).data
        response = self.get_paginated_response(data)
        response.data["counts"] = counts
        return response
