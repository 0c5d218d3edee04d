"""The comment form (new comments and edits)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control comment-body"}),
        help_text=_("Markdown. Type @ and a name to mention someone who sees this initiative."),
    )
    design_input = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    assessment = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=300)
