"""Forms for the records made on shift for a risk plan. Each carries an idempotency key
made when the form is drawn (see delivery.forms.RecordForm)."""

from __future__ import annotations

from typing import Any

from django import forms

from coplan.delivery.forms import DateTimeLocalInput, RecordForm
from coplan.delivery.idempotency import new_key
from coplan.delivery.models import Incident
from coplan.delivery.practice_models import PracticeSession

SHOWN = [
    ("not_shown", "Not shown"),
    ("prompted", "Shown with a prompt"),
    ("independent", "Shown on their own, no prompt"),
]
_TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class PracticeSessionForm(RecordForm):
    route = forms.CharField(label="Route or context", max_length=200)
    prompts_verbal = forms.IntegerField(
        label="Verbal prompts", min_value=0, max_value=99, initial=0
    )
    prompts_gestural = forms.IntegerField(
        label="Gestural prompts (pointing, showing)", min_value=0, max_value=99, initial=0
    )
    prompts_physical = forms.IntegerField(
        label="Physical prompts (guiding)", min_value=0, max_value=99, initial=0
    )
    how_felt = forms.ChoiceField(
        label="How the person felt",
        choices=[("", "Not said"), *PracticeSession.Feeling.choices],
        required=False,
    )
    persons_words = forms.CharField(
        label="What they said, in their own words",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = list(competencies)
        for c in self.competencies:
            self.fields[f"c{c.pk}"] = forms.ChoiceField(
                label=c.text, choices=SHOWN, widget=forms.RadioSelect, initial="not_shown"
            )

    def competency_fields(self):
        return [self[f"c{c.pk}"] for c in self.competencies]

    def other_fields(self):
        names = {f"c{c.pk}" for c in self.competencies}
        return [f for f in self.visible() if f.name not in names]

    def results(self) -> list[dict[str, Any]]:
        out = []
        for c in self.competencies:
            value = self.cleaned_data[f"c{c.pk}"]
            out.append(
                {"competency": c.pk, "shown": value != "not_shown", "prompted": value == "prompted"}
            )
        return out


class TravelLogForm(RecordForm):
    planned_route = forms.CharField(max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].label = "Set off at"


class KeyForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=new_key)


class CheckInMadeForm(KeyForm):
    made_at = forms.DateTimeField(
        label="Checked in at",
        widget=DateTimeLocalInput(),
        input_formats=_TIME_FORMATS,
        required=False,
        help_text="Leave empty for now.",
    )


class FollowUpForm(KeyForm):
    follow_up = forms.CharField(label="What you did", widget=forms.Textarea(attrs={"rows": 2}))


class TripFinishForm(KeyForm):
    returned_at = forms.DateTimeField(
        label="Back at",
        widget=DateTimeLocalInput(),
        input_formats=_TIME_FORMATS,
        required=False,
        help_text="Leave empty for now.",
    )
    what_happened = forms.CharField(
        label="Anything that happened", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RiskIncidentForm(RecordForm):
    incident_type = forms.ChoiceField(
        label="Type", choices=Incident.Type.choices, initial=Incident.Type.TRAVEL
    )
    severity = forms.ChoiceField(choices=Incident.Severity.choices, widget=forms.RadioSelect)
    what_happened = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    actions_taken = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
