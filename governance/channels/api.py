"""Channels and their delivery log over the API (IT leads and administrators only).

The address and the signing secret are write-once: the address is never returned (only its
host, `url_hint`), the signing secret only in the answer to the create call.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.models import Source
from initiatives.models import Initiative, Site

from . import selectors, services
from .models import EVENT_KIND_CHOICES, ChannelDelivery, ChannelTarget, OutboundChannel
from .permissions import can_manage_channels


class ManagesChannels(permissions.BasePermission):
    message = "Channels are for IT leads and administrators."

    def has_permission(self, request, view) -> bool:
        return can_manage_channels(request.user)


class ChannelSerializer(serializers.ModelSerializer):
    target = serializers.ChoiceField(choices=ChannelTarget.choices)
    url = serializers.URLField(
        write_only=True, max_length=2000, help_text="The webhook address; never returned."
    )
    event_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_KIND_CHOICES), allow_empty=False
    )
    initiative = serializers.PrimaryKeyRelatedField(
        queryset=Initiative.objects.all(), required=False, allow_null=True
    )
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.all(), required=False, allow_null=True
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = OutboundChannel
        fields = [
            "id",
            "name",
            "target",
            "url",
            "url_hint",
            "initiative",
            "site",
            "event_kinds",
            "active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = [
            "url_hint",
            "active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        validators = []


class CreatedChannelSerializer(ChannelSerializer):
    signing_secret = serializers.CharField(
        read_only=True,
        help_text="Generic webhooks: the HMAC-SHA256 signing secret, returned this once "
        "(empty for Teams and Slack).",
    )

    class Meta(ChannelSerializer.Meta):
        fields = [*ChannelSerializer.Meta.fields, "signing_secret"]


class ChannelDeliverySerializer(serializers.ModelSerializer):
    event = serializers.DictField(
        read_only=True, help_text="The event as fanned out: kind, key, initiative_id, title, …"
    )

    class Meta:
        model = ChannelDelivery
        fields = [
            "id",
            "channel",
            "event_kind",
            "event_key",
            "event",
            "status",
            "attempts",
            "status_code",
            "response_excerpt",
            "error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
        ]
        read_only_fields = fields


class ChannelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Chat and webhook channels. Created once; then enabled, disabled or deleted."""

    permission_classes = [permissions.IsAuthenticated, ManagesChannels]
    serializer_class = ChannelSerializer
    filterset_fields = ["target", "active", "initiative", "site"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.channels()

    @extend_schema(request=ChannelSerializer, responses={201: CreatedChannelSerializer})
    def create(self, request, *args, **kwargs):
        data = ChannelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        channel, secret = services.create_channel(
            user=request.user,
            name=values["name"],
            target=values["target"],
            url=values["url"],
            event_kinds=values["event_kinds"],
            initiative=values.get("initiative"),
            site=values.get("site"),
            source=Source.API,
        )
        channel.signing_secret = secret
        return Response(CreatedChannelSerializer(channel).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_channel(channel=instance, user=self.request.user, source=Source.API)

    def _set_active(self, active: bool):
        channel = services.set_channel_active(
            channel=self.get_object(), user=self.request.user, active=active, source=Source.API
        )
        return Response(ChannelSerializer(channel).data)

    @extend_schema(request=None, responses=ChannelSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        """Enable the channel again (its failure count starts over). 400 if already enabled."""
        return self._set_active(True)

    @extend_schema(request=None, responses=ChannelSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        """Stop posting to the channel. 400 if already disabled."""
        return self._set_active(False)


class ChannelDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """The delivery log: each event posted to each channel, with the last answer."""

    permission_classes = [permissions.IsAuthenticated, ManagesChannels]
    serializer_class = ChannelDeliverySerializer
    filterset_fields = ["channel", "status", "event_kind"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.delivery_log()
