"""Risk status over the API: the current level with its reasons, and its history."""

from django.http import Http404
from rest_framework import serializers, viewsets

from initiatives.selectors import visible_initiatives

from .models import RiskState, RiskStatusChange


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
    recheck_at = serializers.SerializerMethodField(
        help_text="When time alone changes the status next (a due date passes, an assessment "
        "grows stale, a session window runs out): the sweep recomputes it then. Null: never "
        "without a change, or not computed yet."
    )
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

    def get_recheck_at(self, obj) -> str | None:
        state = self._state(obj)
        return state.recheck_at.isoformat() if state and state.recheck_at else None

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
            visible_initiatives(self.request.user)
            .select_related("risk_state")
            .prefetch_related("assessments", "risk_history")
            .order_by("id")
        )

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise Http404("No such initiative.") from None
