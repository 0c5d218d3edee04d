"""Forms of the decision log and of change control. They parse input; the rules (who may
accept risk, which areas a change re-opens) are in governance.decisions."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.wording import in_sentence
from initiatives import people
from initiatives.forms import UserField, style_widgets
from initiatives.models import VendorCandidate
from reviews.models import ConcernArea

from .models import ChangeKind, DecisionKind


class DecisionForm(forms.Form):
    # An escalation has its own page, which offers the partnership route first.
    kind = forms.ChoiceField(
        choices=[(k, label) for k, label in DecisionKind.choices if k != DecisionKind.ESCALATION]
    )
    summary = forms.CharField(max_length=300, label=_("What was decided"))
    rationale = forms.CharField(
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        help_text=_("Why. Required for accepted risks, escalations and vendor selection."),
    )
    conditions = forms.CharField(
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        help_text=_("For an approval: the conditions attached to it."),
    )
    accountable = UserField(
        required=False,
        role=people.RISK,
        label=_("Accountable person"),
        help_text=_(
            "Required for an accepted risk: an IT lead, an executive, or the "
            "initiative's decision owner or accountable person."
        ),
    )
    vendor = forms.ModelChoiceField(
        queryset=VendorCandidate.objects.none(),
        required=False,
        label=_("Selected vendor"),
        help_text=_("For a vendor selection: one of the candidates."),
    )
    unscored_rationale = forms.CharField(
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        label=_("Why select it before IT scored it"),
        help_text=_(
            "Required when IT has not scored the selected vendor yet: the selection is "
            "then recorded as “selected before IT assessment”."
        ),
    )

    def __init__(self, *args, initiative, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = VendorCandidate.objects.filter(initiative=initiative)
        self.fields["accountable"].for_initiative(initiative)
        if kinds is not None:
            # Only the kinds the user may record (a named partner: risk acceptances).
            self.fields["kind"].choices = [
                c for c in DecisionKind.choices if c[0] in kinds and c[0] != DecisionKind.ESCALATION
            ]
        style_widgets(self)


class PartnershipRouteForm(forms.Form):
    """The concern, raised for the next working session instead of an escalation."""

    area = forms.ChoiceField(choices=ConcernArea.choices, label=_("Concern area"))
    title = forms.CharField(max_length=200, label=_("The concern, in one line"))
    description = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea, label=_("What needs deciding")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class EscalationForm(forms.Form):
    """Escalating anyway: what, why, and whether it was discussed in a working session."""

    summary = forms.CharField(max_length=300, label=_("What is escalated"))
    rationale = forms.CharField(
        max_length=4000,
        widget=forms.Textarea,
        label=_("Why escalate instead of deciding it together"),
    )
    discussed_in_session = forms.ChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        label=_("Was the concern discussed in a working session?"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=ChangeKind.choices, label=_("Kind of change"))
    description = forms.CharField(max_length=4000, widget=forms.Textarea)
    areas = forms.MultipleChoiceField(
        choices=ConcernArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Other affected concerns"),
        help_text=_(
            "Each kind re-opens its usual concerns; tick more if this change needs them. "
            "Required for “other”."
        ),
    )

    def __init__(self, *args, **kwargs):
        from governance.decisions.services import AREAS_BY_CHANGE

        super().__init__(*args, **kwargs)
        labels = dict(ConcernArea.choices)
        reopens = "; ".join(
            f"{in_sentence(ChangeKind(kind).label)} → {', '.join(str(labels[a]) for a in areas)}"
            for kind, areas in AREAS_BY_CHANGE.items()
            if areas
        )
        self.fields["kind"].help_text = gettext("Re-opens: %(list)s") % {"list": reopens}
        style_widgets(self)
        self.fields["areas"].widget.attrs.pop("class", None)


class ProductionReleaseForm(forms.Form):
    model_name = forms.CharField(max_length=200)
    model_version = forms.CharField(max_length=100)
    vendor_name = forms.CharField(max_length=200, required=False)
    vendor_version = forms.CharField(max_length=100, required=False)
    notes = forms.CharField(max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
