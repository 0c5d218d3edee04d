"""The IT lead's forms: one system, and a CMDB export to import."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import VersionCheckedForm, translate_field_labels, version_field
from core.people import display_name

from .cmdb import MAX_BYTES
from .models import EnterpriseSystem
from .permissions import IT_GROUPS


def _style(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = css
        if isinstance(widget, forms.Textarea):
            widget.attrs["rows"] = 3


class SystemForm(VersionCheckedForm, forms.ModelForm):
    version = version_field()

    class Meta:
        model = EnterpriseSystem
        fields = ["site", "name", "kind", "criticality", "it_owner", "cmdb_id", "description"]
        labels = {"it_owner": _("IT owner")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version_required = self.instance.pk is not None
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        User = get_user_model()
        self.fields["it_owner"].queryset = (
            User.objects.filter(is_active=True)
            .filter(Q(groups__name__in=IT_GROUPS) | Q(is_superuser=True))
            .distinct()
            .order_by("username")
        )
        self.fields["it_owner"].label_from_instance = display_name
        translate_field_labels(self)
        _style(self)

    def _post_clean(self):
        # The service checks uniqueness and the rules; the form only reads the input.
        pass


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CMDB export (CSV)"),
        help_text=_(
            "Columns: name, site, kind, and optionally cmdb_id (or sys_id), owner "
            "(username or e-mail), criticality, description."
        ),
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label=_("Preview only (dry run): write nothing")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["dry_run"].widget.attrs["class"] = "form-check-input"
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(gettext("The file is larger than 2 MB."))
        return upload
