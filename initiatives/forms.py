"""The intake forms: one form per step of the multi-step initiative form."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import VersionCheckedForm, version_field
from landscape import selectors as landscape_selectors

from . import ai_act
from .models import (
    SYSTEM_TYPE_OF_KIND,
    DataAsset,
    Initiative,
    IntegrationPoint,
    SystemType,
    VendorCandidate,
)
from .services import MAX_SECTION_ROWS, SCREENING_FIELDS, decision_date_problem

User = get_user_model()


def find_user(text: str):
    """The active user whose username or e-mail is `text`, or None."""
    text = text.strip()
    if not text:
        return None
    return User.objects.filter(
        Q(username__iexact=text) | Q(email__iexact=text), is_active=True
    ).first()


class UserField(forms.CharField):
    """A portal user typed by username or e-mail; an unknown name is a field error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("list", "portal-users")
        self.widget.attrs.setdefault("autocomplete", "off")

    def prepare_value(self, value):
        if isinstance(value, User):
            return value.username
        if isinstance(value, int):
            user = User.objects.filter(pk=value).first()
            return user.username if user else ""
        return value

    def has_changed(self, initial, data):
        return (self.prepare_value(initial) or "").lower() != (data or "").strip().lower()

    def clean(self, value):
        text = super().clean(value)  # length and "required" are checked on the text
        if not text:
            return None
        user = find_user(text)
        if user is None:
            raise forms.ValidationError(
                gettext("No active portal user with the username or e-mail “%(name)s”."),
                code="unknown_user",
                params={"name": text},
            )
        return user


class UserListField(forms.CharField):
    """Several portal users, comma-separated; every unknown name is reported."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        names = []
        for item in value:
            if isinstance(item, User):
                names.append(item.username)
            else:
                user = User.objects.filter(pk=item).first()
                if user:
                    names.append(user.username)
        return ", ".join(names)

    def has_changed(self, initial, data):
        def names(text):
            return sorted(n.strip().lower() for n in (text or "").split(",") if n.strip())

        return names(self.prepare_value(initial)) != names(data)

    def clean(self, value):
        text = super().clean(value) or ""
        names = [n.strip() for n in text.split(",") if n.strip()]
        users, unknown = [], []
        for name in names:
            user = find_user(name)
            (users.append(user) if user else unknown.append(name))
        if unknown:
            raise forms.ValidationError(
                gettext("Unknown portal user(s): %(names)s."),
                code="unknown_user",
                params={"names": ", ".join(unknown)},
            )
        return users


def style_widgets(form: forms.BaseForm) -> None:
    """Give each widget its Bootstrap class, so templates render fields as they are."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if isinstance(widget, forms.Textarea):
            widget.attrs["rows"] = 3


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class VersionedForm(VersionCheckedForm, forms.ModelForm):
    """Carries the version the form was rendered from, so a stale save is refused; editing
    a saved initiative without it is refused too (creating one needs none)."""

    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version_required = self.instance.pk is not None
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        style_widgets(self)

    def has_changed(self) -> bool:
        """Whether the user changed any answer (the hidden bookkeeping fields do not count)."""
        return any(name not in ("version", "creation_token") for name in self.changed_data)

    def model_fields(self) -> dict:
        """Cleaned values for the model's own fields (everything but `version`)."""
        return {k: v for k, v in self.cleaned_data.items() if k in self._meta.fields}


class IdeaForm(VersionedForm):
    # One-time token of the create form: posting it twice still creates one initiative.
    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    co_sponsors = UserListField(
        required=False,
        label=_("Co-sponsors"),
        help_text=_("Usernames or e-mails, comma-separated. Co-sponsors may edit the draft."),
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "business_problem",
            "expected_value",
            "site",
            "business_unit",
            "phase",
            "target_decision_date",
            "confidential",
            "co_sponsors",
        ]
        widgets = {"target_decision_date": forms.DateInput(attrs={"type": "date"})}
        labels = {"site": _("Plant / site"), "phase": _("Current phase")}
        help_texts = {
            "phase": _("Be honest: IT helps most before a vendor is chosen or a design is fixed."),
        }

    def clean_target_decision_date(self):
        value = self.cleaned_data.get("target_decision_date")
        current = self.instance.target_decision_date if self.instance.pk else None
        problem = decision_date_problem(value, current)
        if problem:
            raise forms.ValidationError(problem)
        return value


class OwnershipForm(VersionedForm):
    decision_owner = UserField(required=False, help_text=_("Owns the decisions the AI supports."))
    accountable_person = UserField(required=False, help_text=_("Accountable when the AI is wrong."))

    class Meta:
        model = Initiative
        fields = [
            "decision_owner",
            "output_actors",
            "accountable_person",
            "override_authority",
            "output_explanation",
            "operator_view",
            "override_logged",
        ]
        labels = {
            "output_actors": _("Who acts on the AI's output"),
            "output_explanation": _("How is an output explained to the people who act on it?"),
            "operator_view": _("What does the operator see, including the confidence?"),
            "override_logged": _("Is every override logged?"),
        }
        help_texts = {
            "override_logged": _(
                "Who overrode which recommendation, when and why: without that "
                "log nobody learns where the AI is wrong."
            ),
        }


class RiskBoundariesForm(VersionedForm):
    class Meta:
        model = Initiative
        fields = [
            "allowed_actions",
            "forbidden_actions",
            "failure_fallback",
            "safety_critical",
            "regulated",
        ]
        labels = {
            "allowed_actions": _("Actions the AI may take"),
            "forbidden_actions": _("Actions the AI must never take"),
            "failure_fallback": _("When it fails"),
            "safety_critical": _("Safety-critical?"),
            "regulated": _("Regulated (GxP, ISO 13485, export control…)?"),
        }


class StackForm(VersionedForm):
    class Meta:
        model = Initiative
        fields = ["sso_requirements", "new_platforms"]
        labels = {
            "sso_requirements": _("SSO / identity needs"),
            "new_platforms": _("New platforms it introduces"),
        }


class SupportForm(VersionedForm):
    class Meta:
        model = Initiative
        fields = [
            "maintained_by",
            "monitored_by",
            "update_process",
            "model_documentation",
            "drift_detection",
        ]
        labels = {
            "maintained_by": _("Who maintains it"),
            "monitored_by": _("Who monitors it"),
            "update_process": _("How model or vendor updates are made"),
            "model_documentation": _("Model documentation or model card"),
            "drift_detection": _("How does the business know the model drifted?"),
        }


class ChoiceListField(forms.MultipleChoiceField):
    """Tick boxes over one of the screening's choice lists; "none of these" stands alone."""

    def __init__(self, choices_class, **kwargs):
        self.choices_class = choices_class
        kwargs.setdefault("required", False)
        super().__init__(
            choices=choices_class.choices,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
            **kwargs,
        )

    def clean(self, value):
        values = super().clean(value)
        problem = ai_act.validate_choice_list(self.choices_class, values)
        if problem:
            raise forms.ValidationError(problem)
        return list(values)


class ScreeningFields(forms.Form):
    """The EU AI Act screening questions, shared by the intake step and IT's review."""

    ai_act_prohibited = ChoiceListField(
        ai_act.ProhibitedPractice,
        label=_("Does it use any of these practices?"),
        help_text=_(
            "Art. 5: these are prohibited in the EU. Emotion recognition for medical or "
            "safety reasons is not in this list (answer it below)."
        ),
    )
    ai_act_annex_iii = ChoiceListField(
        ai_act.AnnexIII,
        label=_("Is it used for any of these purposes?"),
        help_text=_("Annex III: these uses are high-risk."),
    )
    ai_act_transparency = ChoiceListField(
        ai_act.Transparency,
        label=_("Which of these apply?"),
        help_text=_("Art. 50: people must be told they deal with AI or AI-made content."),
    )


SCREENING_LABELS = {
    "ai_act_role": _("Your role under the AI Act"),
    "ai_act_annex_i": _("Is it part of a product under EU product-safety law (Annex I)?"),
    "ai_act_third_party_assessment": _(
        "Does that product need a third-party conformity assessment?"
    ),
    "ai_act_gpai": _("Is it built on a general-purpose AI model?"),
}
SCREENING_ORDER = list(SCREENING_FIELDS)


class ScreeningForm(VersionedForm):
    ai_act_prohibited = ScreeningFields.base_fields["ai_act_prohibited"]
    ai_act_annex_iii = ScreeningFields.base_fields["ai_act_annex_iii"]
    ai_act_transparency = ScreeningFields.base_fields["ai_act_transparency"]

    class Meta:
        model = Initiative
        fields = SCREENING_ORDER
        labels = SCREENING_LABELS
        help_texts = {
            "ai_act_third_party_assessment": _(
                "Leave empty if you do not know: IT will check. "
                "Machinery needing a notified body is the usual case."
            ),
            "ai_act_gpai": _(
                "General-purpose AI models include the large language models sold as a service."
            ),
        }


class ScreeningReviewForm(ScreeningForm):
    """IT's review of the screening: the same questions, and what IT checked."""

    class Meta(ScreeningForm.Meta):
        fields = [*SCREENING_ORDER, "ai_act_review_note"]
        labels = {**SCREENING_LABELS, "ai_act_review_note": _("What IT checked")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ai_act_review_note"].required = True

    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in SCREENING_ORDER}


_formset_options = {
    "form": StyledModelForm,
    "extra": 1,
    "can_delete": True,
    "max_num": MAX_SECTION_ROWS,
    "validate_max": True,
}
DataAssetFormSet = inlineformset_factory(
    Initiative,
    DataAsset,
    fields=["name", "classification", "personal_data", "storage_location"],
    labels={"storage_location": _("Stored / processed where")},
    **_formset_options,
)


class IntegrationForm(StyledModelForm):
    """An integration picks a registered system of the plant system map, or names one in free
    text (IT maps it later)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        system = self.fields["system"]
        system.queryset = landscape_selectors.systems()
        system.label_from_instance = lambda s: f"{s.site} · {s.name} ({s.get_kind_display()})"
        system.empty_label = gettext("Not listed (name it)")
        system.label = gettext("Registered system")
        self.fields["name"].required = False
        self.fields["name"].label = gettext("Or its name")
        self.fields["system_type"].required = False

    def clean(self):
        cleaned = super().clean()
        system = cleaned.get("system")
        if system is None and not cleaned.get("name") and "name" not in self.errors:
            self.add_error("name", gettext("Pick a registered system or name the system."))
        if system is None and not cleaned.get("system_type") and "system_type" not in self.errors:
            self.add_error("system_type", gettext("Say what kind of system it is."))
        if system is not None:
            cleaned["system_type"] = SYSTEM_TYPE_OF_KIND.get(system.kind, SystemType.OTHER)
            cleaned["name"] = cleaned.get("name") or system.name
        return cleaned


IntegrationFormSet = inlineformset_factory(
    Initiative,
    IntegrationPoint,
    fields=["system", "system_type", "name", "purpose", "vendor", "connector", "description"],
    widgets={"description": forms.TextInput},
    **{**_formset_options, "form": IntegrationForm},
)
VendorFormSet = inlineformset_factory(
    Initiative,
    VendorCandidate,
    fields=["name", "product", "notes"],
    widgets={"notes": forms.TextInput},
    **_formset_options,
)


class Step:
    """One step of the intake form: its form, its related-row formsets, its wording."""

    def __init__(self, number, slug, title, intro, form_class, formsets=()):
        self.number = number
        self.slug = slug
        self.title = title
        self.intro = intro
        self.form_class = form_class
        self.formsets = formsets  # (prefix, formset class, heading)


STEPS = (
    Step(
        1,
        "idea",
        _("The idea"),
        _("What problem, what value, where, and how far along."),
        IdeaForm,
    ),
    Step(
        2,
        "ownership",
        _("Decision ownership"),
        _(
            "Who owns the decisions, who acts on the output, who answers when it is wrong, and "
            "what the people who act on it understand of it."
        ),
        OwnershipForm,
    ),
    Step(
        3,
        "risk",
        _("Risk boundaries"),
        _("What data it touches, what it may and must never do, and what happens when it fails."),
        RiskBoundariesForm,
        (("data", DataAssetFormSet, _("Data the AI will access")),),
    ),
    Step(
        4,
        "stack",
        _("Stack"),
        _(
            "Systems it integrates with, identity needs, new platforms and vendors under "
            "evaluation."
        ),
        StackForm,
        (
            ("integrations", IntegrationFormSet, _("Systems it integrates with")),
            ("vendors", VendorFormSet, _("Vendors under evaluation")),
        ),
    ),
    Step(
        5,
        "support",
        _("Support model"),
        _(
            "Who keeps it running once it is live, where the model is documented and how drift "
            "is noticed."
        ),
        SupportForm,
        (),
    ),
    Step(
        6,
        "ai-act",
        _("EU AI Act screening"),
        _(
            "A few questions from the EU AI Act. The portal derives the classification from them; "
            "IT reviews it with you. A prohibited practice cannot be submitted."
        ),
        ScreeningForm,
        (),
    ),
)
STEP_BY_NUMBER = {s.number: s for s in STEPS}


class DeclineRoleForm(forms.Form):
    """Declining a named role needs a reason: the sponsor reads it to name someone else."""

    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you decline (e.g. who should hold the role instead)."),
    )
