"""Notifications over the API: the caller's list, marking them read."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.access import visible_initiative_or_404
from core.query_params import MAX_ID

from . import selectors, services
from .models import EventKind, Mode, Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "text", "link", "kind", "initiative", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="Omit to mark all read.",
    )


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    label = serializers.CharField(read_only=True)
    mode = serializers.ChoiceField(choices=Mode.choices)


class PreferencesUpdateSerializer(serializers.Serializer):
    modes = serializers.DictField(
        child=serializers.ChoiceField(choices=Mode.choices),
        help_text="{event kind: mode}; kinds left out keep their mode.",
    )

    def validate_modes(self, value):
        unknown = sorted(set(value) - set(EventKind.values))
        if unknown:
            raise serializers.ValidationError(
                gettext("Unknown kind(s) of event: %(join)s.") % {"join": ", ".join(unknown)}
            )
        return value


class FollowSerializer(serializers.Serializer):
    initiative = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    follow = serializers.BooleanField(default=True, help_text="False to unfollow.")


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own in-app notifications, newest first."""

    serializer_class = NotificationSerializer
    filterset_fields = {"read_at": ["isnull"]}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notifications_of(self.request.user)

    @extend_schema(request=MarkReadSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": count, "unread": selectors.unread_count(request.user)})

    @extend_schema(methods=["get"], request=None, responses=PreferenceSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=PreferencesUpdateSerializer,
        responses=PreferenceSerializer(many=True),
        description="Set how you hear of each kind of event. A person's own settings, one value "
        "per kind: the last write wins, so no version is needed.",
    )
    @action(
        detail=False,
        methods=["get", "post"],
        url_path="preferences",
        filter_backends=[],
        pagination_class=None,
    )
    def preferences(self, request):
        """Your mode per kind of event: immediately, daily digest or in-app only."""
        if request.method == "POST":
            data = PreferencesUpdateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.set_preferences(user=request.user, modes=data.validated_data["modes"])
        return Response(
            PreferenceSerializer(selectors.preferences_of(request.user), many=True).data
        )

    @extend_schema(request=FollowSerializer, responses=FollowSerializer)
    @action(detail=False, methods=["post"], url_path="follow", filter_backends=[])
    def follow(self, request):
        """Follow (or unfollow) an initiative you see: you hear of everything on it."""
        data = FollowSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            initiative = visible_initiative_or_404(request.user, data.validated_data["initiative"])
        except Http404:
            # A field naming no initiative the caller sees: the same 400 whether it does not
            # exist or is hidden.
            raise ValidationError({"initiative": [gettext("No such initiative.")]}) from None
        on = services.set_following(
            user=request.user, initiative=initiative, follow=data.validated_data["follow"]
        )
        return Response({"initiative": initiative.pk, "follow": on})
