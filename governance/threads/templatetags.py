"""Template tags of threads (library "thread_tags"): a thread with its comment form."""

from django import template
from django.utils import timezone

from .forms import CommentForm
from .rendering import render
from .selectors import thread
from .services import EDIT_WINDOW

register = template.Library()


@register.inclusion_tag("governance/threads/_thread.html", takes_context=True)
def comment_thread(context, initiative, design_input=None, assessment=None) -> dict:
    """The comments of the thread (initiative, or one of its design inputs or assessments)."""
    request = context["request"]
    # A variable the including template lacks arrives as "": no such thread then.
    design_input = design_input or None
    assessment = assessment or None
    comments = list(
        thread(request.user, initiative, design_input=design_input, assessment=assessment)
    )
    now = timezone.now()
    for c in comments:
        c.html = render(c.body, {u.username for u in c.mentions.all()})
        c.editable = c.author_id == request.user.pk and now - c.created_at <= EDIT_WINDOW
    form = CommentForm(
        initial={
            "design_input": getattr(design_input, "pk", None),
            "assessment": getattr(assessment, "pk", None),
            "next": request.get_full_path(),
        }
    )
    return {
        "comments": comments,
        "form": form,
        "initiative": initiative,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
