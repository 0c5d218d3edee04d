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


# Labels of fields that have none of their own (Django derives one from the field's name, in
# English): one table, so that they are translated like every other label.
FIELD_LABELS = {
    "reason": _("Reason"),
    "decision_owner": _("Decision owner"),
    "accountable_person": _("Accountable person"),
    "status": _("Status"),
    "rationale": _("Rationale"),
    "concern_area": _("Concern area"),
    "design_notes": _("Design notes"),
    "name": _("Name"),
    "description": _("Description"),
    "weight": _("Weight"),
    "title": _("Title"),
    "severity": _("Severity"),
    "tested_by": _("Tested by"),
    "tested_on": _("Tested on"),
    "result": _("Result"),
    "notes": _("Notes"),
    "area": _("Concern area"),
    "text": _("Text"),
    "position": _("Position"),
    "active": _("Active"),
    "duration_minutes": _("Duration (minutes)"),
    "location": _("Location"),
    "decisions": _("Decisions"),
    "attendees": _("Attendees"),
    "weekday": _("Weekday"),
    "time_zone": _("Time zone"),
    "kind": _("Kind"),
    "conditions": _("Conditions"),
    "model_name": _("Model name"),
    "model_version": _("Model version"),
    "vendor_name": _("Vendor name"),
    "vendor_version": _("Vendor version"),
    "file": _("File"),
    "action": _("Action"),
    "owner": _("Owner"),
    "obligations": _("Obligations"),
    "questions": _("Questions"),
    "site": _("Site"),
    "initiative": _("Initiative"),
    "project_key": _("Project key"),
    "issue_type": _("Issue type"),
    "table": _("Table"),
    "role": _("Role"),
    "business_problem": _("Business problem"),
    "expected_value": _("Expected value"),
    "business_unit": _("Business unit"),
    "target_decision_date": _("Target decision date"),
    "confidential": _("Confidential"),
    "override_authority": _("Override authority"),
    "cadence": _("Cadence"),
    "start_time": _("Start time"),
    "starts_on": _("Starts on"),
    "framework": _("Framework"),
    "code": _("Code"),
    "source": _("Source"),
    "precision": _("Precision"),
    "note": _("Note"),
    "criticality": _("Criticality"),
    "cmdb_id": _("CMDB id"),
}


def translate_field_labels(form: forms.BaseForm) -> None:
    """Give each field whose label Django derived from its name the translated label."""
    for name, field in form.fields.items():
        derived = name.replace("_", " ").lower()
        if name in FIELD_LABELS and (field.label is None or str(field.label).lower() == derived):
            field.label = FIELD_LABELS[name]
