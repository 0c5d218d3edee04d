"""Conversation threads: comments on an initiative, one of its design inputs or one of its
concern assessments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext


class Comment(models.Model):
    """One comment. Its thread is the initiative alone, or the initiative plus a design input
    or an assessment; the initiative is always set, so visibility is the initiative's."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="comments"
    )
    design_input = models.ForeignKey(
        "reviews.DesignInput",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    assessment = models.ForeignKey(
        "reviews.ConcernAssessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Markdown as written; rendered and sanitised when shown (`rendering.render`).
    body = models.TextField(max_length=4000)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["initiative", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(design_input__isnull=True) | Q(assessment__isnull=True),
                name="comment_on_one_thread",
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.initiative_id}"

    @property
    def thread_label(self) -> str:
        if self.design_input_id:
            return gettext("design input “%(title)s”") % {"title": self.design_input.title}
        if self.assessment_id:
            return gettext("%(area)s assessment") % {"area": self.assessment.get_area_display()}
        return gettext("the initiative")

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"
