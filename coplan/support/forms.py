from django import forms

from coplan.planning.models import Decision
from coplan.support.models import RhythmEntry, StaffInstruction, Weekday


class DecisionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Decision) -> str:
        status = "" if obj.is_agreed else f" ({obj.get_status_display().lower()})"
        return f"{obj.question}{status}"


def _decisions_field(queryset, help_text: str) -> DecisionChoiceField:
    return DecisionChoiceField(
        queryset=queryset,
        widget=forms.CheckboxSelectMultiple,
        label="Decisions it comes from",
        help_text=help_text,
    )


class VersionForm(forms.Form):
    """What a new version of a routine or rhythm says, with the decisions behind it."""

    name = forms.CharField(max_length=120)
    agency_summary = forms.CharField(
        label="Shift summary for agency staff",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="A few short lines, one a line. Agency staff confirm reading it.",
    )
    change_reason = forms.CharField(
        label="What changed and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    activate = forms.BooleanField(
        label="Put it in force on shift now (needs an agreed decision)", required=False
    )

    def __init__(self, *args, decisions, revising: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decisions"] = _decisions_field(
            decisions,
            "A routine or rhythm is in force only when it cites an agreed decision."
            if not revising
            else "Cite the decision that changed it.",
        )
        if revising:
            del self.fields["activate"]
            self.fields["change_reason"].required = True
        else:
            del self.fields["change_reason"]


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


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class StepForm(forms.Form):
    title = forms.CharField(max_length=150)
    agreed_words = forms.CharField(
        label="The words to use", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    window_start = forms.TimeField(label="From", widget=TimeInput(), required=False)
    window_end = forms.TimeField(label="Until", widget=TimeInput(), required=False)
    avoid = forms.CharField(
        label="What to avoid", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    picture = forms.CharField(
        max_length=60, required=False, help_text="A pictogram name, e.g. breakfast."
    )


class EntryForm(forms.Form):
    day = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    time = forms.TimeField(widget=TimeInput(), required=False)
    activity = forms.CharField(max_length=150)
    kind = forms.ChoiceField(choices=RhythmEntry.Kind.choices)
    notes = forms.CharField(max_length=300, required=False)


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


class InstructionForm(forms.ModelForm):
    class Meta:
        model = StaffInstruction
        fields = ["category", "title", "text", "is_active"]
        labels = {"is_active": "In force on shift (needs an agreed decision)"}

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decisions"] = _decisions_field(
            decisions, "An instruction is in force only when it cites an agreed decision."
        )
        if self.instance.pk:
            self.fields["decisions"].initial = list(
                self.instance.decisions.values_list("pk", flat=True)
            )
