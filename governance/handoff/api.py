"""The build hand-off over the API: the sites' ticket systems (IT leads; the token is
write-only) and the tickets of the initiatives the caller may see."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.models import Source
from initiatives.models import Site

from . import selectors, services
from .models import BuildTicket, HandoffTarget, TicketStatus, TicketSystem
from .permissions import can_configure_handoff


class ConfiguresHandoff(permissions.BasePermission):
    message = "The build hand-off is configured by IT leads and administrators."

    def has_permission(self, request, view) -> bool:
        return can_configure_handoff(request.user)


class HandoffTargetSerializer(serializers.ModelSerializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    system = serializers.ChoiceField(choices=TicketSystem.choices)
    token = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Jira API token or ServiceNow password; never returned. Empty: keep the "
        "stored one.",
    )
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = HandoffTarget
        fields = [
            "id",
            "site",
            "system",
            "base_url",
            "project_key",
            "issue_type",
            "table",
            "username",
            "token",
            "enabled",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators = []


class HandoffTargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Each site's ticket system. POST sets a site's (creating or replacing it)."""

    permission_classes = [permissions.IsAuthenticated, ConfiguresHandoff]
    serializer_class = HandoffTargetSerializer
    filterset_fields = ["site", "system", "enabled"]
    ordering = ["site__name"]

    def get_queryset(self):
        return selectors.targets()

    @extend_schema(responses={201: HandoffTargetSerializer})
    def create(self, request, *args, **kwargs):
        data = HandoffTargetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site, token = values.pop("site"), values.pop("token", "")
        target = services.save_target(
            site=site, user=request.user, fields=values, token=token, source=Source.API
        )
        return Response(HandoffTargetSerializer(target).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_target(target=instance, user=self.request.user, source=Source.API)


class BuildTicketSerializer(serializers.ModelSerializer):
    system = serializers.ChoiceField(choices=TicketSystem.choices, read_only=True)
    status = serializers.ChoiceField(choices=TicketStatus.choices, read_only=True)

    class Meta:
        model = BuildTicket
        fields = [
            "id",
            "initiative",
            "system",
            "status",
            "external_key",
            "url",
            "attempts",
            "status_code",
            "response_excerpt",
            "error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "ticket_created_at",
        ]
        read_only_fields = fields


class BuildTicketViewSet(viewsets.ReadOnlyModelViewSet):
    """Delivery tickets of ready-for-build initiatives the caller may see."""

    serializer_class = BuildTicketSerializer
    filterset_fields = ["initiative", "status", "system"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.tickets_for(self.request.user)

    @extend_schema(request=None, responses=BuildTicketSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Try a failed ticket again (IT leads). 400 unless it failed."""
        ticket = services.retry_ticket(
            ticket=self.get_object(), user=request.user, source=Source.API
        )
        return Response(BuildTicketSerializer(ticket).data)
