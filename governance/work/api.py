"""*My work* over the API: the same items as the page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from core.api import PageNumberPagination

from . import selectors


class WorkItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            "acknowledge_role",
            "answer_input",
            "confirm_input",
            "assess",
            "give_info",
            "decide_change",
            "attend_session",
        ]
    )
    action = serializers.CharField()
    title = serializers.CharField()
    initiative_id = serializers.IntegerField()
    initiative_reference = serializers.CharField()
    initiative_title = serializers.CharField()
    link = serializers.CharField()
    since = serializers.DateTimeField()
    severity = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


_SINCE = serializers.DateTimeField()
_DUE = serializers.DateField()


def represent(item: selectors.WorkItem) -> dict:
    """What `WorkItemSerializer(item).data` holds, built directly: a reviewer's thousand items
    took 60 ms through the serializer's per-field machinery, and the fields are all plain.
    The dates go through the serializer's own fields, so formats and time zone stay DRF's.
    (A test compares the two for every kind of item.)"""
    return {
        "kind": item.kind,
        "action": item.action,
        "title": item.title,
        "initiative_id": item.initiative_id,
        "initiative_reference": item.initiative_reference,
        "initiative_title": item.initiative_title,
        "link": item.link,
        "since": _SINCE.to_representation(item.since),
        "severity": item.severity,
        "due": None if item.due is None else _DUE.to_representation(item.due),
        "overdue": item.overdue,
    }


class MyWorkView(APIView):
    """Every item across all initiatives where the next move is yours, most severe and
    oldest first (the *My work* page), a page at a time like every list of the API."""

    pagination_class = PageNumberPagination

    @extend_schema(responses=WorkItemSerializer(many=True), operation_id="my_work_list")
    def get(self, request):
        paginator = self.pagination_class()
        # Only the items up to the page's end are made; `count` is counted by the database.
        page = paginator.paginate_queryset(selectors.WorkOf(request.user), request, view=self)
        return paginator.get_paginated_response([represent(item) for item in page])
