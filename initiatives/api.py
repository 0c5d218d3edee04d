"""REST API for initiatives. Every write goes through initiatives.services, as the pages do.

Visibility is the pages' own: the queryset is `selectors.visible_initiatives`, so a hidden
initiative answers 404 exactly like one that does not exist; an action on a visible one that
the caller may not take answers 403. Updates and transitions carry the version read
(If-Match or `version`); a stale one is refused with 412, an illegal transition with 409.
"""

from collections.abc import Mapping

import django_filters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import expected_version, require_version, with_etag
from landscape import selectors as landscape_selectors
from landscape.models import EnterpriseSystem

from . import ai_act, integrations, overlaps, permissions, selectors, services
from .forms import find_user
from .models import (
    DataAsset,
    Initiative,
    IntegrationPoint,
    NamedRole,
    Phase,
    RiskLevel,
    RoleAcknowledgement,
    Site,
    Status,
    VendorCandidate,
)


class SectionRowSerializer(serializers.ModelSerializer):
    """A row of a section. Rows replace what is stored, so each is complete even in a PATCH."""

    def to_internal_value(self, data):
        missing = {}
        if isinstance(data, Mapping):
            missing = {
                name: [field.error_messages["required"]]
                for name, field in self.fields.items()
                if field.required and not field.read_only and name not in data
            }
        try:
            attrs = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                raise serializers.ValidationError({**missing, **exc.detail}) from None
            raise
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class DataAssetSerializer(SectionRowSerializer):
    class Meta:
        model = DataAsset
        fields = ["id", "name", "classification", "personal_data", "storage_location"]
        read_only_fields = ["id"]


class IntegrationSerializer(SectionRowSerializer):
    """A system it integrates with: a registered `system` of the plant system map, or a
    free-text `name` and `system_type` (flagged `mapped: false` until IT maps it)."""

    system = serializers.PrimaryKeyRelatedField(
        queryset=EnterpriseSystem.objects.all(), required=False, allow_null=True
    )
    mapped = serializers.BooleanField(source="is_mapped", read_only=True)
    owner_acknowledged_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = IntegrationPoint
        fields = [
            "id",
            "system",
            "system_type",
            "name",
            "purpose",
            "vendor",
            "connector",
            "description",
            "mapped",
            "owner_acknowledged_by",
            "owner_acknowledged_at",
        ]
        read_only_fields = ["id", "owner_acknowledged_at"]
        extra_kwargs = {"system_type": {"required": False}, "name": {"required": False}}

    def validate(self, attrs):
        if attrs.get("system") is None:
            errors = {}
            if not attrs.get("name"):
                errors["name"] = [gettext("Give a registered `system` or name the system.")]
            if not attrs.get("system_type"):
                errors["system_type"] = [gettext("Say what kind of system it is.")]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class VendorSerializer(SectionRowSerializer):
    class Meta:
        model = VendorCandidate
        fields = ["id", "name", "product", "notes"]
        read_only_fields = ["id"]


def _section(serializer_class, help_text: str):
    """A writable list of rows; sending it replaces the section's rows."""
    return serializer_class(
        many=True,
        required=False,
        max_length=services.MAX_SECTION_ROWS,
        help_text=f"{help_text} Sending the list replaces all rows "
        f"(at most {services.MAX_SECTION_ROWS}).",
    )


class UsernameField(serializers.SlugRelatedField):
    """A portal user by username (or e-mail), as the intake form accepts them."""

    default_error_messages = {
        "does_not_exist": _("No active portal user with the username or e-mail “{value}”."),
        "invalid": _("Send a username as text."),
        "null_characters": _("Null characters are not allowed."),
    }

    def __init__(self, **kwargs):
        from django.contrib.auth import get_user_model

        kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:  # PostgreSQL refuses them in a query: a 500, not a 400
            self.fail("null_characters")
        user = find_user(data)
        if user is None:
            self.fail("does_not_exist", value=data[:150])
        return user


class VisibleInitiativeField(serializers.PrimaryKeyRelatedField):
    """An initiative id, limited to those the caller may see (others read as not found)."""

    def get_queryset(self):
        return selectors.visible_initiatives(self.context["request"].user)


class MissingItemSerializer(serializers.Serializer):
    step = serializers.IntegerField(help_text="Intake step (1–6) where the answer belongs.")
    field = serializers.CharField()
    label = serializers.CharField()


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Kept in the audit trail."
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you read (or send If-Match)."
    )


def _choice_list(choices, help_text: str):
    """A screening answer that lists choices; ["none"] answers "none of these"."""
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices.choices),
        required=False,
        max_length=len(choices.values),
        help_text=f'{help_text} ["none"] answers "none of these".',
    )


def _validate_choice_list(choices, values):
    problem = ai_act.validate_choice_list(choices, values)
    if problem:
        raise serializers.ValidationError(problem)
    return list(values)


class ScreeningAnswersMixin(serializers.Serializer):
    """The EU AI Act screening answers (intake step 6), as the initiative and IT's review
    take them."""

    ai_act_prohibited = _choice_list(ai_act.ProhibitedPractice, "Prohibited practices (Art. 5).")
    ai_act_annex_iii = _choice_list(ai_act.AnnexIII, "High-risk uses (Annex III).")
    ai_act_transparency = _choice_list(ai_act.Transparency, "Transparency cases (Art. 50).")

    def validate_ai_act_prohibited(self, values):
        return _validate_choice_list(ai_act.ProhibitedPractice, values)

    def validate_ai_act_annex_iii(self, values):
        return _validate_choice_list(ai_act.AnnexIII, values)

    def validate_ai_act_transparency(self, values):
        return _validate_choice_list(ai_act.Transparency, values)


class DutySerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    article = serializers.CharField()


class ClassificationSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=ai_act.AiActClass.choices, allow_blank=True, help_text="Empty: not screened."
    )
    label = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why, in words.")
    duties = DutySerializer(many=True, help_text="Deployer obligations a high-risk class adds.")


class ScreeningReviewSerializer(ScreeningAnswersMixin):
    """IT's review: corrected answers (those left out stay) and what IT checked."""

    ai_act_role = serializers.ChoiceField(choices=ai_act.AiActRole.choices, required=False)
    ai_act_annex_i = serializers.ChoiceField(choices=ai_act.AnnexI.choices, required=False)
    ai_act_third_party_assessment = serializers.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], allow_blank=True, required=False
    )
    ai_act_gpai = serializers.ChoiceField(choices=ai_act.GpaiUse.choices, required=False)
    note = serializers.CharField(max_length=4000, help_text="What IT checked.")
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you read (or send If-Match)."
    )


class RoleAcknowledgementSerializer(serializers.ModelSerializer):
    """Whether the person named in a role has confirmed it."""

    person = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RoleAcknowledgement
        fields = ["role", "person", "status", "reason", "named_at", "decided_at"]
        read_only_fields = fields


class AcknowledgeRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=NamedRole.choices, help_text="The role you confirm.")


class DeclineRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=NamedRole.choices, help_text="The role you decline.")
    reason = serializers.CharField(
        max_length=2000, help_text="Why you decline, so the sponsor can name someone else."
    )


class InitiativeSerializer(ScreeningAnswersMixin, serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True, help_text="e.g. AI-0042")
    sponsor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    co_sponsors = UsernameField(many=True, required=False)
    decision_owner = UsernameField(required=False, allow_null=True)
    accountable_person = UsernameField(required=False, allow_null=True)
    role_acknowledgements = RoleAcknowledgementSerializer(
        many=True,
        read_only=True,
        help_text="Whether the decision owner and accountable person confirmed their roles.",
    )
    data_assets = _section(DataAssetSerializer, "Data the AI will access.")
    integrations = _section(IntegrationSerializer, "Systems it integrates with.")
    vendors = _section(VendorSerializer, "Vendors under evaluation.")
    phase_at_it_involvement = serializers.ChoiceField(
        choices=Phase.choices,
        allow_blank=True,
        read_only=True,
        help_text="The phase when IT first saw it (empty until submitted).",
    )
    it_involved_early = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Whether IT was first involved before vendor selection and design.",
    )
    ai_act_classification = ClassificationSerializer(
        source="ai_act", read_only=True, help_text="Derived from the screening answers."
    )
    ai_act_class = serializers.ChoiceField(
        choices=ai_act.AiActClass.choices,
        allow_blank=True,
        read_only=True,
        help_text="Derived from the screening; empty until every question is answered.",
    )
    ai_act_reviewed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Increases with every saved change. Send the one you read on update "
        "(or the ETag as If-Match); a stale one is refused with 412.",
    )

    class Meta:
        model = Initiative
        fields = [
            "id",
            "reference",
            "title",
            "business_problem",
            "expected_value",
            "site",
            "business_unit",
            "phase",
            "target_decision_date",
            "confidential",
            "sponsor",
            "co_sponsors",
            "decision_owner",
            "output_actors",
            "accountable_person",
            "override_authority",
            "role_acknowledgements",
            "output_explanation",
            "operator_view",
            "override_logged",
            "data_assets",
            "allowed_actions",
            "forbidden_actions",
            "failure_fallback",
            "safety_critical",
            "regulated",
            "integrations",
            "sso_requirements",
            "new_platforms",
            "vendors",
            "maintained_by",
            "monitored_by",
            "update_process",
            "model_documentation",
            "drift_detection",
            *services.SCREENING_FIELDS,
            "ai_act_class",
            "ai_act_classification",
            "ai_act_reviewed_by",
            "ai_act_reviewed_at",
            "ai_act_review_note",
            "status",
            "risk_level",
            "submitted_at",
            "it_first_involved_at",
            "phase_at_it_involvement",
            "it_involved_early",
            "ready_for_build_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "ai_act_class",
            "ai_act_reviewed_at",
            "ai_act_review_note",
            "status",
            "risk_level",
            "submitted_at",
            "it_first_involved_at",
            "phase_at_it_involvement",
            "ready_for_build_at",
            "created_at",
            "updated_at",
        ]

    def validate_target_decision_date(self, value):
        current = self.instance.target_decision_date if self.instance else None
        problem = services.decision_date_problem(value, current)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_vendors(self, rows):
        names = [row["name"] for row in rows]
        if len(names) != len(set(names)):
            raise serializers.ValidationError(gettext("Each vendor may be listed once."))
        return rows


def _split(validated: dict) -> tuple[dict, dict]:
    """(model fields, section rows) from validated data; `version` is read from the request."""
    data = {k: v for k, v in validated.items() if k != "version"}
    sections = {name: data.pop(name) for name in list(data) if name in services.SECTION_MODELS}
    return data, sections


class InitiativeFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    phase = django_filters.MultipleChoiceFilter(choices=Phase.choices)
    risk_level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices)
    ai_act_class = django_filters.MultipleChoiceFilter(
        choices=ai_act.AiActClass.choices, help_text="EU AI Act classification."
    )
    sponsor = django_filters.CharFilter(
        field_name="sponsor__username", help_text="The sponsor's username."
    )
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    mine = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_mine",
        help_text="true: only the initiatives you sponsor or co-sponsor (My initiatives).",
    )

    class Meta:
        model = Initiative
        fields = ["status", "phase", "site", "business_unit", "confidential", "risk_level"]

    def filter_mine(self, queryset, name, value):
        if value != "true":
            return queryset
        return queryset.filter(selectors.sponsored_by(self.request.user))


def _fresh(viewset, pk: int, status: int = 200) -> Response:
    initiative = viewset.get_queryset().get(pk=pk)
    return with_etag(
        Response(viewset.get_serializer(initiative).data, status=status), initiative.version
    )


class SimilarQuerySerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    problem = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False)
    initiative = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class OverlapSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="initiative.pk")
    reference = serializers.CharField(source="initiative.reference")
    title = serializers.CharField(source="initiative.title")
    site = serializers.CharField(source="initiative.site.name", default=None, allow_null=True)
    status = serializers.CharField(source="initiative.get_status_display")
    sponsor = serializers.CharField(source="initiative.sponsor.get_full_name")
    url = serializers.CharField(source="initiative.get_absolute_url")
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


@extend_schema_view(
    list=extend_schema(summary="Initiatives you may see (filter, search, order, paginate)"),
    retrieve=extend_schema(summary="One initiative with its sections; ETag = its version"),
    create=extend_schema(summary="Register a draft initiative (business sponsors)"),
    update=extend_schema(summary="Replace a draft's answers (needs If-Match or version)"),
    partial_update=extend_schema(summary="Change some of a draft's answers (If-Match/version)"),
)
class InitiativeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """AI initiatives the caller may see, with their sections (data, integrations, vendors)."""

    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    ordering_fields = [
        "id",
        "title",
        "status",
        "phase",
        "target_decision_date",
        "submitted_at",
        "created_at",
        "updated_at",
    ]
    ordering = ["-updated_at", "-id"]
    search_fields = ["title", "business_problem"]
    lookup_value_regex = r"[0-9]+"
    versioned = True

    def get_queryset(self):
        return (
            selectors.visible_initiatives(self.request.user)
            .prefetch_related(
                "co_sponsors",
                "data_assets",
                "integrations",
                "vendors",
                Prefetch(
                    "role_acknowledgements",
                    queryset=RoleAcknowledgement.objects.select_related("person"),
                ),
            )
            .select_related("decision_owner", "accountable_person")
        )

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            # The same answer for a hidden initiative and a missing one.
            raise Http404("No such initiative.") from None

    def retrieve(self, request, *args, **kwargs):
        initiative = self.get_object()
        return with_etag(Response(self.get_serializer(initiative).data), initiative.version)

    def create(self, request, *args, **kwargs):
        if not permissions.can_register(request.user):
            raise PermissionDenied(gettext("Only business sponsors register initiatives."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields, sections = _split(serializer.validated_data)
        with transaction.atomic():
            initiative, _ = services.create_initiative(
                sponsor=request.user, fields=fields, source="api"
            )
            if sections:
                services.update_initiative(
                    initiative=initiative,
                    user=request.user,
                    fields={},
                    expected_version=None,
                    sections=sections,
                    source="api",
                )
        return _fresh(self, initiative.pk, status=201)

    def update(self, request, *args, **kwargs):
        initiative = self.get_object()
        if not permissions.can_edit(request.user, initiative):
            if initiative.status != Status.DRAFT and permissions.can_manage(
                request.user, initiative
            ):
                raise PermissionDenied(
                    gettext("Only drafts can be edited. Reopen it for editing first.")
                )
            raise PermissionDenied(
                gettext("Only the sponsor and co-sponsors edit, and only drafts.")
            )
        version = require_version(request)
        serializer = self.get_serializer(
            initiative, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        fields, sections = _split(serializer.validated_data)
        services.update_initiative(
            initiative=initiative,
            user=request.user,
            fields=fields,
            expected_version=version,
            sections=sections,
            source="api",
        )
        return _fresh(self, initiative.pk)

    @extend_schema(
        summary="What a draft still lacks before it can be submitted",
        responses=MissingItemSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def missing(self, request, pk=None):
        initiative = self.get_object()
        items = services.missing_for_submission(initiative)
        return Response(MissingItemSerializer(items, many=True).data)

    @extend_schema(
        summary="Initiatives like the one being described (overlap detection)",
        parameters=[SimilarQuerySerializer],
        responses=OverlapSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def similar(self, request):
        """Initiatives the caller may see that look like the idea being described: a similar
        problem (title and problem text), the same registered system or vendor; the same site
        ranks higher. `initiative` adds a saved initiative's systems and vendors and leaves it
        out. Never an initiative the caller may not see."""
        query = SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        base = None
        if data.get("initiative"):
            base = (
                self.get_queryset()
                .prefetch_related("integrations", "vendors")
                .filter(pk=data["initiative"])
                .first()
            )
            if base is None:
                # A query parameter naming no initiative the caller sees: the same 400 whether
                # it does not exist or is hidden.
                raise serializers.ValidationError({"initiative": [gettext("No such initiative.")]})
        overrides = {
            "title": data.get("title") or None,
            "problem": data.get("problem") or None,
            "site_id": data["site"].pk if data.get("site") else None,
        }
        if base is not None:
            description = overlaps.Description.of(base, **overrides)
        else:
            description = overlaps.Description(
                title=data.get("title", ""),
                problem=data.get("problem", ""),
                site_id=overrides["site_id"],
            )
        found = overlaps.similar_initiatives(request.user, description)
        return Response(OverlapSerializer(found, many=True).data)

    def _transition(self, request, to_status: str) -> Response:
        initiative = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.transition_initiative(
            initiative=initiative,
            user=request.user,
            to_status=to_status,
            reason=body.validated_data.get("reason", ""),
            expected_version=expected_version(request),
            source="api",
        )
        return _fresh(self, initiative.pk)

    @extend_schema(
        summary="IT reviews the EU AI Act screening: confirms or corrects it",
        request=ScreeningReviewSerializer,
        responses=InitiativeSerializer,
    )
    @action(detail=True, methods=["post"], url_path="review-screening", filter_backends=[])
    def review_screening(self, request, pk=None):
        """Assigned reviewers and IT leads; 400 names a bad answer, 412 a stale version."""
        initiative = self.get_object()
        body = ScreeningReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        note = data.pop("note")
        data.pop("version", None)
        services.review_screening(
            initiative=initiative,
            user=request.user,
            answers=data,
            note=note,
            expected_version=expected_version(request),
            source="api",
        )
        return _fresh(self, initiative.pk)

    @extend_schema(
        summary="Submit a complete draft to IT (draft → submitted)",
        request=TransitionSerializer,
        responses=InitiativeSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        """400 with `errors` naming each missing answer; 409 if it is not a draft."""
        return self._transition(request, Status.SUBMITTED)

    @extend_schema(
        summary="Withdraw the initiative (sponsor side)",
        request=TransitionSerializer,
        responses=InitiativeSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        return self._transition(request, Status.WITHDRAWN)

    @extend_schema(
        summary="Back to draft so the sponsor can change answers",
        request=TransitionSerializer,
        responses=InitiativeSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request, pk=None):
        return self._transition(request, Status.DRAFT)

    @extend_schema(
        summary="Confirm the role you are named in (decision owner or accountable person)",
        request=AcknowledgeRoleSerializer,
        responses=InitiativeSerializer,
    )
    @action(detail=True, methods=["post"], url_path="acknowledge-role", filter_backends=[])
    def acknowledge_role(self, request, pk=None):
        """Only the person named; 403 for anyone else, 409 on a withdrawn initiative."""
        initiative = self.get_object()
        body = AcknowledgeRoleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.acknowledge_role(
            initiative=initiative, role=body.validated_data["role"], user=request.user, source="api"
        )
        return _fresh(self, initiative.pk)

    @extend_schema(
        summary="Decline the role you are named in, with a reason",
        request=DeclineRoleSerializer,
        responses=InitiativeSerializer,
    )
    @action(detail=True, methods=["post"], url_path="decline-role", filter_backends=[])
    def decline_role(self, request, pk=None):
        """Only the person named; 400 without a reason, 403 for anyone else."""
        initiative = self.get_object()
        body = DeclineRoleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decline_role(
            initiative=initiative,
            role=body.validated_data["role"],
            user=request.user,
            reason=body.validated_data["reason"],
            source="api",
        )
        return _fresh(self, initiative.pk)


# ---- the plant system map: integrations, acknowledgements, a system's usage ----------------


class IntegrationRowSerializer(serializers.ModelSerializer):
    """An integration as the system map reads it."""

    initiative_reference = serializers.CharField(source="initiative.reference", read_only=True)
    mapped = serializers.BooleanField(source="is_mapped", read_only=True)
    owner_acknowledged_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = IntegrationPoint
        fields = [
            "id",
            "initiative",
            "initiative_reference",
            "system",
            "system_type",
            "name",
            "purpose",
            "vendor",
            "connector",
            "mapped",
            "owner_acknowledged_by",
            "owner_acknowledged_at",
        ]
        read_only_fields = fields


class MapIntegrationSerializer(serializers.Serializer):
    system = serializers.PrimaryKeyRelatedField(queryset=EnterpriseSystem.objects.all())


class IntegrationFilter(django_filters.FilterSet):
    mapped = django_filters.BooleanFilter(
        field_name="system", lookup_expr="isnull", exclude=True, label="Mapped to a system"
    )

    class Meta:
        model = IntegrationPoint
        fields = ["initiative", "system", "purpose"]


class IntegrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The integrations of the initiatives the caller may see. `?mapped=false` lists the ones
    named in free text, for IT to map; the system's IT owner acknowledges an integration."""

    serializer_class = IntegrationRowSerializer
    filterset_class = IntegrationFilter

    def get_queryset(self):
        qs = IntegrationPoint.objects.select_related("initiative", "owner_acknowledged_by")
        return permissions.restrict_to_visible(
            self.request.user, qs, prefix="initiative__"
        ).order_by("id")

    @extend_schema(request=None, responses=IntegrationRowSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The system's IT owner acknowledges the integration (403 for anyone else)."""
        integration = integrations.acknowledge_integration(
            integration=self.get_object(), user=request.user, source="api"
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=integration.pk)).data)

    @extend_schema(request=MapIntegrationSerializer, responses=IntegrationRowSerializer)
    @action(detail=True, methods=["post"], url_path="map")
    def map_to_system(self, request, pk=None):
        """An IT lead maps the integration to a registered system (403 for others)."""
        integration = self.get_object()
        body = MapIntegrationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        integration = integrations.map_integration(
            integration=integration,
            system=body.validated_data["system"],
            user=request.user,
            source="api",
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=integration.pk)).data)


class SprawlFlagSerializer(serializers.Serializer):
    purpose = serializers.CharField()
    what = serializers.ChoiceField(choices=["vendors", "connectors"])
    names = serializers.ListField(child=serializers.CharField())


class SystemUsageSerializer(serializers.Serializer):
    system = serializers.IntegerField(source="system.pk")
    integrations = IntegrationRowSerializer(many=True)
    vendors = serializers.ListField(child=serializers.CharField())
    connectors = serializers.ListField(child=serializers.CharField())
    sprawl = SprawlFlagSerializer(many=True)
    unacknowledged = serializers.SerializerMethodField()

    def get_unacknowledged(self, usage) -> list[int]:
        """Ids of integrations with this high-criticality system its owner has not
        acknowledged."""
        return [i.pk for i in usage.unacknowledged]


class SystemUsageViewSet(viewsets.GenericViewSet):
    """Per registered system: the initiatives (integrations), vendors and connectors touching
    it that the caller may see, and its sprawl flags."""

    serializer_class = SystemUsageSerializer
    queryset = EnterpriseSystem.objects.none()

    def get_queryset(self):
        return landscape_selectors.systems()

    def retrieve(self, request, pk=None):
        system = self.get_object()
        return Response(SystemUsageSerializer(selectors.system_usage(request.user, system)).data)
