"""The form an IT lead fills in to set up a channel."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.notifications.models import EventKind, OwnEventKind
from initiatives.forms import style_widgets
from initiatives.models import Initiative, Site

from .models import EVENT_KIND_CHOICES, ChannelTarget


class ChannelForm(forms.Form):
    name = forms.CharField(max_length=120, help_text=_("e.g. “Augsburg plant IT – Teams”."))
    target = forms.ChoiceField(choices=ChannelTarget.choices, label=_("Where to post"))
    url = forms.URLField(
        max_length=2000,
        label=_("Webhook address"),
        assume_scheme="https",
        help_text=_("Stored encrypted and never shown again."),
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("name"),
        required=False,
        help_text=_("Every initiative of this site that is not confidential…"),
    )
    initiative = forms.ModelChoiceField(
        queryset=Initiative.objects.exclude(status="draft").order_by("-id"),
        required=False,
        help_text=_("…or one initiative (confidential ones included)."),
    )
    event_kinds = forms.MultipleChoiceField(
        choices=EVENT_KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label=_("Events"),
        initial=[EventKind.SUBMITTED, OwnEventKind.READY_FOR_BUILD],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if bool(data.get("site")) == bool(data.get("initiative")):
            self.add_error("site", gettext("Choose either a site or one initiative."))
        return data
