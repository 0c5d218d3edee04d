"""*My work* over the API: the same items as the page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

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


class MyWorkView(APIView):
    """Every item across all initiatives where the next move is yours, most severe and
    oldest first (the *My work* page)."""

    @extend_schema(responses=WorkItemSerializer(many=True), operation_id="my_work_list")
    def get(self, request):
        return Response(WorkItemSerializer(selectors.work_of(request.user), many=True).data)
