"""Writing comments: every comment and every edit is an audit event (which also tells the
mentioned people and the followers, through `governance.notifications`)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import record_event
from core.access import restrict_to_visible
from core.errors import FieldRuleError, StaleEdit
from initiatives.models import Initiative
from initiatives.permissions import viewers
from reviews.models import ConcernAssessment, DesignInput

from .models import Comment
from .rendering import mentioned_usernames

# An author may correct a comment this long after writing it; the edit is shown as such.
EDIT_WINDOW = timedelta(minutes=15)
MAX_LENGTH = 4000


def _may_see(user, initiative: Initiative) -> bool:
    return restrict_to_visible(user, Initiative.objects.filter(pk=initiative.pk)).exists()


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise FieldRuleError("body", gettext("Write something first."))
    if len(body) > MAX_LENGTH:
        raise FieldRuleError(
            "body", gettext("At most %(MAX_LENGTH)s characters.") % {"MAX_LENGTH": MAX_LENGTH}
        )
    return body


def _mentions(initiative: Initiative, body: str) -> list:
    """The mentioned people who may see the initiative; other @words stay plain text."""
    names = mentioned_usernames(body)
    if not names:
        return []
    return list(viewers(initiative).filter(username__in=names))


def add_comment(
    *,
    initiative: Initiative,
    user,
    body: str,
    design_input: DesignInput | None = None,
    assessment: ConcernAssessment | None = None,
    source: str | None = None,
) -> Comment:
    """Add a comment to the thread of an initiative, one of its design inputs or one of its
    assessments. Whoever sees the initiative may take part."""
    if not _may_see(user, initiative):
        raise PermissionDenied(gettext("You may not see this initiative."))
    if design_input is not None and design_input.initiative_id != initiative.pk:
        raise FieldRuleError(
            "design_input", gettext("That design input belongs to another initiative.")
        )
    if assessment is not None and assessment.initiative_id != initiative.pk:
        raise FieldRuleError(
            "assessment", gettext("That assessment belongs to another initiative.")
        )
    if design_input is not None and assessment is not None:
        raise FieldRuleError("assessment", gettext("A comment belongs to one thread."))
    body = _clean_body(body)
    with transaction.atomic():
        comment = Comment.objects.create(
            initiative=initiative,
            design_input=design_input,
            assessment=assessment,
            author=user,
            body=body,
        )
        mentioned = _mentions(initiative, body)
        comment.mentions.set(mentioned)
        record_event(
            actor=user,
            action="comment.added",
            obj=comment,
            initiative=initiative,
            changes={
                "body": body,
                "thread": comment.thread_label,
                "mentions": sorted(u.username for u in mentioned),
            },
            source=source,
        )
    return comment


def edit_comment(
    *,
    comment: Comment,
    user,
    body: str,
    expected_version: int | None = None,
    source: str | None = None,
) -> Comment:
    """The author corrects a comment within `EDIT_WINDOW`; it shows as edited."""
    body = _clean_body(body)
    with transaction.atomic():
        locked = Comment.objects.select_for_update(no_key=True).get(pk=comment.pk)
        if locked.author_id != user.pk or not _may_see(user, locked.initiative):
            raise PermissionDenied(gettext("Only its author edits a comment."))
        if timezone.now() - locked.created_at > EDIT_WINDOW:
            raise FieldRuleError(
                "body",
                gettext("Comments can be edited for %(value)s minutes.")
                % {"value": EDIT_WINDOW.seconds // 60},
            )
        if expected_version is not None and expected_version != locked.version:
            raise StaleEdit(
                gettext("The comment was edited since you opened it: reload to see it.")
            )
        before = locked.body
        if before == body:
            return locked
        locked.body = body
        locked.edited_at = timezone.now()
        locked.version = F("version") + 1
        locked.save(update_fields=["body", "edited_at", "version"])
        locked.refresh_from_db()
        known = set(locked.mentions.values_list("pk", flat=True))
        mentioned = _mentions(locked.initiative, body)
        locked.mentions.set(mentioned)
        record_event(
            actor=user,
            action="comment.edited",
            obj=locked,
            initiative=locked.initiative,
            changes={
                "body": [before, body],
                # Only people newly mentioned by the edit are told.
                "mentions": sorted(u.username for u in mentioned if u.pk not in known),
            },
            source=source,
        )
    return locked
