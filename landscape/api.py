"""The plant system map over the API: everyone signed in reads it, IT leads write it.

PATCH carries the version read (If-Match or `version`): 428 without one, 412 when stale.
`POST /api/systems/import/` takes a CMDB export (multipart `file`, or JSON `content`) and
answers the same report as the page; `dry_run` (default true) writes nothing.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RetrieveWithETag, require_version, with_etag

from . import selectors, services
from .cmdb import MAX_BYTES
from .models import EnterpriseSystem


class OwnerField(serializers.SlugRelatedField):
    """The IT owner by username (or e-mail)."""

    default_error_messages = {
        "does_not_exist": _("No active portal user with the username or e-mail “{value}”."),
        "invalid": _("Send a username as text."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        user = self.get_queryset().filter(Q(username__iexact=data) | Q(email__iexact=data)).first()
        if user is None:
            self.fail("does_not_exist", value=data[:150])
        return user


class SystemSerializer(serializers.ModelSerializer):
    it_owner = OwnerField(required=False, allow_null=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = EnterpriseSystem
        fields = [
            "id",
            "site",
            "site_name",
            "name",
            "kind",
            "criticality",
            "it_owner",
            "cmdb_id",
            "description",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # the service checks uniqueness and answers field errors


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="The CMDB export as CSV.")
    content = serializers.CharField(
        required=False, trim_whitespace=False, help_text="Or the CSV text itself."
    )
    dry_run = serializers.BooleanField(default=True, help_text="Preview only: write nothing.")

    def validate(self, attrs):
        if not attrs.get("file") and not attrs.get("content"):
            raise serializers.ValidationError(
                {"file": [gettext("Send the CSV as `file` or `content`.")]}
            )
        if attrs.get("file") and attrs["file"].size > MAX_BYTES:
            raise serializers.ValidationError({"file": [gettext("The file is larger than 2 MB.")]})
        return attrs


class ImportRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    name = serializers.CharField()
    site = serializers.CharField()
    cmdb_id = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update", "unchanged", "rejected"])
    errors = serializers.ListField(child=serializers.CharField())
    changes = serializers.DictField(child=serializers.ListField(allow_null=True))
    system_id = serializers.IntegerField(allow_null=True)


class ImportCountsSerializer(serializers.Serializer):
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    counts = ImportCountsSerializer()
    rows = ImportRowSerializer(many=True)


class SystemViewSet(
    mixins.ListModelMixin,
    RetrieveWithETag,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprise systems per site. GET for everyone signed in; POST and PATCH for IT leads
    (403 otherwise); PATCH needs the version read (If-Match or `version`)."""

    serializer_class = SystemSerializer
    filterset_fields = ["site", "kind", "criticality", "it_owner"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.systems()

    def create(self, request, *args, **kwargs):
        services.refuse_unless_maintainer(request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {k: serializer.validated_data.get(k) for k in services.FIELDS}
        system = services.register_system(user=request.user, values=values, source="api")
        data = self.get_serializer(self.get_queryset().get(pk=system.pk)).data
        return with_etag(Response(data, status=status.HTTP_201_CREATED), system.version)

    def update(self, request, *args, **kwargs):
        system = self.get_object()
        services.refuse_unless_maintainer(request.user)
        version = require_version(request)
        serializer = self.get_serializer(system, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {k: v for k, v in serializer.validated_data.items() if k in services.FIELDS}
        system = services.update_system(
            system=system, user=request.user, values=values, expected_version=version, source="api"
        )
        fresh = self.get_queryset().get(pk=system.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    @extend_schema(request=ImportRequestSerializer, responses=ImportReportSerializer)
    @action(detail=False, methods=["post"], url_path="import")
    def import_export(self, request):
        """Import a CMDB export (IT leads): a dry run by default; rejected rows are reported
        with their reasons and do not stop the others."""
        services.refuse_unless_maintainer(request.user)
        body = ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data.get("file")
        content = upload.read() if upload else body.validated_data["content"]
        report = services.import_systems(
            user=request.user,
            content=content,
            dry_run=body.validated_data["dry_run"],
            source="api",
        )
        data = {"dry_run": report.dry_run, "counts": report.counts, "rows": report.rows}
        return Response(ImportReportSerializer(data).data)
