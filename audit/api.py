"""The audit trail over the API: read-only, with the auditor pages' visibility."""

import django_filters
from rest_framework import serializers, viewsets

from .models import AuditEvent
from .selectors import auditable_events


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    changes = serializers.DictField(
        child=serializers.JSONField(),
        read_only=True,
        help_text="What changed: field → [old, new] (or a value that describes the change).",
    )

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "at",
            "actor",
            "source",
            "action",
            "initiative",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class AuditEventFilter(django_filters.FilterSet):
    at_after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["initiative", "action", "source", "object_type", "actor"]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, read-only: there is no way to add, change or delete an event here."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    ordering_fields = ["seq", "at"]
    ordering = ["seq"]
    lookup_field = "seq"

    def get_queryset(self):
        return auditable_events(self.request.user)
