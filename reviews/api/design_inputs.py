"""Design inputs over the API: raise, edit, and the lifecycle actions of the transitions table."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RetrieveWithETag, expected_version, require_version, with_etag
from initiatives.api import UsernameField, VisibleInitiativeField
from initiatives.permissions import can_review, prime_object_perms

from .. import selectors, services
from ..models import (
    DesignInput,
)


class DesignInputSerializer(serializers.ModelSerializer):
    initiative = VisibleInitiativeField()
    owner = UsernameField(required=False, allow_null=True)
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    accepted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    confirmed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = DesignInput
        fields = [
            "id",
            "initiative",
            "area",
            "title",
            "description",
            "severity",
            "proposed_solution",
            "owner",
            "due_date",
            "status",
            "raised_by",
            "created_at",
            "updated_at",
            "resolved_at",
            "resolution",
            "accepted_by",
            "confirmed_by",
            "confirmed_at",
            "allowed_actions",
            "version",
        ]
        read_only_fields = [
            "id",
            "status",
            "raised_by",
            "created_at",
            "updated_at",
            "resolved_at",
            "resolution",
            "accepted_by",
            "confirmed_by",
            "confirmed_at",
        ]

    def get_allowed_actions(self, obj) -> list[str]:
        return services.allowed_design_input_actions(self.context["request"].user, obj)


class DesignInputActionSerializer(serializers.Serializer):
    """The body of a design input's lifecycle action (propose, confirm, accept-risk, …)."""

    text = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        help_text="Proposed solution, what changed, the reason, as the action needs.",
    )
    accepted_by = UsernameField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class DesignInputFilter(django_filters.FilterSet):
    class Meta:
        model = DesignInput
        fields = ["initiative", "area", "severity", "status", "owner"]


class DesignInputViewSet(
    mixins.ListModelMixin,
    RetrieveWithETag,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Findings as design inputs. A PATCH must send the version read (If-Match or `version`):
    428 without one, 412 when it is stale. Lifecycle moves are POST actions: propose,
    incorporate, confirm, accept_risk, withdraw, reopen (409 when the state does not allow
    it; 412 when an If-Match sent with them is stale)."""

    serializer_class = DesignInputSerializer
    filterset_class = DesignInputFilter

    def get_serializer(self, *args, **kwargs):
        # Each row lists the actions the caller may take: load their rights on all the page's
        # initiatives at once instead of one query per row.
        if kwargs.get("many") and args:
            prime_object_perms(self.request.user, {item.initiative_id for item in args[0]})
        return super().get_serializer(*args, **kwargs)

    ordering_fields = ["created_at", "updated_at", "severity", "status"]
    ordering = ["-created_at"]
    search_fields = ["title", "description"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.visible_design_inputs(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.raise_design_input(
            user=self.request.user, source="api", **data
        )

    def update(self, request, *args, **kwargs):
        design_input = self.get_object()
        if not can_review(request.user, design_input.initiative):
            raise PermissionDenied(
                gettext("Only the initiative's IT reviewers and IT leads edit findings.")
            )
        version = require_version(request)
        serializer = self.get_serializer(design_input, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in services.EDITABLE_DESIGN_INPUT_FIELDS
        }
        updated = services.edit_design_input(
            design_input=design_input,
            user=request.user,
            fields=fields,
            expected_version=version,
            source="api",
        )
        fresh = self.get_queryset().get(pk=updated.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    def _transition(self, request, name: str):
        design_input = self.get_object()
        body = DesignInputActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        updated = services.transition_design_input(
            design_input=design_input,
            user=request.user,
            action=name,
            text=body.validated_data.get("text", ""),
            accepted_by=body.validated_data.get("accepted_by"),
            expected_version=expected_version(request),
            source="api",
        )
        fresh = self.get_queryset().get(pk=updated.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)


# Who may take each lifecycle action, in the words of the API documentation.
_WHO = {
    "partner": "the sponsor side, the design input's owner or IT",
    "sponsor": "the sponsor side or the design input's owner",
    "it": "the initiative's IT reviewers and IT leads",
    "authority": "an IT lead, an executive or the accountable person, named in `accepted_by` "
    "(default: you)",
}


def _lifecycle_action(name: str):
    """The POST endpoint of one lifecycle action, described from the transitions table."""
    _, _, who, needs = services.DESIGN_INPUT_TRANSITIONS[name]

    def view(self, request, pk=None):
        return self._transition(request, name)

    view.__name__ = name
    view.__doc__ = f"{services.DesignInputAction(name).label}: {_WHO[who]}." + (
        f" `text` is {needs}." if needs else ""
    )
    view = action(detail=True, methods=["post"], url_path=name.replace("_", "-"))(view)
    return extend_schema(request=DesignInputActionSerializer, responses=DesignInputSerializer)(view)


# One endpoint per row of the transitions table: /api/design-inputs/<id>/<action>/.
for _name in services.DESIGN_INPUT_TRANSITIONS:
    setattr(DesignInputViewSet, _name, _lifecycle_action(_name))
