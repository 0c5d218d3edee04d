"""Forms of regulation and evidence: upload, obligation actions, framework references."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import VersionCheckedForm, version_field
from initiatives import ai_act
from initiatives.forms import UserField, style_widgets
from reviews.models import ChecklistQuestion

from .models import EvidenceFile, EvidenceTarget, Framework, FrameworkReference, Precision
from .selectors import obligations_for


def target_choices(initiative) -> list[tuple[str, str]]:
    """What evidence on this initiative can be attached to, as "kind:id" choices."""
    from governance.decisions.models import Decision
    from reviews.models import ConcernAssessment, DesignInput

    choices = [(EvidenceTarget.INITIATIVE.value, gettext("The initiative itself"))]
    for a in ConcernAssessment.objects.filter(initiative=initiative).order_by("area"):
        choices.append((f"assessment:{a.pk}", f"Assessment: {a.get_area_display()}"))
    for d in DesignInput.objects.filter(initiative=initiative).order_by("created_at"):
        choices.append(
            (f"design_input:{d.pk}", gettext("Design input: %(title)s") % {"title": d.title})
        )
    for d in Decision.objects.filter(initiative=initiative).order_by("decided_at"):
        choices.append((f"decision:{d.pk}", f"Decision: {d.summary}"))
    for o in obligations_for(initiative):
        choices.append((f"obligation:{o.pk}", f"Obligation: {o.article} {o.title}"))
    return choices


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(help_text=_("PDF, image, Office document or plain text."))
    title = forms.CharField(max_length=200, required=False, help_text=_("Empty: the file name."))
    target = forms.ChoiceField(label=_("Evidence for"))
    replaces = forms.ModelChoiceField(
        queryset=EvidenceFile.objects.none(),
        required=False,
        label=_("New version of"),
        help_text=_("Pick the document this upload replaces; empty for a new document."),
    )
    references = forms.ModelMultipleChoiceField(
        queryset=FrameworkReference.objects.filter(active=True),
        required=False,
        label=_("Framework items it addresses"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.fields["target"].choices = target_choices(initiative)
        self.fields["replaces"].queryset = EvidenceFile.objects.filter(
            initiative=initiative, removed_at__isnull=True
        )
        style_widgets(self)

    def target_object(self):
        """(target kind, the object) chosen; the object is None for the initiative itself."""
        from governance.decisions.models import Decision
        from reviews.models import ConcernAssessment, DesignInput

        from .models import Obligation

        kind, _, pk = self.cleaned_data["target"].partition(":")
        model = {
            EvidenceTarget.ASSESSMENT: ConcernAssessment,
            EvidenceTarget.DESIGN_INPUT: DesignInput,
            EvidenceTarget.DECISION: Decision,
            EvidenceTarget.OBLIGATION: Obligation,
        }.get(kind)
        if model is None:
            return EvidenceTarget.INITIATIVE, None
        return kind, model.objects.filter(pk=pk, initiative=self.initiative).first()


class EvidenceRemoveForm(forms.Form):
    reason = forms.CharField(max_length=500)


class ObligationForm(VersionCheckedForm, forms.Form):
    """One action on an obligation: assign its owner, close it, or reopen it, with the
    obligation's version the page showed (refused without one)."""

    action = forms.ChoiceField(
        choices=[("assign", "assign"), ("close", "close"), ("reopen", "reopen")]
    )
    owner = UserField(required=False)
    text = forms.CharField(max_length=4000, required=False)
    version = version_field()


class ReferenceForm(VersionCheckedForm, forms.ModelForm):
    obligations = forms.MultipleChoiceField(
        choices=[(d.code, f"{d.article} {d.title}") for d in ai_act.DUTIES.values()],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )
    questions = forms.ModelMultipleChoiceField(
        queryset=ChecklistQuestion.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Checklist questions whose satisfied assessment addresses it."),
    )
    version = version_field()

    class Meta:
        model = FrameworkReference
        fields = ["framework", "code", "title", "source", "precision", "note", "active"]
        widgets = {
            "framework": forms.Select(choices=Framework.choices),
            "precision": forms.Select(choices=Precision.choices),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version_required = self.instance.pk is not None  # a new one has none yet
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["questions"].initial = list(self.instance.questions.all())
        style_widgets(self)

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["obligations"] = list(self.cleaned_data["obligations"])
        return data
