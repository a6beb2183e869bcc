from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from coplan.delivery.idempotency import new_key
from coplan.delivery.models import ActivityRecord, Incident, RoutineRun
from coplan.lib.forms import DateTimeLocalInput


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class RecordForm(forms.Form):
    """A shift record form: a hidden idempotency key made when the form is drawn, so a
    resend of the same form saves one record; and when it happened (now, unless changed).

    It drives its service: `record_kwargs()` is what the service takes besides the person
    and who records (the fields named in `service_fields`, and `links()`: the plan element
    it is about)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=new_key)
    occurred_at = forms.DateTimeField(
        label="When it happened",
        widget=DateTimeLocalInput(),
        initial=_now_minute,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="Change this if you are writing it down later.",
    )
    service_fields: tuple[str, ...] = ()

    def visible(self):
        return [f for f in self if not f.is_hidden]

    def links(self) -> dict[str, Any]:
        return {}

    def record_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "idempotency_key": data["idempotency_key"],
            "occurred_at": data["occurred_at"],
            **{name: data[name] for name in self.service_fields},
            **self.links(),
        }


class RoutineRunForm(RecordForm):
    """Each step with its picture and agreed words beside its tick box, and the order it was
    used in: a number per step, filled in as the boxes are ticked (static/js/step-order.js),
    or typed, without JavaScript. Unnumbered ticked steps follow, in the agreed order."""

    steps_used = forms.MultipleChoiceField(
        label="Steps used",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick each step as you use it, in the order you use it.",
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
    service_fields = ("outcome", "deviations", "distress_noticed", "distress_notes")

    def __init__(self, *args, routine, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.routine = routine
        self.version = version
        self.steps = list(version.steps.all())
        self.fields["steps_used"].choices = [(str(s.pk), s.title) for s in self.steps]
        for step in self.steps:
            self.fields[f"order_{step.pk}"] = forms.IntegerField(
                label=f"Order used: {step.title}",
                required=False,
                min_value=1,
                max_value=len(self.steps),
                widget=forms.NumberInput(attrs={"class": "order-input", "inputmode": "numeric"}),
            )

    def step_rows(self) -> list[dict[str, Any]]:
        """For the template: each step with its tick box and its order box."""
        boxes = {str(b.data["value"]): b for b in self["steps_used"]}
        return [
            {"step": s, "box": boxes[str(s.pk)], "order": self[f"order_{s.pk}"]} for s in self.steps
        ]

    def main_fields(self):
        return [
            f for f in self.visible() if f.name != "steps_used" and not f.name.startswith("order_")
        ]

    def clean(self):
        data = super().clean()
        ticked = {int(s) for s in data.get("steps_used", [])}
        numbered = {s.pk: data.get(f"order_{s.pk}") for s in self.steps}
        numbers = [n for n in numbered.values() if n is not None]
        if len(numbers) != len(set(numbers)):
            raise ValidationError("Give each step you used its own number in the order.")
        used = [s for s in self.steps if s.pk in ticked or numbered[s.pk] is not None]
        # Numbered first, by number; ticked without a number after, in the agreed order.
        used.sort(key=lambda s: (numbered[s.pk] is None, numbered[s.pk] or 0, s.position))
        data["ordered_steps"] = [s.pk for s in used]
        return data

    def links(self) -> dict[str, Any]:
        return {"routine": self.routine, "steps_used": self.cleaned_data["ordered_steps"]}


class StepTickForm(forms.Form):
    """One tap on a step of the live checklist: the key the page made for this tap (sent
    again, unchanged, when the tap is retried) and when the phone says it was tapped."""

    idempotency_key = forms.UUIDField()
    step = forms.IntegerField(min_value=1)
    tapped_at = forms.DateTimeField(required=False)


class ChecklistFinishForm(forms.Form):
    """The routine done: how it went, what was different and why, any distress."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=new_key)
    outcome = forms.ChoiceField(
        label="How did it go?", choices=RoutineRun.Outcome.choices, widget=forms.RadioSelect
    )
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

    def service_kwargs(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("outcome", "deviations", "distress_noticed", "distress_notes")
        } | {"idempotency_key": self.cleaned_data["idempotency_key"]}


OTHER = "__other__"


class ActivityRecordForm(RecordForm):
    """The activity as offered and chosen: the rhythm's options for the day and its agreed
    alternatives are big radio buttons (`offered_pick`, `chosen_pick`), with "something
    else" and words for anything not on the list; what the person chose is the pick plus,
    if wanted, their own words."""

    offered_pick = forms.ChoiceField(
        label="What was offered", widget=forms.RadioSelect, required=False
    )
    chosen_pick = forms.ChoiceField(
        label="What did they choose?", widget=forms.RadioSelect, required=False
    )

    offered = forms.CharField(
        label="What was offered", max_length=300, required=False, help_text="If not listed."
    )
    outcome = forms.ChoiceField(
        label="What happened",
        choices=ActivityRecord.Outcome.choices,
        widget=forms.RadioSelect,
        initial=ActivityRecord.Outcome.TOOK_PART,
    )
    chosen = forms.CharField(label="Something else they chose", max_length=300, required=False)
    persons_words = forms.CharField(
        label="What they said, in their own words (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
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
    service_fields = (
        "offered",
        "outcome",
        "chosen",
        "adjustments",
        "decline_reason",
        "alternative_offered",
        "persons_words",
    )
    field_order = [
        "occurred_at",
        "outcome",
        "offered_pick",
        "offered",
        "chosen_pick",
        "chosen",
        "persons_words",
        "adjustments",
        "decline_reason",
        "alternative_offered",
    ]

    def __init__(self, *args, entry=None, options: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.options = list(dict.fromkeys(options or ([entry.activity] if entry else [])))
        if self.options:
            picks = [(o, o) for o in self.options]
            for name in ("offered_pick", "chosen_pick"):
                cast(forms.ChoiceField, self.fields[name]).choices = [
                    *picks,
                    (OTHER, "Something else"),
                ]
            self.fields["offered"].label = "Something else offered"
            if entry is not None and not self.is_bound:
                self.fields["offered_pick"].initial = entry.activity
        else:
            del self.fields["offered_pick"]
            del self.fields["chosen_pick"]

    def rows(self) -> list[dict[str, Any]]:
        """For the template: each visible field, radio choices drawn as big buttons."""
        return [{"radio": f.widget_type == "radioselect", "fields": [f]} for f in self.visible()]

    def clean(self):
        data = super().clean()
        for pick, text in (("offered_pick", "offered"), ("chosen_pick", "chosen")):
            chose = data.get(pick)
            if chose and chose != OTHER:
                data[text] = chose
        if not (data.get("offered") or "").strip():
            self.add_error(
                "offered" if "offered_pick" not in self.fields else "offered_pick",
                "Say what was offered.",
            )
        return data

    def links(self) -> dict[str, Any]:
        if self.entry is None:
            return {}
        return {"rhythm": self.entry.version.rhythm, "entry": self.entry}


class DailyNoteForm(RecordForm):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}))
    persons_words = forms.CharField(
        label="What the person said, in their own words",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    service_fields = ("text", "persons_words")


class _PlanLinkForm(RecordForm):
    """A record that may name the routine or rhythm in force it is about."""

    plan_element = forms.ChoiceField(label="Part of the plan involved")
    none_label: str | None = None

    def __init__(self, *args, routines, rhythms, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            *[(f"routine:{r.pk}", r.name) for r in routines],
            *[(f"rhythm:{r.pk}", r.name) for r in rhythms],
        ]
        if self.none_label is not None:
            choices.insert(0, ("", self.none_label))
        self.fields["plan_element"].choices = choices
        self._elements = {
            **{f"routine:{r.pk}": ("routine", r) for r in routines},
            **{f"rhythm:{r.pk}": ("rhythm", r) for r in rhythms},
        }

    def links(self) -> dict[str, Any]:
        found = self._elements.get(self.cleaned_data.get("plan_element") or "")
        return {found[0]: found[1]} if found else {}


class IncidentForm(_PlanLinkForm):
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
    none_label = "None, or another part"
    field_order = [
        "occurred_at",
        "incident_type",
        "severity",
        "what_happened",
        "actions_taken",
        "plan_element",
        "other_plan_element",
    ]
    service_fields = (
        "incident_type",
        "severity",
        "what_happened",
        "actions_taken",
        "other_plan_element",
    )


class HandoverNoteForm(RecordForm):
    summary = forms.CharField(label="How the shift went", widget=forms.Textarea(attrs={"rows": 4}))
    watch_for = forms.CharField(
        label="For the next shift", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    service_fields = ("summary", "watch_for")


class PracticalityFlagForm(_PlanLinkForm):
    plan_element = forms.ChoiceField(label="Which part of the plan is not practical")
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 4}))
    service_fields = ("what_happened",)


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
