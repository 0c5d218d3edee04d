"""Forms of the standing working sessions: the series, moving and recording an occurrence."""

from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives.forms import UserListField, style_widgets

from .models import Cadence, WorkingSeries

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class SeriesForm(forms.ModelForm):
    participants = UserListField(
        required=False,
        label=_("Participants"),
        help_text=_(
            "Search by name: reviewers, architecture owners, others. The sponsor and "
            "co-sponsors always take part."
        ),
    )
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int)
    time_zone = forms.ChoiceField(choices=())
    reminder_lead_hours = forms.IntegerField(
        min_value=0, max_value=14 * 24, initial=24, label=_("Reminder lead time (hours)")
    )

    class Meta:
        model = WorkingSeries
        fields = [
            "cadence",
            "weekday",
            "start_time",
            "time_zone",
            "duration_minutes",
            "location",
            "starts_on",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadence"].choices = Cadence.choices
        self.fields["time_zone"].choices = [(z, z) for z in sorted(available_timezones())]
        if self.instance.pk:
            self.fields["participants"].initial = list(self.instance.participants.all())
            self.fields["reminder_lead_hours"].initial = self.instance.reminder_lead_minutes // 60
        style_widgets(self)

    def series_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["reminder_lead_minutes"] = self.cleaned_data["reminder_lead_hours"] * 60
        return data


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New start (series time zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(min_value=15, max_value=480)
    location = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False)


class RecordForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea, max_length=8000)
    decisions = forms.CharField(widget=forms.Textarea, max_length=4000, required=False)
    attendees = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [
            (str(p.pk), p.get_full_name() or p.username) for p in people
        ]
        style_widgets(self)
        self.fields["attendees"].widget.attrs.pop("class", None)
