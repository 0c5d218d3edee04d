"""Working sessions over the API: the standing series, its occurrences, agendas."""

import django_filters
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.models import Source
from core.access import restrict_to_visible
from initiatives.api import UsernameField, VisibleInitiativeField

from . import invitations, selectors, services
from .models import SessionStatus, WorkingSeries, WorkingSession


class WorkingSeriesSerializer(serializers.ModelSerializer):
    initiative = VisibleInitiativeField()
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


class InvitationStateSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(help_text="The occurrence's current SEQUENCE")
    method = serializers.ChoiceField(choices=[("REQUEST", "REQUEST"), ("CANCEL", "CANCEL")])
    sent_to = serializers.ListField(
        child=serializers.CharField(), help_text="Usernames the current SEQUENCE went to"
    )


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
        return services.set_series(
            initiative=initiative,
            user=self.request.user,
            fields=data,
            participants=participants,
            source=Source.API,
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        series = self._save(serializer, serializer.validated_data["initiative"])
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
            services.move_session(
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
            services.cancel_session(
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
            services.record_session(
                session=session,
                user=request.user,
                notes=data.validated_data["notes"],
                decisions=data.validated_data.get("decisions", ""),
                attendees=attendees,
                source=Source.API,
            )
        )

    @extend_schema(responses=InvitationStateSerializer)
    @action(detail=True, methods=["get"])
    def invitations(self, request, pk=None):
        """Who received the calendar invitation (or cancellation) of the current SEQUENCE."""
        return Response(
            InvitationStateSerializer(invitations.invitation_state(self.get_object())).data
        )

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def agenda(self, request, pk=None):
        """The agenda built from open design inputs, needed information and overdue items."""
        agenda = selectors.agenda_for(self.get_object())

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
                "threads": [
                    {
                        "design_input": t["design_input_id"],
                        "design_input_title": t["design_input__title"],
                        "assessment": t["assessment_id"],
                        "assessment_area": t["assessment__area"],
                        "comments": t["count"],
                        "last_comment_at": t["last"],
                    }
                    for t in agenda["threads"]
                ],
            }
        )
