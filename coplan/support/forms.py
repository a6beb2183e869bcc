from django import forms
from django.utils import timezone

from coplan.lib.forms import DateTimeLocalInput
from coplan.pictures.widgets import PictureField
from coplan.planning.models import Decision
from coplan.support.models import RhythmEntry, StaffInstruction, Weekday


class DecisionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Decision) -> str:
        status = "" if obj.is_agreed else f" ({obj.get_status_display().lower()})"
        return f"{obj.question}{status}"


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class VersionForm(forms.Form):
    """What a version of a plan element says, with the decisions behind it and when it is in
    force. A change carries the element's version it was based on (hidden), so a change
    made meanwhile by someone else is shown, never overwritten."""

    name = forms.CharField(max_length=120)
    agency_summary = forms.CharField(
        label="Shift summary for agency staff",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="A few short lines, one a line. Agency staff confirm reading it.",
    )
    summary_confirmed = forms.BooleanField(
        label="The shift summary still fits this new version",
        required=False,
        help_text="Tick this if you changed what staff do but the summary stays right.",
    )
    change_reason = forms.CharField(
        label="What changed and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    effective_from = forms.DateTimeField(
        label="In force from",
        widget=DateTimeLocalInput(),
        initial=_now_minute,
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="Now, or later (e.g. tomorrow 07:00): until then the version before stays "
        "in force on shift.",
    )
    activate = forms.BooleanField(
        label="Put it in force on shift (needs an agreed decision)", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    ORDER = [
        "category",
        "name",
        "title",
        "text",
        "decisions",
        "alternatives",
        "preparation",
        "choice_prompt",
        "change_reason",
        "agency_summary",
        "summary_confirmed",
        "effective_from",
        "activate",
    ]

    def __init__(self, *args, decisions, revising: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decisions"] = DecisionChoiceField(
            queryset=decisions,
            widget=forms.CheckboxSelectMultiple,
            label="Decisions it comes from",
            help_text="Cite the decision that changed it."
            if revising
            else "It is in force on shift only when it cites an agreed decision.",
        )
        if revising:
            del self.fields["activate"]
            self.fields["change_reason"].required = True
            self.fields["version"].required = True
        else:
            for name in ("change_reason", "summary_confirmed", "version"):
                del self.fields[name]
        self.order_fields(self.ORDER)

    def visible(self):
        return [f for f in self if not f.is_hidden]


class RhythmVersionForm(VersionForm):
    alternatives = forms.CharField(
        label="Agreed alternatives when plans change",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One a line.",
    )
    preparation = forms.CharField(
        label="Preparation the night before",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One a line, e.g. clothes, travel card, preferred snack.",
    )
    choice_prompt = forms.CharField(
        label="Choice-prompt script",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The words to offer a choice once, instead of repeated questions.",
    )


class InstructionVersionForm(VersionForm):
    category = forms.ChoiceField(choices=StaffInstruction.Category.choices)
    title = forms.CharField(max_length=150)
    text = forms.CharField(label="What staff do", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["name"]  # an instruction has a title instead


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


# Opts a field the person will read into the live plain-language check (coplan/easyread;
# static/js/plain-check.js adds the box the result goes in).
PLAIN_CHECK = {
    "data-plain-check": "",
    "hx-post": "/easy/check/",
    "hx-trigger": "keyup changed delay:600ms",
    "hx-target": "next .plain-check",
    "hx-swap": "innerHTML",
}


class StepForm(forms.Form):
    title = forms.CharField(max_length=150, widget=forms.TextInput(attrs=PLAIN_CHECK))
    agreed_words = forms.CharField(
        label="The words to use",
        widget=forms.Textarea(attrs={"rows": 2, **PLAIN_CHECK}),
        required=False,
    )
    window_start = forms.TimeField(label="From", widget=TimeInput(), required=False)
    window_end = forms.TimeField(label="Until", widget=TimeInput(), required=False)
    avoid = forms.CharField(
        label="What to avoid", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    picture = PictureField(max_length=60)


class EntryForm(forms.Form):
    day = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    time = forms.TimeField(widget=TimeInput(), required=False)
    activity = forms.CharField(max_length=150)
    kind = forms.ChoiceField(choices=RhythmEntry.Kind.choices)
    notes = forms.CharField(max_length=300, required=False)
    picture = PictureField(max_length=60)


StepFormSet = forms.formset_factory(StepForm, extra=2, can_delete=True, max_num=30)
EntryFormSet = forms.formset_factory(EntryForm, extra=3, can_delete=True, max_num=40)


def rows_from(formset: forms.BaseFormSet) -> list[dict]:
    """Filled-in rows, in order, without the ones marked for removal."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


class ActiveForm(forms.Form):
    """Put in force on shift, or take out of force, from the version on the page."""

    active = forms.TypedChoiceField(choices=[("1", "in force"), ("0", "not")], coerce=int)
    version = forms.IntegerField()
