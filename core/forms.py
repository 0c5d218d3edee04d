"""What the portal's forms share: the version an edit form was read at.

Every form that edits a versioned object carries it in a hidden `version` field; the service
refuses a stale one ("someone saved in between"). A form posted without it (an old page, a
script, a hand-made request) is refused too, above the form: it cannot prove it saw the last
save, and saving it blindly could overwrite one.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

MISSING_VERSION = _(
    "This form did not say which version of the page it was filled in on, so saving it could "
    "overwrite someone else's changes. Nothing was saved: reload the page and try again."
)


def version_field() -> forms.IntegerField:
    """The hidden field holding the version the form was read at."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class VersionCheckedForm:
    """Mixin for forms with a `version_field()`: when `version_required` (an edit, not a
    creation), a missing or malformed version is an error above the form, where people see
    it, rather than on the hidden field."""

    version_required = True

    def clean(self):
        cleaned = super().clean()
        if self.version_required and cleaned.get("version") is None:
            self.errors.pop("version", None)
            raise forms.ValidationError(MISSING_VERSION, code="version_required")
        return cleaned
