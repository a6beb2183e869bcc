from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from coplan.delivery import services
from coplan.delivery.idempotency import new_key
from coplan.delivery.models import ActivityRecord, Incident, RoutineRun
from coplan.lib.forms import DateTimeLocalInput


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class RecordForm(forms.Form):
    """A shift record form: a hidden idempotency key made when the form is drawn, so a
    resend of the same form saves one record; and when it happened (now, unless changed)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=new_key)
    occurred_at = forms.DateTimeField(
        label="When it happened",
        widget=DateTimeLocalInput(),
        initial=_now_minute,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="Change this if you are writing it down later.",
    )

    def visible(self):
        return [f for f in self if not f.is_hidden]


class RoutineRunForm(RecordForm):
    steps_used = forms.MultipleChoiceField(
        label="Steps used",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick each step you used. They are in the agreed order.",
    )
    outcome = forms.ChoiceField(choices=RoutineRun.Outcome.choices, widget=forms.RadioSelect)
    deviations = forms.CharField(
        label="What was different, and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed if you left out a step or changed the order.",
    )
    distress_noticed = forms.BooleanField(label="I noticed distress", required=False)
    distress_notes = forms.CharField(
        label="The distress, and what helped",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.steps = list(version.steps.all())
        self.fields["steps_used"].choices = [(str(s.pk), s.title) for s in self.steps]
        if not self.is_bound:
            self.fields["steps_used"].initial = [str(s.pk) for s in self.steps]

    def ordered_steps(self) -> list[int]:
        """Ticked steps, in the agreed order."""
        ticked = {int(s) for s in self.cleaned_data.get("steps_used", [])}
        return [s.pk for s in self.steps if s.pk in ticked]


class ActivityRecordForm(RecordForm):
    offered = forms.CharField(label="What was offered", max_length=300)
    outcome = forms.ChoiceField(
        label="What happened", choices=ActivityRecord.Outcome.choices, widget=forms.RadioSelect
    )
    chosen = forms.CharField(label="What the person chose", max_length=300, required=False)
    adjustments = forms.CharField(
        label="Adjustments made",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="E.g. quieter time, the predictable route, a different place.",
    )
    decline_reason = forms.CharField(
        label="If declined: why, in their words if you can",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    alternative_offered = forms.CharField(
        label="If declined: the alternative offered", max_length=300, required=False
    )

    def clean(self):
        data = super().clean()
        if "outcome" in data:
            try:
                services.activity_record_check(
                    outcome=data["outcome"],
                    chosen=data.get("chosen", ""),
                    adjustments=data.get("adjustments", ""),
                    decline_reason=data.get("decline_reason", ""),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        self.add_error(name if name in self.fields else None, errors)
                else:
                    self.add_error(None, exc)
        return data


class DailyNoteForm(RecordForm):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}))
    persons_words = forms.CharField(
        label="What the person said, in their own words",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class IncidentForm(RecordForm):
    incident_type = forms.ChoiceField(label="Type", choices=Incident.Type.choices)
    severity = forms.ChoiceField(choices=Incident.Severity.choices, widget=forms.RadioSelect)
    what_happened = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    actions_taken = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    plan_element = forms.ChoiceField(
        label="Part of the plan involved", required=False, help_text="If one was."
    )
    other_plan_element = forms.CharField(
        label="Another part of the plan", max_length=200, required=False
    )

    def __init__(self, *args, routines, rhythms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_element"].choices = [
            ("", "None, or another part"),
            *[(f"routine:{r.pk}", r.name) for r in routines],
            *[(f"rhythm:{r.pk}", r.name) for r in rhythms],
        ]
        self._routines = {r.pk: r for r in routines}
        self._rhythms = {r.pk: r for r in rhythms}

    def plan_link(self) -> dict:
        return _plan_link(self.cleaned_data.get("plan_element", ""), self._routines, self._rhythms)


def _plan_link(value: str, routines: dict, rhythms: dict) -> dict:
    kind, _, pk = (value or "").partition(":")
    if kind == "routine":
        return {"routine": routines[int(pk)]}
    if kind == "rhythm":
        return {"rhythm": rhythms[int(pk)]}
    return {}


class HandoverNoteForm(RecordForm):
    summary = forms.CharField(label="How the shift went", widget=forms.Textarea(attrs={"rows": 4}))
    watch_for = forms.CharField(
        label="For the next shift", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class PracticalityFlagForm(RecordForm):
    plan_element = forms.ChoiceField(label="Which part of the plan is not practical")
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, routines, rhythms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_element"].choices = [
            *[(f"routine:{r.pk}", r.name) for r in routines],
            *[(f"rhythm:{r.pk}", r.name) for r in rhythms],
        ]
        self._routines = {r.pk: r for r in routines}
        self._rhythms = {r.pk: r for r in rhythms}

    def plan_link(self) -> dict:
        return _plan_link(self.cleaned_data.get("plan_element", ""), self._routines, self._rhythms)


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError("The period must end on or after its start.")
            if (end - start).days > 366 * 3:
                raise ValidationError("Choose a period of 3 years or less.")
        return data


def default_period() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=27), today
