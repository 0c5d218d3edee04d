"""The form an IT lead fills in to connect a site to Jira or ServiceNow."""

from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives.forms import style_widgets
from initiatives.models import Site

from .models import TicketSystem


class HandoffTargetForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.order_by("name"))
    system = forms.ChoiceField(choices=TicketSystem.choices, label=_("Ticket system"))
    base_url = forms.URLField(
        max_length=300,
        label=_("Instance address"),
        assume_scheme="https",
        help_text=_("https://yourcompany.atlassian.net or https://yourcompany.service-now.com"),
    )
    project_key = forms.CharField(max_length=40, required=False, help_text=_("Jira only"))
    issue_type = forms.CharField(
        max_length=60, required=False, initial="Task", help_text=_("Jira only")
    )
    table = forms.CharField(
        max_length=80, required=False, help_text=_("ServiceNow only, e.g. sc_request")
    )
    username = forms.CharField(
        max_length=200, label=_("Account"), help_text=_("Jira: the account's e-mail address")
    )
    token = forms.CharField(
        max_length=500,
        required=False,
        label=_("API token or password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted, never shown again. Leave empty to keep the stored one."),
    )
    enabled = forms.BooleanField(required=False, label=_("Create tickets for this site"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
