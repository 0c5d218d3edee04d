"""The intake forms: one form per step of the multi-step initiative form."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms import inlineformset_factory
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import VersionCheckedForm, translate_field_labels, version_field
from core.people import display_name
from landscape import selectors as landscape_selectors

from . import ai_act, people
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


class PersonPicker(forms.Select):
    """A select of the people allowed for a role, with display names as labels: the no-JS
    form. portal.js turns it into a searchable combobox over `data-people-url`."""

    def __init__(self, attrs=None, choices=(), *, multiple: bool = False):
        super().__init__(attrs, choices)
        self.allow_multiple_selected = multiple
        self.role = people.PERSON
        self.initiative_id = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        query = {"role": self.role}
        if self.initiative_id:
            query["initiative"] = self.initiative_id
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-person-picker"] = "multiple" if self.allow_multiple_selected else "one"
        widget_attrs["data-people-url"] = f"{reverse('api-people')}?{urlencode(query)}"
        widget_attrs["data-remove-label"] = gettext("Remove")
        widget_attrs["data-none-label"] = gettext("No one found")
        widget_attrs["data-search-label"] = gettext("Type part of a name")
        widget_attrs["data-count-label"] = gettext("People found: %(count)s") % {"count": "{n}"}
        if self.allow_multiple_selected:
            widget_attrs["multiple"] = True
        return context

    def optgroups(self, name, value, attrs=None):
        """The allowed people, plus whoever is chosen now but no longer allowed (deactivated,
        changed role): shown, so a save does not drop them silently; the field then says why
        they cannot stay."""
        groups = super().optgroups(name, value, attrs)
        shown = {str(option["value"]) for _, options, _ in groups for option in options}
        missing = [v for v in value if v and str(v) not in shown]
        if missing:
            options = [
                self.create_option(name, person.username, display_name(person), True, len(groups))
                for person in User.objects.filter(username__in=missing).order_by("username")
            ]
            groups.extend((None, [option], len(groups) + i) for i, option in enumerate(options))
        return groups

    def value_from_datadict(self, data, files, name):
        if not self.allow_multiple_selected:
            return super().value_from_datadict(data, files, name)
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(values, str):
            values = [values]
        # A client that still sends "a, b" in one value (the form before the pickers).
        return [n.strip() for v in values or [] for n in str(v).split(",") if n.strip()]


def offer_person_fill(form: forms.BaseForm, *names: str) -> None:
    """Free-text answers that often name a person get a people picker beside them (portal.js)
    that adds the chosen display name to the text; the answer stays free text."""
    url = f"{reverse('api-people')}?{urlencode({'role': people.PERSON})}"
    for name in names:
        form.fields[name].widget.attrs.update(
            {
                "data-person-fill-url": url,
                "data-person-fill-label": gettext("Add a person by name to “%(field)s”")
                % {"field": form.fields[name].label or name},
                "data-none-label": gettext("No one found"),
                "data-search-label": gettext("Add a person by name"),
            }
        )


def _username_of(value):
    if isinstance(value, User):
        return value.username
    if isinstance(value, int):
        user = User.objects.filter(pk=value).first()
        return user.username if user else ""
    return value


class UserField(forms.ModelChoiceField):
    """One portal user among those allowed for `role` (initiatives.people): a people picker
    whose value is the username (an e-mail is accepted too). An unknown person and a person
    not allowed for the role are each a field error."""

    def __init__(self, *, role: str = people.PERSON, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.setdefault("widget", PersonPicker)
        kwargs.setdefault("empty_label", _("Nobody chosen"))
        super().__init__(queryset=people.people_for_role(role), to_field_name="username", **kwargs)
        self.role = role
        self.widget.role = role

    def for_initiative(self, initiative) -> None:
        """Narrow the role to what holds on this initiative (the risk authority's partners)."""
        self.queryset = people.people_for_role(self.role, initiative)
        self.widget.role = self.role
        self.widget.initiative_id = initiative.pk if initiative is not None else None

    def label_from_instance(self, obj):
        return display_name(obj)

    def prepare_value(self, value):
        return _username_of(value)

    def has_changed(self, initial, data):
        return (self.prepare_value(initial) or "").lower() != (data or "").strip().lower()

    def validate(self, value):
        forms.Field.validate(self, value)

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        return _allowed_person(str(text), self.queryset, self.role)


def _allowed_person(text: str, allowed, role: str):
    """The active user `text` names, if allowed for `role`; a specific error otherwise."""
    user = find_user(text)
    if user is None:
        raise forms.ValidationError(
            _("No active portal user with the username or e-mail “%(name)s”."),
            code="unknown_user",
            params={"name": text[:100]},
        )
    if not allowed.filter(pk=user.pk).exists():
        raise forms.ValidationError(
            people.ROLE_RULES[role], code="not_allowed", params={"name": display_name(user)}
        )
    return user


MAX_PEOPLE = 100  # in one multiple picker (co-sponsors, participants)


class UserListField(forms.ModelMultipleChoiceField):
    """Several portal users among those allowed for `role`: a multiple people picker (a
    comma-separated list in one value is still understood). Every unknown or disallowed
    person is reported."""

    def __init__(self, *, role: str = people.PERSON, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.setdefault("widget", PersonPicker(multiple=True))
        super().__init__(queryset=people.people_for_role(role), to_field_name="username", **kwargs)
        self.role = role
        self.widget.role = role

    def label_from_instance(self, obj):
        return display_name(obj)

    def prepare_value(self, value):
        if value is None:
            return []
        if isinstance(value, User):  # one option of the select
            return value.username
        if isinstance(value, str):
            return [n.strip() for n in value.split(",") if n.strip()]
        if hasattr(value, "__iter__"):
            return [_username_of(item) for item in value]
        return [_username_of(value)]

    def has_changed(self, initial, data):
        def names(values):
            return sorted(str(n).strip().lower() for n in values or [] if str(n).strip())

        return names(self.prepare_value(initial)) != names(self.prepare_value(data))

    def clean(self, value):
        names = self.prepare_value(value)
        if self.required and not names:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(names) > MAX_PEOPLE:
            raise forms.ValidationError(
                _("Choose at most %(max)s people."), code="too_many", params={"max": MAX_PEOPLE}
            )
        users, unknown, problems = [], [], []
        for name in names:
            user = find_user(name)
            if user is None:
                unknown.append(name)
                continue
            if not self.queryset.filter(pk=user.pk).exists():
                problems.append(
                    forms.ValidationError(
                        people.ROLE_RULES[self.role],
                        code="not_allowed",
                        params={"name": display_name(user)},
                    )
                )
            elif user not in users:
                users.append(user)
        if unknown:
            problems.insert(
                0,
                forms.ValidationError(
                    _("Unknown portal user(s): %(names)s."),
                    code="unknown_user",
                    params={"names": ", ".join(n[:100] for n in unknown)},
                ),
            )
        if problems:
            raise forms.ValidationError(problems)
        return users


def style_widgets(form: forms.BaseForm) -> None:
    """Give each widget its Bootstrap class, so templates render fields as they are (and
    fields without a label of their own the translated one)."""
    translate_field_labels(form)
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
        help_text=_("Search by name; choose as many as you need. Co-sponsors may edit the draft."),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_person_fill(self, "output_actors", "override_authority")


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_person_fill(self, "maintained_by", "monitored_by")


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
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you decline (e.g. who should hold the role instead)."),
    )
