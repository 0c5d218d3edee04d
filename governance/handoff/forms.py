"""The form an IT lead fills in to connect a site to Jira or ServiceNow."""

from django import forms

from initiatives.forms import style_widgets
from initiatives.models import Site

from .models import TicketSystem


class HandoffTargetForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.order_by("name"))
    system = forms.ChoiceField(choices=TicketSystem.choices, label="Ticket system")
    base_url = forms.URLField(
        max_length=300,
        label="Instance address",
        assume_scheme="https",
        help_text="https://yourcompany.atlassian.net or https://yourcompany.service-now.com",
    )
    project_key = forms.CharField(max_length=40, required=False, help_text="Jira only")
    issue_type = forms.CharField(
        max_length=60, required=False, initial="Task", help_text="Jira only"
    )
    table = forms.CharField(
        max_length=80, required=False, help_text="ServiceNow only, e.g. sc_request"
    )
    username = forms.CharField(
        max_length=200, label="Account", help_text="Jira: the account's e-mail address"
    )
    token = forms.CharField(
        max_length=500,
        required=False,
        label="API token or password",
        widget=forms.PasswordInput(render_value=False),
        help_text="Stored encrypted, never shown again. Leave empty to keep the stored one.",
    )
    enabled = forms.BooleanField(required=False, label="Create tickets for this site")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
