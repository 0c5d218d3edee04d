"""REST API of working sessions, notifications and risk status.

Writes go through governance.sessions and governance.notifications, as the pages do.
"""

import django_filters
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from harmony_portal.api import MAX_ID
from initiatives import selectors as initiative_selectors
from initiatives.api import UsernameField
from initiatives.models import Initiative
from initiatives.permissions import restrict_to_visible

from . import notifications, sessions
from .models import (
    Notification,
    RiskState,
    RiskStatusChange,
    SessionStatus,
    Source,
    WorkingSeries,
    WorkingSession,
)


class WorkingSeriesSerializer(serializers.ModelSerializer):
    initiative = serializers.PrimaryKeyRelatedField(queryset=Initiative.objects.all())
    participants = UsernameField(many=True, required=False)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = WorkingSeries
        fields = [
            "id",
            "initiative",
            "cadence",
            "weekday",
            "start_time",
            "time_zone",
            "duration_minutes",
            "location",
            "starts_on",
            "reminder_lead_minutes",
            "active",
            "participants",
            "created_by",
            "updated_at",
        ]
        read_only_fields = ["id", "created_by", "updated_at"]
        extra_kwargs = {
            "starts_on": {"required": False, "help_text": "Defaults to today."},
            "weekday": {"min_value": 0, "max_value": 6},
            "duration_minutes": {"min_value": 15, "max_value": 480},
            "reminder_lead_minutes": {"max_value": 14 * 24 * 60},
        }
        # The service decides "one series per initiative" (create or change), not a validator.
        validators = []


class WorkingSessionSerializer(serializers.ModelSerializer):
    attendees = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    is_moved = serializers.BooleanField(read_only=True)

    class Meta:
        model = WorkingSession
        fields = [
            "id",
            "series",
            "initiative",
            "scheduled_for",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "location",
            "status",
            "is_moved",
            "notes",
            "decisions",
            "attendees",
            "sequence",
        ]
        read_only_fields = fields


class MoveSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=15, max_value=480, required=False)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RecordSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=8000)
    decisions = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    attendees = UsernameField(many=True, required=False)


class WorkingSeriesViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Standing working sessions of the initiatives the caller may see.

    POST creates the initiative's series (or changes it if it exists); PUT/PATCH change it.
    """

    serializer_class = WorkingSeriesSerializer
    filterset_fields = ["initiative", "cadence", "active"]

    def get_queryset(self):
        qs = WorkingSeries.objects.select_related("created_by").prefetch_related("participants")
        return restrict_to_visible(self.request.user, qs, prefix="initiative__").order_by("id")

    def _save(self, serializer, initiative):
        data = dict(serializer.validated_data)
        data.pop("initiative", None)
        participants = data.pop("participants", None)
        return sessions.set_series(
            initiative=initiative,
            user=self.request.user,
            fields=data,
            participants=participants,
            source=Source.API,
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        initiative = initiative_selectors.initiative_for_detail(
            request.user, serializer.validated_data["initiative"].pk
        )
        if initiative is None:
            raise serializers.ValidationError({"initiative": ["No such initiative."]})
        series = self._save(serializer, initiative)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=series.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request, *args, **kwargs):
        series = self.get_object()
        serializer = self.get_serializer(
            series, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        self._save(serializer, series.initiative)
        return Response(self.get_serializer(self.get_queryset().get(pk=series.pk)).data)


class WorkingSessionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=SessionStatus.choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = WorkingSession
        fields = ["initiative", "series", "status"]


class WorkingSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Occurrences of working sessions; move, cancel or record one without touching the
    series."""

    serializer_class = WorkingSessionSerializer
    filterset_class = WorkingSessionFilter
    ordering_fields = ["starts_at"]
    ordering = ["starts_at"]

    def get_queryset(self):
        qs = WorkingSession.objects.prefetch_related("attendees")
        return restrict_to_visible(self.request.user, qs, prefix="initiative__")

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise Http404("No such working session.") from None

    def _answer(self, session):
        return Response(self.get_serializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(request=MoveSerializer, responses=WorkingSessionSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move this occurrence (409 unless planned)."""
        session = self.get_object()
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            sessions.move_session(
                session=session, user=request.user, source=Source.API, **data.validated_data
            )
        )

    @extend_schema(request=CancelSerializer, responses=WorkingSessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel this occurrence (409 unless planned)."""
        session = self.get_object()
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            sessions.cancel_session(
                session=session,
                user=request.user,
                reason=data.validated_data.get("reason", ""),
                source=Source.API,
            )
        )

    @extend_schema(request=RecordSerializer, responses=WorkingSessionSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record notes, decisions and attendance; the session counts as held."""
        session = self.get_object()
        data = RecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attendees = data.validated_data.get("attendees")
        return self._answer(
            sessions.record_session(
                session=session,
                user=request.user,
                notes=data.validated_data["notes"],
                decisions=data.validated_data.get("decisions", ""),
                attendees=attendees,
                source=Source.API,
            )
        )

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def agenda(self, request, pk=None):
        """The agenda built from open design inputs, needed information and overdue items."""
        agenda = sessions.agenda_for(self.get_object())

        def inputs(items):
            return [
                {
                    "id": i.pk,
                    "title": i.title,
                    "area": i.area,
                    "severity": i.severity,
                    "due_date": i.due_date,
                    "owner": i.owner.username if i.owner else None,
                }
                for i in items
            ]

        return Response(
            {
                "open_inputs": inputs(agenda["open_inputs"]),
                "needs_info": [
                    {"id": a.pk, "area": a.area, "rationale": a.rationale}
                    for a in agenda["needs_info"]
                ],
                "overdue": inputs(agenda["overdue"]),
            }
        )


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "text", "link", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="Omit to mark all read.",
    )


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own in-app notifications, newest first."""

    serializer_class = NotificationSerializer
    filterset_fields = {"read_at": ["isnull"]}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications.notifications_of(self.request.user)

    @extend_schema(request=MarkReadSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = notifications.mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": count, "unread": notifications.unread_count(request.user)})


class RiskChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskStatusChange
        fields = ["at", "from_level", "to_level", "reasons"]


class RiskStatusSerializer(serializers.Serializer):
    initiative = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    level = serializers.CharField(source="risk_level")
    reasons = serializers.SerializerMethodField()
    computed_at = serializers.SerializerMethodField()
    readiness = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    def _state(self, obj) -> RiskState | None:
        try:
            return obj.risk_state
        except RiskState.DoesNotExist:
            return None

    def get_reasons(self, obj) -> list[str]:
        state = self._state(obj)
        return state.reasons if state else []

    def get_computed_at(self, obj) -> str | None:
        state = self._state(obj)
        return state.computed_at.isoformat() if state and state.computed_at else None

    def get_readiness(self, obj) -> dict[str, int | None]:
        return {a.area: a.readiness for a in obj.assessments.all()}

    def get_history(self, obj) -> list[dict]:
        rows = sorted(obj.risk_history.all(), key=lambda h: (h.at, h.pk), reverse=True)
        return RiskChangeSerializer(rows, many=True).data


class RiskStatusViewSet(viewsets.ReadOnlyModelViewSet):
    """Computed risk status of each visible initiative: level, reasons ("why is this at
    risk?"), readiness per concern and the history of changes with their reasons."""

    serializer_class = RiskStatusSerializer
    filterset_fields = ["risk_level", "status"]

    def get_queryset(self):
        return (
            initiative_selectors.visible_initiatives(self.request.user)
            .select_related("risk_state")
            .prefetch_related("assessments", "risk_history")
            .order_by("id")
        )

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise Http404("No such initiative.") from None
