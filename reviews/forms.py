"""Forms of the IT review pages. Rules live in reviews.services; forms parse and show errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import VersionCheckedForm, version_field
from initiatives import people
from initiatives.forms import UserField, offer_person_fill, style_widgets
from initiatives.models import Status
from reviews.services.design_inputs import DesignInputAction

from .models import AssessmentStatus, ConcernArea, FallbackTestResult, Severity


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class AssignForm(StyledForm):
    reviewer = UserField(label=_("Reviewer"), role=people.IT)
    concern_area = forms.ChoiceField(
        choices=[("", _("All concern areas")), *ConcernArea.choices], required=False
    )


# What each risk score means, in words: the scale runs from 1 (low risk) to 5 (highest risk),
# the opposite direction of the dashboard's readiness 0–100 (higher is readier).
RISK_SCORE_MEANINGS = {
    1: _("1 — low risk: nothing stands in the way"),
    2: _("2 — minor risk: small points, no design change needed"),
    3: _("3 — moderate risk: design changes needed before build"),
    4: _("4 — high risk: serious findings, build should wait"),
    5: _("5 — highest risk: must not go ahead as designed (blocks)"),
}


class AssessmentForm(VersionCheckedForm, StyledForm):
    score = forms.TypedChoiceField(
        label=_("Risk score (1 low – 5 highest risk)"),
        choices=[("", _("Not scored")), *[(str(i), RISK_SCORE_MEANINGS[i]) for i in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Higher means riskier: 1 is low risk, 5 the highest. The dashboard's readiness "
            "(0–100) runs the other way — higher is readier — and each point above 1 lowers it by "
            "5 "
            "until the concern is satisfied; a 5 that is not satisfied blocks."
        ),
    )
    status = forms.ChoiceField(choices=AssessmentStatus.choices)
    rationale = forms.CharField(widget=forms.Textarea, max_length=4000, required=False)
    version = version_field()

    def __init__(self, *args, questions=(), answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q_{q.pk}"] = forms.CharField(
                label=q.text,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=4000,
                required=False,
                initial=answers.get(q.pk, ""),
            )
        style_widgets(self)

    def answer_fields(self):
        return [self[f"q_{q.pk}"] for q in self.questions]

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}", "") for q in self.questions}


class DesignInputForm(VersionCheckedForm, StyledForm):
    """Raises a design input, or edits one (`version_required=True`: the version read)."""

    area = forms.ChoiceField(label=_("Concern area"), choices=ConcernArea.choices)
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, max_length=4000, required=False)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)
    owner = UserField(label=_("Owner (who acts next)"), required=False)
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("Due")
    )
    proposed_solution = forms.CharField(
        widget=forms.Textarea, max_length=4000, required=False, label=_("Proposed solution")
    )
    version = version_field()

    def __init__(self, *args, version_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.version_required = version_required


class TransitionForm(VersionCheckedForm, StyledForm):
    action = forms.ChoiceField(choices=DesignInputAction.choices, widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.Textarea, max_length=4000, required=False)
    accepted_by = UserField(
        label=_("Accountable person accepting the risk"),
        required=False,
        role=people.RISK,
        empty_label=_("You"),
    )
    version = version_field()


class CriterionForm(StyledForm):
    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=300, required=False)
    weight = forms.IntegerField(min_value=1, max_value=10, initial=2)


class QuestionForm(StyledForm):
    area = forms.ChoiceField(choices=ConcernArea.choices)
    text = forms.CharField(max_length=300)
    position = forms.IntegerField(min_value=0, max_value=999, initial=10)
    active = forms.BooleanField(required=False, initial=True)


class ComponentOwnerForm(StyledForm):
    owner = UserField(label=_("IT owner (design authority)"), role=people.IT)


class ComponentNotesForm(VersionCheckedForm, StyledForm):
    design_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=8000, required=False
    )
    version = version_field()


class DecisionForm(StyledForm):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("Decision")
    )


QUEUE_STATUSES = [
    (Status.SUBMITTED.value, Status.SUBMITTED.label),
    (Status.IN_REVIEW.value, Status.IN_REVIEW.label),
]


class FallbackTestForm(StyledForm):
    """A test of the manual fallback of a safety-critical initiative."""

    tested_by = forms.CharField(max_length=200, help_text=_("Who ran the test."))
    tested_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    result = forms.ChoiceField(choices=FallbackTestResult.choices)
    notes = forms.CharField(
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was tried, what held."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_person_fill(self, "tested_by")
