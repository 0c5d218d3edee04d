"""The concern assessments over the API: score, status, rationale, checklist answers, history."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RetrieveWithETag, require_version, with_etag
from core.query_params import parse_id

from .. import selectors, services
from ..models import (
    AssessmentScoreChange,
    ChecklistAnswer,
    ConcernAssessment,
)
from ..permissions import can_assess


class ScoreChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AssessmentScoreChange
        fields = ["at", "changed_by", "from_score", "to_score", "from_status", "to_status", "note"]


class AnswerSerializer(serializers.ModelSerializer):
    question_text = serializers.CharField(source="question.text", read_only=True)

    class Meta:
        model = ChecklistAnswer
        fields = ["question", "question_text", "answer"]


class AssessmentSerializer(serializers.ModelSerializer):
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    score = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    answers = AnswerSerializer(many=True, read_only=True)
    not_applicable_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    answers_input = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000),
        write_only=True,
        required=False,
        help_text="{question id: answer}",
    )
    version = serializers.IntegerField(required=False)

    class Meta:
        model = ConcernAssessment
        fields = [
            "id",
            "initiative",
            "area",
            "status",
            "score",
            "reviewer",
            "rationale",
            "readiness",
            "answers",
            "answers_input",
            "not_applicable_reason",
            "not_applicable_by",
            "not_applicable_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "initiative",
            "area",
            "readiness",
            "not_applicable_reason",
            "not_applicable_by",
            "not_applicable_at",
            "updated_at",
        ]

    def validate_answers_input(self, value):
        out = {}
        for key, text in value.items():
            question = parse_id(key)
            if question is None:
                raise serializers.ValidationError(
                    gettext("“%(key)s” is not a question id.") % {"key": key}
                )
            out[question] = text
        return out


class NotApplicableSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the concern does not apply to the initiative."
    )
    version = serializers.IntegerField(required=False)


class AssessmentViewSet(
    mixins.ListModelMixin,
    RetrieveWithETag,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The six concern assessments per initiative. Reviewers update score, status, rationale
    and checklist answers; a PATCH must send the version read (If-Match or `version`): 428
    without one, 412 when it is stale."""

    serializer_class = AssessmentSerializer
    filterset_fields = ["initiative", "area", "status", "reviewer"]
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return (
            selectors.visible_assessments(self.request.user)
            .prefetch_related("answers__question")
            .order_by("initiative_id", "area")
        )

    def update(self, request, *args, **kwargs):
        assessment = self.get_object()
        if not can_assess(request.user, assessment):
            raise PermissionDenied(
                gettext("Only the initiative's reviewers for this area may assess it.")
            )
        version = require_version(request)
        serializer = self.get_serializer(assessment, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        updated = services.update_assessment(
            assessment=assessment,
            user=request.user,
            score=data.get("score", assessment.score),
            status=data.get("status"),
            rationale=data.get("rationale"),
            answers=data.get("answers_input"),
            expected_version=version,
            source="api",
        )
        fresh = self.get_queryset().get(pk=updated.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    @extend_schema(responses=ScoreChangeSerializer(many=True))
    # A plain list (not paginated): the schema must not describe a page either.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        """Every change of score and status, oldest first."""
        assessment = self.get_object()
        rows = assessment.score_history.select_related("changed_by")
        return Response(ScoreChangeSerializer(rows, many=True).data)

    @extend_schema(request=NotApplicableSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="not-applicable", filter_backends=[])
    def not_applicable(self, request, pk=None):
        """IT leads: rule the concern out with a reason (counts as assessed for build)."""
        assessment = self.get_object()
        body = NotApplicableSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.mark_not_applicable(
            assessment=assessment,
            user=request.user,
            reason=body.validated_data["reason"],
            expected_version=require_version(request),
            source="api",
        )
        fresh = self.get_queryset().get(pk=assessment.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def applicable(self, request, pk=None):
        """IT leads: take back "not applicable"; the concern must be assessed again."""
        assessment = self.get_object()
        services.mark_applicable(
            assessment=assessment,
            user=request.user,
            expected_version=require_version(request),
            source="api",
        )
        fresh = self.get_queryset().get(pk=assessment.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)
