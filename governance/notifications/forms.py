"""The preferences form: one choice per kind of event."""

from django import forms

from .models import EventKind, Mode


class PreferencesForm(forms.Form):
    """A radio row per event kind; initial values are the user's modes."""

    def __init__(self, *args, modes: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in EventKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Mode.choices, initial=modes[kind], widget=forms.RadioSelect
            )
