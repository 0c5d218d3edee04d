"""Review assignments over the API: IT leads assign and unassign reviewers."""

from rest_framework import mixins, serializers, viewsets

from core.access import restrict_to_visible
from initiatives.api import UsernameField, VisibleInitiativeField

from .. import services
from ..models import (
    ConcernArea,
    ReviewAssignment,
)


class AssignmentSerializer(serializers.ModelSerializer):
    initiative = VisibleInitiativeField()
    reviewer = UsernameField()
    assigned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    concern_area = serializers.ChoiceField(
        choices=ConcernArea.choices, allow_blank=True, required=False, default=""
    )

    class Meta:
        model = ReviewAssignment
        fields = ["id", "initiative", "reviewer", "concern_area", "assigned_by", "assigned_at"]
        read_only_fields = ["id", "assigned_by", "assigned_at"]
        validators = []  # the service reports duplicates with a clear message


class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Reviewers assigned to initiatives. Only IT leads assign and unassign."""

    serializer_class = AssignmentSerializer
    filterset_fields = ["initiative", "reviewer", "concern_area"]

    def get_queryset(self):
        qs = ReviewAssignment.objects.select_related("initiative", "reviewer", "assigned_by")
        return restrict_to_visible(self.request.user, qs, prefix="initiative__").order_by("id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.assign_reviewer(
            initiative=data["initiative"],
            reviewer=data["reviewer"],
            concern_area=data.get("concern_area", ""),
            user=self.request.user,
            source="api",
        )

    def perform_destroy(self, instance):
        services.unassign_reviewer(assignment=instance, user=self.request.user, source="api")
