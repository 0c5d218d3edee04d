"""The IT lead's page for directory groups: which identity-provider group gives which role
and site at single sign-on; and the same over the API (`/api/directory-group-mappings/`)."""

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.forms import translate_field_labels
from core.views import run_service
from initiatives.models import Site
from initiatives.roles import Role

from . import directory
from .models import DirectoryGroupMapping


class MappingForm(forms.Form):
    group = forms.CharField(max_length=200, label=_("Directory group (name or object id)"))
    role = forms.ChoiceField(choices=[("", _("— no role —")), *Role.choices], required=False)
    site = forms.ModelChoiceField(Site.objects.all(), required=False, empty_label=_("— no site —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translate_field_labels(self)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


def directory_groups(request):
    """List the mappings and add one (IT leads)."""
    directory._require(request.user)
    form = MappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _ = run_service(
            request,
            lambda: directory.add_mapping(user=request.user, **form.cleaned_data),
            form=form,
            success=gettext("Mapping added; it applies at each person's next sign-in."),
        )
        if ok:
            return redirect("directory-groups")
    mappings = DirectoryGroupMapping.objects.select_related("site", "created_by")
    return render(request, "accounts/directory_groups.html", {"form": form, "mappings": mappings})


@require_POST
def remove_directory_group(request, pk: int):
    directory._require(request.user)
    mapping = get_object_or_404(DirectoryGroupMapping, pk=pk)
    run_service(
        request,
        lambda: directory.remove_mapping(user=request.user, mapping=mapping),
        success=gettext("Mapping removed."),
    )
    return redirect("directory-groups")


class MappingSerializer(serializers.ModelSerializer):
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.all(), required=False, allow_null=True
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DirectoryGroupMapping
        fields = ["id", "group", "role", "site", "created_by", "created_at"]
        read_only_fields = ["id", "created_by", "created_at"]
        validators = []


class ConfiguresDirectory(BasePermission):
    message = directory.MAINTAIN

    def has_permission(self, request, view) -> bool:
        return directory.can_configure(request.user)


class DirectoryGroupMappingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Directory group → role and/or site, applied at each single sign-on (IT leads only;
    403 for everyone else)."""

    serializer_class = MappingSerializer
    permission_classes = [IsAuthenticated, ConfiguresDirectory]

    def get_queryset(self):
        return DirectoryGroupMapping.objects.select_related("site", "created_by")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        mapping = directory.add_mapping(
            user=request.user,
            group=data["group"],
            role=data.get("role", ""),
            site=data.get("site"),
            source="api",
        )
        return Response(self.get_serializer(mapping).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        directory.remove_mapping(user=self.request.user, mapping=instance, source="api")
