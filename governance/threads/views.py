"""Pages of conversation threads: adding and editing a comment, the people picker's search."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from core.access import restrict_to_visible, visible_initiative_or_404
from core.views import run_service
from reviews.models import ConcernAssessment, DesignInput

from . import selectors, services
from .forms import CommentForm
from .models import Comment


def _safe_next(value: str, fallback: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else fallback


def add(request, pk: int):
    """Add a comment to a thread of the initiative; on a refusal the text is kept."""
    initiative = visible_initiative_or_404(request.user, pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        design_input = assessment = None
        if data["design_input"]:
            design_input = get_object_or_404(
                DesignInput, pk=data["design_input"], initiative=initiative
            )
        if data["assessment"]:
            assessment = get_object_or_404(
                ConcernAssessment, pk=data["assessment"], initiative=initiative
            )
        done, comment = run_service(
            request,
            lambda: services.add_comment(
                initiative=initiative,
                user=request.user,
                body=data["body"],
                design_input=design_input,
                assessment=assessment,
            ),
            form=form,
        )
        if done:
            back = _safe_next(data["next"], initiative.get_absolute_url())
            return redirect(f"{back.split('#')[0]}#{comment.anchor}")
    return render(
        request,
        "governance/threads/comment_form.html",
        {"form": form, "initiative": initiative, "action": "add"},
        status=400 if request.method == "POST" else 200,
    )


def edit(request, pk: int):
    """The author corrects their comment within the edit window."""
    comment = get_object_or_404(
        restrict_to_visible(request.user, Comment.objects.all(), "initiative__"), pk=pk
    )
    if comment.author_id != request.user.pk:
        raise Http404("No such comment.")
    form = CommentForm(
        request.POST or None, initial={"body": comment.body, "next": request.GET.get("next", "")}
    )
    if request.method == "POST" and form.is_valid():
        done, _ = run_service(
            request,
            lambda: services.edit_comment(
                comment=comment, user=request.user, body=form.cleaned_data["body"]
            ),
            form=form,
            success=gettext("Comment edited."),
        )
        if done:
            back = _safe_next(form.cleaned_data["next"], comment.initiative.get_absolute_url())
            return redirect(f"{back.split('#')[0]}#{comment.anchor}")
    return render(
        request,
        "governance/threads/comment_form.html",
        {"form": form, "initiative": comment.initiative, "action": "edit", "comment": comment},
        status=400 if request.method == "POST" else 200,
    )


def people(request, pk: int):
    """The people picker: who may be mentioned on this initiative, by name (JSON)."""
    initiative = visible_initiative_or_404(request.user, pk)
    found = selectors.people_for_mention(request.user, initiative, request.GET.get("q", ""))
    return JsonResponse(
        {
            "people": [
                {"username": u.username, "name": u.get_full_name() or u.username} for u in found
            ]
        }
    )
