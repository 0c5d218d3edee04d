"""Admin views of the IT review. Tracked state (statuses, scores, owners) is read-only here:
changes go through the portal's services so they are checked and audited."""

from django.contrib import admin

from .models import (
    AssessmentScoreChange,
    ChecklistQuestion,
    ComponentOwnership,
    ConcernAssessment,
    DesignInput,
    EvaluationCriterion,
    ReviewAssignment,
    VendorScore,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChecklistQuestion)
class ChecklistQuestionAdmin(ReadOnlyAdmin):
    list_display = ("area", "position", "text", "active")
    list_filter = ("area", "active")
    search_fields = ("text",)


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("initiative", "reviewer", "concern_area", "assigned_by", "assigned_at")
    list_filter = ("concern_area",)


@admin.register(ConcernAssessment)
class ConcernAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("initiative", "area", "status", "score", "reviewer", "readiness")
    list_filter = ("area", "status")


@admin.register(AssessmentScoreChange)
class AssessmentScoreChangeAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "at", "changed_by", "from_score", "to_score", "to_status")


@admin.register(DesignInput)
class DesignInputAdmin(ReadOnlyAdmin):
    list_display = ("title", "initiative", "area", "severity", "status", "owner", "created_at")
    list_filter = ("status", "severity", "area")
    search_fields = ("title", "description")


@admin.register(EvaluationCriterion)
class EvaluationCriterionAdmin(ReadOnlyAdmin):
    list_display = ("initiative", "name", "weight")


@admin.register(VendorScore)
class VendorScoreAdmin(ReadOnlyAdmin):
    list_display = ("criterion", "vendor", "score", "scored_by", "scored_at")


@admin.register(ComponentOwnership)
class ComponentOwnershipAdmin(ReadOnlyAdmin):
    list_display = ("integration", "owner", "assigned_by", "updated_at")
