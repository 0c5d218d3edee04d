"""Who hears of a comment: the people it @mentions (always), and the thread's people — its
earlier authors, the design input's owner and raiser, the assessment's reviewer, the sponsor
— plus the initiative's followers."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext

from audit.models import AuditEvent
from governance.notifications.events import Message, register
from governance.notifications.models import EventKind

from .models import Comment


def _comment(event: AuditEvent) -> Comment | None:
    return (
        Comment.objects.filter(pk=event.object_id)
        .select_related("initiative", "design_input", "assessment", "author")
        .first()
    )


def _link(comment: Comment) -> str:
    if comment.design_input_id:
        url = reverse("reviews:design_input", args=[comment.design_input_id])
        return f"{url}#{comment.anchor}"
    if comment.assessment_id:
        return f"{reverse('reviews:assessment', args=[comment.assessment_id])}#{comment.anchor}"
    return f"{comment.initiative.get_absolute_url()}#{comment.anchor}"


def _author(comment: Comment) -> str:
    return comment.author.get_full_name() or comment.author.username


def _mentioned(event: AuditEvent) -> Message | None:
    names = (event.changes or {}).get("mentions") or []
    comment = _comment(event) if names else None
    if comment is None:
        return None
    ids = set(get_user_model().objects.filter(username__in=names).values_list("pk", flat=True))
    return Message(
        kind=EventKind.MENTIONED,
        recipients=ids,
        title=gettext("%(author)s mentioned you on %(thread)s of %(reference)s")
        % {
            "author": _author(comment),
            "thread": comment.thread_label,
            "reference": comment.initiative.reference,
        },
        text=comment.body[:1000],
        link=_link(comment),
        followers=False,
    )


def _commented(event: AuditEvent) -> Message | None:
    comment = _comment(event)
    if comment is None:
        return None
    initiative = comment.initiative
    same_thread = Comment.objects.filter(
        initiative=initiative,
        design_input_id=comment.design_input_id,
        assessment_id=comment.assessment_id,
    )
    people = set(same_thread.values_list("author_id", flat=True)) | {initiative.sponsor_id}
    if comment.design_input_id:
        people |= {comment.design_input.owner_id, comment.design_input.raised_by_id}
    if comment.assessment_id:
        people |= {comment.assessment.reviewer_id}
    return Message(
        kind=EventKind.COMMENTED,
        recipients={p for p in people if p},
        title=gettext("%(author)s commented on %(thread)s of %(reference)s")
        % {
            "author": _author(comment),
            "thread": comment.thread_label,
            "reference": initiative.reference,
        },
        text=comment.body[:1000],
        link=_link(comment),
    )


register("comment.added", _mentioned)
register("comment.added", _commented)
register("comment.edited", _mentioned, applies=lambda changes: bool(changes.get("mentions")))
