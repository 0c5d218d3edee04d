"""REST API of the IT review. Every write goes through reviews.services, as the pages do."""

import django_filters
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from harmony_portal.api import MAX_ID, ErrorSerializer, expected_version, with_etag
from harmony_portal.query_params import parse_id
from initiatives.api import UsernameField
from initiatives.models import Initiative, IntegrationPoint, Phase, Status, VendorCandidate
from initiatives.permissions import prime_object_perms
from initiatives.selectors import visible_initiatives

from . import selectors, services
from .models import (
    AssessmentScoreChange,
    ChecklistAnswer,
    ComponentDecision,
    ComponentOwnership,
    ConcernArea,
    ConcernAssessment,
    DesignInput,
    EvaluationCriterion,
    ReviewAssignment,
    VendorScore,
)


def _visible_initiative(user, pk, *, in_path: bool = False) -> Initiative:
    """The initiative if the user may see it; 404 otherwise (no leak of confidential work).

    An id that is not a number is a 400 on `initiative` when the client sent it as a field,
    and a 404 when it is part of the path (no such resource, like every other viewset).
    """
    number = parse_id(pk)
    if number is None:
        if in_path:
            raise Http404("No such initiative.")
        raise serializers.ValidationError({"initiative": ["A valid initiative id is required."]})
    initiative = visible_initiatives(user).filter(pk=number).first()
    if initiative is None:
        raise Http404("No such initiative.")
    return initiative


def _body(request) -> dict:
    """The request body when it is an object; a JSON list or scalar reads as empty."""
    return request.data if isinstance(request.data, dict) else {}


INITIATIVE_PATH = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="The initiative's id."
)


class InitiativeField(serializers.PrimaryKeyRelatedField):
    """An initiative id, limited to those the caller may see."""

    def get_queryset(self):
        return visible_initiatives(self.context["request"].user)


# ---------------------------------------------------------------- assignments


class AssignmentSerializer(serializers.ModelSerializer):
    initiative = InitiativeField()
    reviewer = UsernameField()
    assigned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    concern_area = serializers.ChoiceField(
        choices=ConcernArea.choices, allow_blank=True, required=False, default=""
    )

    class Meta:
        model = ReviewAssignment
        fields = ["id", "initiative", "reviewer", "concern_area", "assigned_by", "assigned_at"]
        read_only_fields = ["id", "assigned_by", "assigned_at"]
        validators = []  # the service reports duplicates with a clear message


class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Reviewers assigned to initiatives. Only IT leads assign and unassign."""

    serializer_class = AssignmentSerializer
    filterset_fields = ["initiative", "reviewer", "concern_area"]

    def get_queryset(self):
        qs = ReviewAssignment.objects.select_related("initiative", "reviewer", "assigned_by")
        from initiatives.permissions import restrict_to_visible

        return restrict_to_visible(self.request.user, qs, prefix="initiative__").order_by("id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.assign_reviewer(
            initiative=data["initiative"],
            reviewer=data["reviewer"],
            concern_area=data.get("concern_area", ""),
            user=self.request.user,
            source="api",
        )

    def perform_destroy(self, instance):
        services.unassign_reviewer(assignment=instance, user=self.request.user, source="api")


# ---------------------------------------------------------------- assessments


class ScoreChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AssessmentScoreChange
        fields = ["at", "changed_by", "from_score", "to_score", "from_status", "to_status", "note"]


class AnswerSerializer(serializers.ModelSerializer):
    question_text = serializers.CharField(source="question.text", read_only=True)

    class Meta:
        model = ChecklistAnswer
        fields = ["question", "question_text", "answer"]


class AssessmentSerializer(serializers.ModelSerializer):
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    score = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    answers = AnswerSerializer(many=True, read_only=True)
    answers_input = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000),
        write_only=True,
        required=False,
        help_text="{question id: answer}",
    )
    version = serializers.IntegerField(required=False)

    class Meta:
        model = ConcernAssessment
        fields = [
            "id",
            "initiative",
            "area",
            "status",
            "score",
            "reviewer",
            "rationale",
            "readiness",
            "answers",
            "answers_input",
            "updated_at",
            "version",
        ]
        read_only_fields = ["id", "initiative", "area", "readiness", "updated_at"]

    def validate_answers_input(self, value):
        out = {}
        for key, text in value.items():
            question = parse_id(key)
            if question is None:
                raise serializers.ValidationError(f"“{key}” is not a question id.")
            out[question] = text
        return out


class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The six concern assessments per initiative. Reviewers update score, status, rationale
    and checklist answers (send the version read: If-Match or `version`)."""

    serializer_class = AssessmentSerializer
    filterset_fields = ["initiative", "area", "status", "reviewer"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return (
            selectors.visible_assessments(self.request.user)
            .prefetch_related("answers__question")
            .order_by("initiative_id", "area")
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        return with_etag(response, response.data["version"])

    def update(self, request, *args, **kwargs):
        assessment = self.get_object()
        serializer = self.get_serializer(assessment, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        updated = services.update_assessment(
            assessment=assessment,
            user=request.user,
            score=data.get("score", assessment.score),
            status=data.get("status"),
            rationale=data.get("rationale"),
            answers=data.get("answers_input"),
            expected_version=expected_version(request),
            source="api",
        )
        fresh = self.get_queryset().get(pk=updated.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    @extend_schema(responses=ScoreChangeSerializer(many=True))
    # A plain list (not paginated): the schema must not describe a page either.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        """Every change of score and status, oldest first."""
        assessment = self.get_object()
        rows = assessment.score_history.select_related("changed_by")
        return Response(ScoreChangeSerializer(rows, many=True).data)


# ---------------------------------------------------------------- design inputs


class DesignInputSerializer(serializers.ModelSerializer):
    initiative = InitiativeField()
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
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Findings as design inputs. Lifecycle moves are POST actions: propose, incorporate,
    confirm, accept_risk, withdraw, reopen (409 when the state does not allow it)."""

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

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        return with_etag(response, response.data["version"])

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.raise_design_input(
            user=self.request.user, source="api", **data
        )

    def update(self, request, *args, **kwargs):
        design_input = self.get_object()
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
            expected_version=expected_version(request),
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

    @extend_schema(request=DesignInputActionSerializer, responses=DesignInputSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Propose a solution (sponsor side, owner or IT); `text` is the solution."""
        return self._transition(request, services.DesignInputAction.PROPOSE)

    @extend_schema(request=DesignInputActionSerializer, responses=DesignInputSerializer)
    @action(detail=True, methods=["post"])
    def incorporate(self, request, pk=None):
        """Sponsor side or owner: incorporated into the design; `text` says what changed."""
        return self._transition(request, services.DesignInputAction.INCORPORATE)

    @extend_schema(request=DesignInputActionSerializer, responses=DesignInputSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """IT confirms the incorporation."""
        return self._transition(request, services.DesignInputAction.CONFIRM)

    @extend_schema(request=DesignInputActionSerializer, responses=DesignInputSerializer)
    @action(detail=True, methods=["post"], url_path="accept-risk")
    def accept_risk(self, request, pk=None):
        """Accept the risk: `accepted_by` (default: you) must be an IT lead, an executive or
        the accountable person; `text` is the reason."""
        return self._transition(request, services.DesignInputAction.ACCEPT_RISK)

    @extend_schema(request=DesignInputActionSerializer, responses=DesignInputSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """IT withdraws the design input; `text` is the reason."""
        return self._transition(request, services.DesignInputAction.WITHDRAW)

    @extend_schema(request=DesignInputActionSerializer, responses=DesignInputSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """IT re-opens a closed design input; `text` is the reason."""
        return self._transition(request, services.DesignInputAction.REOPEN)


# ---------------------------------------------------------------- vendor evaluation


class CriterionSerializer(serializers.ModelSerializer):
    initiative = InitiativeField()
    weight = serializers.IntegerField(min_value=1, max_value=10)

    class Meta:
        model = EvaluationCriterion
        fields = ["id", "initiative", "name", "description", "weight", "position"]
        read_only_fields = ["id", "position"]
        validators = []


class CriterionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Vendor evaluation criteria with weights (1–10), defined by IT per initiative."""

    serializer_class = CriterionSerializer
    filterset_fields = ["initiative"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        from initiatives.permissions import restrict_to_visible

        qs = EvaluationCriterion.objects.select_related("initiative")
        return restrict_to_visible(self.request.user, qs, prefix="initiative__")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.save_criterion(
            initiative=data["initiative"],
            user=self.request.user,
            name=data["name"],
            weight=data["weight"],
            description=data.get("description", ""),
            source="api",
        )

    def perform_update(self, serializer):
        criterion = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.save_criterion(
            initiative=criterion.initiative,
            user=self.request.user,
            name=data.get("name", criterion.name),
            weight=data.get("weight", criterion.weight),
            description=data.get("description", criterion.description),
            criterion=criterion,
            source="api",
        )

    def perform_destroy(self, instance):
        services.delete_criterion(criterion=instance, user=self.request.user, source="api")

    @extend_schema(
        request=None,
        responses={
            200: CriterionSerializer(many=True),
            404: OpenApiResponse(ErrorSerializer, description="No initiative you may see."),
        },
        parameters=[OpenApiParameter("initiative", int, required=True)],
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def defaults(self, request):
        """Add the standard criteria (security, integration, SSO, portability, viability)."""
        initiative = _visible_initiative(
            request.user, request.query_params.get("initiative") or _body(request).get("initiative")
        )
        services.add_default_criteria(initiative=initiative, user=request.user, source="api")
        rows = self.get_queryset().filter(initiative=initiative)
        return Response(self.get_serializer(rows, many=True).data, status=status.HTTP_200_OK)


class VendorScoreSerializer(serializers.ModelSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    scored_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = VendorScore
        fields = ["id", "criterion", "vendor", "score", "note", "scored_by", "scored_at"]
        read_only_fields = ["id", "scored_by", "scored_at"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        from initiatives.permissions import restrict_to_visible

        user = self.context["request"].user
        fields["criterion"].queryset = restrict_to_visible(
            user, EvaluationCriterion.objects.all(), prefix="initiative__"
        )
        fields["vendor"].queryset = restrict_to_visible(
            user, VendorCandidate.objects.all(), prefix="initiative__"
        )
        return fields


class VendorScoreViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """IT's scores per vendor and criterion. POST sets (or changes) one score."""

    serializer_class = VendorScoreSerializer
    filterset_fields = ["criterion", "vendor", "criterion__initiative"]

    def get_queryset(self):
        from initiatives.permissions import restrict_to_visible

        qs = VendorScore.objects.select_related("criterion", "vendor", "scored_by")
        return restrict_to_visible(self.request.user, qs, prefix="criterion__initiative__")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.score_vendor(
            criterion=data["criterion"],
            vendor=data["vendor"],
            user=self.request.user,
            score=data["score"],
            note=data.get("note", ""),
            source="api",
        )


class RankedVendorSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    vendor = serializers.IntegerField(source="vendor.pk")
    name = serializers.CharField(source="vendor.name")
    weighted_score = serializers.DecimalField(
        source="weighted", max_digits=4, decimal_places=2, allow_null=True
    )
    complete = serializers.BooleanField()
    scores = serializers.SerializerMethodField()

    def get_scores(self, row) -> list[int | None]:
        return [s.score if s else None for s in row.scores]


class ComparisonSerializer(serializers.Serializer):
    criteria = CriterionSerializer(many=True)
    vendors = RankedVendorSerializer(many=True)


class VendorComparisonViewSet(viewsets.ViewSet):
    """Side-by-side vendor comparison of one initiative, ranked by weighted score."""

    @extend_schema(responses=ComparisonSerializer, parameters=[INITIATIVE_PATH])
    def retrieve(self, request, pk=None):
        initiative = _visible_initiative(request.user, pk, in_path=True)
        criteria, rows = selectors.vendor_comparison(initiative)
        return Response(
            {
                "criteria": CriterionSerializer(
                    criteria, many=True, context={"request": request}
                ).data,
                "vendors": RankedVendorSerializer(rows, many=True).data,
            }
        )


# ---------------------------------------------------------------- architecture ownership


class ComponentDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ComponentDecision
        fields = ["id", "text", "decided_by", "decided_at"]
        read_only_fields = ["id", "decided_by", "decided_at"]


class ComponentSerializer(serializers.ModelSerializer):
    owner = UsernameField()
    assigned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decisions = ComponentDecisionSerializer(many=True, read_only=True)
    initiative = serializers.IntegerField(source="integration.initiative_id", read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = ComponentOwnership
        fields = [
            "id",
            "integration",
            "initiative",
            "owner",
            "design_notes",
            "assigned_by",
            "assigned_at",
            "updated_at",
            "decisions",
            "version",
        ]
        read_only_fields = ["id", "assigned_by", "assigned_at", "updated_at"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        from initiatives.permissions import restrict_to_visible

        fields["integration"].queryset = restrict_to_visible(
            self.context["request"].user, IntegrationPoint.objects.all(), prefix="initiative__"
        )
        return fields


class ComponentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Integration components with an IT owner (design authority), notes and decisions.
    POST assigns (or re-assigns) the owner (IT leads); PATCH changes owner or notes."""

    serializer_class = ComponentSerializer
    filterset_fields = ["integration", "owner", "integration__initiative"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        from initiatives.permissions import restrict_to_visible

        qs = ComponentOwnership.objects.select_related(
            "integration", "owner", "assigned_by"
        ).prefetch_related("decisions__decided_by")
        return restrict_to_visible(
            self.request.user, qs, prefix="integration__initiative__"
        ).order_by("id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        component = services.assign_component_owner(
            integration=data["integration"],
            owner=data["owner"],
            user=self.request.user,
            source="api",
        )
        if data.get("design_notes"):
            component = services.update_component_notes(
                component=component,
                user=self.request.user,
                design_notes=data["design_notes"],
                source="api",
            )
        serializer.instance = component

    def update(self, request, *args, **kwargs):
        component = self.get_object()
        serializer = self.get_serializer(component, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "owner" in data:
            component = services.assign_component_owner(
                integration=component.integration,
                owner=data["owner"],
                user=request.user,
                source="api",
            )
        if "design_notes" in data:
            component = services.update_component_notes(
                component=component,
                user=request.user,
                design_notes=data["design_notes"],
                expected_version=expected_version(request),
                source="api",
            )
        fresh = self.get_queryset().get(pk=component.pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    @extend_schema(request=ComponentDecisionSerializer, responses=ComponentDecisionSerializer)
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        """Record a design decision (the owner or an IT lead)."""
        component = self.get_object()
        body = ComponentDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = services.add_component_decision(
            component=component,
            user=request.user,
            text=body.validated_data["text"],
            source="api",
        )
        return Response(ComponentDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- ready for build


class BlockerSerializer(serializers.ModelSerializer):
    class Meta:
        model = DesignInput
        fields = ["id", "title", "area", "severity", "status", "confirmed_at"]


class ReadyForBuildSerializer(serializers.Serializer):
    initiative = serializers.IntegerField()
    status = serializers.CharField()
    blockers = BlockerSerializer(many=True)


class ReadyForBuildViewSet(viewsets.ViewSet):
    """GET: the high-severity design inputs that block "ready for build". POST: mark the
    initiative ready for build (IT; 400 naming the blockers while any remain)."""

    def _answer(self, initiative):
        return Response(
            {
                "initiative": initiative.pk,
                "status": initiative.status,
                "blockers": BlockerSerializer(
                    selectors.blocking_design_inputs(initiative), many=True
                ).data,
            }
        )

    @extend_schema(responses=ReadyForBuildSerializer, parameters=[INITIATIVE_PATH])
    def retrieve(self, request, pk=None):
        return self._answer(_visible_initiative(request.user, pk, in_path=True))

    @extend_schema(request=None, responses=ReadyForBuildSerializer, parameters=[INITIATIVE_PATH])
    def update(self, request, pk=None):
        from initiatives.services import transition_initiative

        initiative = _visible_initiative(request.user, pk, in_path=True)
        initiative = transition_initiative(
            initiative=initiative,
            user=request.user,
            to_status=Status.READY_FOR_BUILD,
            reason=str(_body(request).get("reason", ""))[:500],
            source="api",
        )
        return self._answer(initiative)


# ---------------------------------------------------------------- queue


class QueueRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    phase = serializers.CharField()
    site = serializers.CharField(source="site.name", default=None, allow_null=True)
    safety_critical = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    open_inputs = serializers.IntegerField(allow_null=True)
    open_high_inputs = serializers.IntegerField(allow_null=True)


class QueueQuerySerializer(serializers.Serializer):
    """The review queue's query parameters; a value that is not valid is a 400 naming it."""

    tab = serializers.ChoiceField(choices=selectors.QUEUE_TABS, default="all")
    site = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    concern = serializers.ChoiceField(choices=ConcernArea.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)

    def validate_status(self, value: str) -> str:
        if value not in (Status.SUBMITTED, Status.IN_REVIEW):
            raise serializers.ValidationError("The queue holds submitted and in-review work only.")
        return value


class ReviewQueueViewSet(viewsets.GenericViewSet):
    """The caller's review queue: tab=new|waiting_it|waiting_sponsor|all, with counts."""

    serializer_class = QueueRowSerializer
    queryset = Initiative.objects.none()  # for the schema; list() reads through the selector

    @extend_schema(parameters=[QueueQuerySerializer])
    def list(self, request):
        query = QueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows, counts, _ = selectors.review_queue(
            request.user,
            tab=params["tab"],
            filters=selectors.QueueFilters(
                site=params.get("site"),
                phase=params.get("phase", ""),
                concern=params.get("concern", ""),
                status=params.get("status", ""),
            ),
        )
        page = self.paginate_queryset(rows)
        data = QueueRowSerializer(page, many=True).data
        response = self.get_paginated_response(data)
        response.data["counts"] = counts
        return response
