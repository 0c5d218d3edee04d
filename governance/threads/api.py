"""Comments over the API: read the threads you may see, comment, correct your comment, and
find people to @mention."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.access import visible_initiative_or_404
from core.api import RetrieveWithETag, require_version, with_etag
from core.query_params import MAX_ID, parse_id
from initiatives.api import VisibleInitiativeField
from reviews.models import ConcernAssessment, DesignInput

from . import selectors, services
from .models import Comment
from .rendering import render


class CommentSerializer(serializers.ModelSerializer):
    initiative = VisibleInitiativeField()
    design_input = serializers.IntegerField(
        source="design_input_id", required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    assessment = serializers.IntegerField(
        source="assessment_id", required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    author = serializers.CharField(source="author.username", read_only=True)
    mentions = serializers.SerializerMethodField()
    html = serializers.SerializerMethodField(help_text="The body as sanitised HTML.")

    class Meta:
        model = Comment
        fields = [
            "id",
            "initiative",
            "design_input",
            "assessment",
            "author",
            "body",
            "html",
            "mentions",
            "created_at",
            "edited_at",
            "version",
        ]
        read_only_fields = ["id", "author", "created_at", "edited_at", "version"]

    def get_mentions(self, obj) -> list[str]:
        return sorted(u.username for u in obj.mentions.all())

    def get_html(self, obj) -> str:
        return str(render(obj.body, set(self.get_mentions(obj))))


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.MAX_LENGTH)


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()


class CommentViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, RetrieveWithETag, viewsets.GenericViewSet
):
    """Comments of the threads you may see. Filter by `initiative`, `design_input` or
    `assessment`. Editing (PATCH, with If-Match) is open to the author for 15 minutes."""

    serializer_class = CommentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["initiative", "design_input", "assessment"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        return selectors.comments_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        initiative = data["initiative"]
        design_input = assessment = None
        if data.get("design_input_id"):
            design_input = DesignInput.objects.filter(
                pk=data["design_input_id"], initiative=initiative
            ).first()
            if design_input is None:
                raise ValidationError({"design_input": [gettext("No such design input on it.")]})
        if data.get("assessment_id"):
            assessment = ConcernAssessment.objects.filter(
                pk=data["assessment_id"], initiative=initiative
            ).first()
            if assessment is None:
                raise ValidationError({"assessment": [gettext("No such assessment on it.")]})
        comment = services.add_comment(
            initiative=initiative,
            user=request.user,
            body=data["body"],
            design_input=design_input,
            assessment=assessment,
        )
        comment = self.get_queryset().get(pk=comment.pk)
        return with_etag(Response(self.get_serializer(comment).data, status=201), comment.version)

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        version = require_version(request)
        data = CommentEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.edit_comment(
            comment=comment,
            user=request.user,
            body=data.validated_data["body"],
            expected_version=version,
        )
        updated = self.get_queryset().get(pk=updated.pk)
        return with_etag(Response(self.get_serializer(updated).data), updated.version)

    @extend_schema(
        parameters=[
            OpenApiParameter("initiative", int, required=True),
            OpenApiParameter("q", str, description="Part of a name or username."),
        ],
        responses=PersonSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def people(self, request):
        """People you may @mention on an initiative: only those who may see it."""
        number = parse_id(request.query_params.get("initiative", ""))
        if number is None:
            raise ValidationError({"initiative": [gettext("Give the initiative's id.")]})
        try:
            initiative = visible_initiative_or_404(request.user, number)
        except Http404:
            # A query parameter naming no initiative the caller sees: the same 400 whether it
            # does not exist or is hidden.
            raise ValidationError({"initiative": [gettext("No such initiative.")]}) from None
        found = selectors.people_for_mention(
            request.user, initiative, request.query_params.get("q", "")
        )
        return Response(
            [{"username": u.username, "name": u.get_full_name() or u.username} for u in found]
        )
