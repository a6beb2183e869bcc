"""Forms validate input; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms

from coplan.lib.forms import DateInput, DateTimeLocalInput, VersionedForm
from coplan.lib.text import lines_of
from coplan.people.models import CommunicationNeed, Person
from coplan.pictures.widgets import PictureField
from coplan.planning import selectors
from coplan.planning.models import (
    AgendaPrompt,
    ContingencyPlan,
    CoproductionSession,
    Decision,
    DecisionOption,
    DecisionParticipant,
    Goal,
    GoalAction,
    ParticipantKind,
    SessionChoice,
    SessionInvitee,
    TakingPart,
)

# Opts a field the person will read into the live plain-language check (coplan/easyread;
# static/js/plain-check.js adds the box the result goes in).
PLAIN_CHECK = {
    "data-plain-check": "",
    "hx-post": "/easy/check/",
    "hx-trigger": "keyup changed delay:600ms",
    "hx-target": "next .plain-check",
    "hx-swap": "innerHTML",
}


def _small_textareas(form: forms.Form, rows: int = 3) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.setdefault("rows", rows)


class RowForm(forms.Form):
    """A row of an inline list (options, participants...). `id` ties it to the saved row."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def row(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "DELETE"}


def rows_from(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The rows the user kept: filled-in rows not marked for removal."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        rows.append(form.row())
    return rows


def initial_rows(queryset, fields: list[str]) -> list[dict[str, Any]]:
    return [{"id": obj.pk, **{f: getattr(obj, f) for f in fields}} for obj in queryset]


def _model_row_form(model, fields: list[str], **extra_attrs) -> type[RowForm]:
    """A RowForm with the model's own fields (labels, lengths, choices) for `fields`."""
    model_fields = forms.fields_for_model(model, fields=fields, **extra_attrs)
    return type(f"{model.__name__}RowForm", (RowForm,), dict(model_fields))


# Agenda prompt library -----------------------------------------------------------------


class AgendaPromptForm(forms.ModelForm):
    class Meta:
        model = AgendaPrompt
        fields = ["domain", "text", "position", "is_active"]
        labels = {"text": "The question, in plain words", "is_active": "Offer this prompt"}


# Sessions ------------------------------------------------------------------------------


SESSION_FIELDSETS = [
    ("The session", ["purpose", "domain", "is_risk_workshop", "scheduled_for", "location"]),
    ("Agenda", ["library_prompts", "free_prompts"]),
    ("Accessible information", ["information_prepared", "information_formats"]),
]


class SessionForm(VersionedForm, forms.ModelForm):
    library_prompts = forms.MultipleChoiceField(
        label="Agenda prompts from the library",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick the questions to ask. They are grouped by what the session is about.",
    )
    free_prompts = forms.CharField(
        label="Other prompts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your own questions, one a line.",
    )
    information_formats = forms.MultipleChoiceField(
        label="Formats prepared",
        required=False,
        choices=CommunicationNeed.Format.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked from the person's communication needs. Change if needed.",
    )

    class Meta:
        model = CoproductionSession
        fields = [
            "purpose",
            "domain",
            "is_risk_workshop",
            "scheduled_for",
            "location",
            "information_prepared",
            "information_formats",
            "notes",
        ]
        widgets = {"scheduled_for": DateTimeLocalInput()}
        labels = {
            "purpose": "What the session is for",
            "domain": "What it is about",
            "scheduled_for": "Date and time",
            "is_risk_workshop": "This is a risk workshop",
        }

    def __init__(self, *args, prompts, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_for"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        labels: dict[str, list[tuple[str, str]]] = {}
        domain_labels = dict(CoproductionSession._meta.get_field("domain").choices)
        for prompt in prompts:
            labels.setdefault(domain_labels[prompt.domain], []).append((prompt.text, prompt.text))
        library_texts = {p.text for p in prompts}
        self.fields["library_prompts"].choices = [
            (label, labels[label]) for label in domain_labels.values() if label in labels
        ]
        if self.instance.pk:
            chosen = self.instance.prompts or []
            self.initial["library_prompts"] = [p for p in chosen if p in library_texts]
            self.initial["free_prompts"] = "\n".join(p for p in chosen if p not in library_texts)
            self.initial["information_formats"] = self.instance.information_formats
        else:
            self.initial.setdefault(
                "information_formats", selectors.default_information_formats(person)
            )
        self._library_order = [p.text for p in prompts]
        _small_textareas(self)

    def fieldsets(self):
        for legend, names in SESSION_FIELDSETS:
            yield legend, [self[name] for name in names]

    def service_fields(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        picked = set(self.cleaned_data.get("library_prompts") or [])
        prompts = [t for t in self._library_order if t in picked]
        prompts += [
            p for p in lines_of(self.cleaned_data.get("free_prompts", "")) if p not in prompts
        ]
        data["prompts"] = prompts
        data["information_formats"] = list(self.cleaned_data.get("information_formats") or [])
        return data


ChoiceRowForm = _model_row_form(
    SessionChoice,
    ["label", "detail", "picture"],
    widgets={"label": forms.TextInput(attrs=PLAIN_CHECK)},
    field_classes={"picture": PictureField},
    help_texts={"picture": PictureField.HELP},
)
ChoiceFormSet = forms.formset_factory(ChoiceRowForm, extra=3, can_delete=True)


class InviteeRowForm(_model_row_form(SessionInvitee, ["kind", "name", "circle_member"])):
    def __init__(self, *args, circle=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circle_member"].queryset = circle
        self.fields["circle_member"].label = "Circle member (if they are one)"


InviteeFormSet = forms.formset_factory(InviteeRowForm, extra=2, can_delete=True)


class TakingPartRowForm(RowForm):
    took_part = forms.TypedChoiceField(
        label="Took part",
        choices=[("", "Not recorded"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
    )
    how = forms.ChoiceField(
        label="How they took part", choices=[("", "—"), *TakingPart.choices], required=False
    )


TakingPartFormSet = forms.formset_factory(TakingPartRowForm, extra=0)


class HeldForm(VersionedForm, forms.Form):
    held_at = forms.DateTimeField(
        label="When it was held", widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    notes = forms.CharField(
        label="Notes from the session", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SessionViewForm(forms.Form):
    on_behalf_of = forms.ChoiceField(label="Whose view is this?", required=False)
    text = forms.CharField(label="Their view", widget=forms.Textarea(attrs={"rows": 5}))
    how_given = forms.ChoiceField(
        label="How the view was given", choices=[("", "—"), *TakingPart.choices], required=False
    )

    def __init__(self, *args, person: Person, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            choices = [("person", f"{person.called} (the person)")]
            choices += [
                (
                    f"circle:{m.pk}",
                    f"{m.name} ({m.relationship or m.get_relationship_type_display()})",
                )
                for m in person.circle.filter(is_active=True)
            ]
            choices.append(("self", "My own view, as staff"))
            self.fields["on_behalf_of"].choices = choices
            self.fields["on_behalf_of"].required = True
            self.fields[
                "on_behalf_of"
            ].help_text = (
                "When you write down someone else's view, the record says you wrote it for them."
            )
        else:
            del self.fields["on_behalf_of"]
            self.fields["text"].label = "Your view"
            self.fields["how_given"].widget = forms.HiddenInput()


# Decisions -----------------------------------------------------------------------------

DECISION_FIELDSETS = [
    ("The decision", ["session", "domain", "question", "what_matters", "goal_kept"]),
    (
        "What was agreed",
        ["agreed", "reason", "persons_words", "person_agrees", "more_restrictive_reason"],
    ),
    ("Involvement", ["why_person_not_involved", "information_withheld"]),
    ("Capacity", ["capacity", "capacity_notes"]),
    (
        "Best-interests checklist (Mental Capacity Act, section 4)",
        [
            "bi_practicable_steps",
            "bi_encouraged",
            "bi_wishes",
            "bi_others_views",
            "bi_least_restrictive",
        ],
    ),
    ("Review and final say", ["review_by", "review_triggers", "agreement_entry", "final_say"]),
]


class DecisionForm(VersionedForm, forms.ModelForm):
    agreement_entry = forms.ChoiceField(
        label="From the decision-making agreement",
        required=False,
        help_text="Pick the kind of decision to fill in who has the final say.",
    )

    class Meta:
        model = Decision
        fields = [
            name for _, names in DECISION_FIELDSETS for name in names if name != "agreement_entry"
        ]
        widgets = {"review_by": DateInput()}

    def __init__(self, *args, person: Person, agreement: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = person.sessions.all()
        self.fields["session"].label = "From session"
        self._agreement = {str(e.pk): e for e in agreement}
        self.fields["agreement_entry"].choices = [("", "—")] + [
            (str(e.pk), f"{e.decision_kind}: {e.final_say}") for e in agreement
        ]
        for name in [
            "bi_practicable_steps",
            "bi_encouraged",
            "bi_wishes",
            "bi_others_views",
            "bi_least_restrictive",
        ]:
            self.fields[name].help_text = "Required to agree a best-interests decision."
        _small_textareas(self)

    def clean(self):
        data = super().clean()
        entry = self._agreement.get(data.get("agreement_entry") or "")
        if entry is not None and not data.get("final_say"):
            data["final_say"] = entry.final_say
        return data

    def fieldsets(self):
        for legend, names in DECISION_FIELDSETS:
            yield legend, [self[name] for name in names]

    def service_fields(self) -> dict[str, Any]:
        return {
            k: v for k, v in self.cleaned_data.items() if k not in ("agreement_entry", "version")
        }


class AgreeForm(VersionedForm, forms.Form):
    """The deliberate step of agreeing: a tick, and the version of the draft the page showed."""

    confirm = forms.BooleanField(
        label="I have checked who took part and how, what the person said and whether they "
        "agree, the options, the one chosen and why. Agree this decision: once agreed, it "
        "cannot be changed.",
        required=False,
    )


OPTION_ROW_FIELDS = [
    "label",
    "benefits",
    "risks",
    "safeguards",
    "proposed_by",
    "restrictiveness",
    "is_workable",
    "is_chosen",
]
OptionRowForm = _model_row_form(
    DecisionOption,
    OPTION_ROW_FIELDS,
    labels={"is_workable": "Workable", "is_chosen": "This is the option chosen"},
    widgets={
        "benefits": forms.Textarea(attrs={"rows": 2}),
        "risks": forms.Textarea(attrs={"rows": 2}),
        "safeguards": forms.Textarea(attrs={"rows": 2}),
    },
)
OptionFormSet = forms.formset_factory(OptionRowForm, extra=2, can_delete=True)

PARTICIPANT_ROW_FIELDS = ["kind", "name", "role", "how"]
ParticipantRowForm = _model_row_form(DecisionParticipant, PARTICIPANT_ROW_FIELDS)
ParticipantFormSet = forms.formset_factory(ParticipantRowForm, extra=2, can_delete=True)


def participant_initial(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "kind": ParticipantKind.PERSON,
            "name": person.called,
            "role": "the person",
            "how": TakingPart.IN_PERSON,
        }
    ]


# Goals ---------------------------------------------------------------------------------


class GoalForm(VersionedForm, forms.ModelForm):
    checklist_text = forms.CharField(
        label="Checklist items",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a checklist: one item a line.",
    )
    decisions = forms.ModelMultipleChoiceField(
        label="Linked decisions",
        queryset=Decision.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Goal
        fields = [
            "in_own_words",
            "picture",
            "importance",
            "success_looks_like",
            "measure",
            "measure_unit",
            "target_value",
            "scale_max",
            "target_date",
            "status",
            "status_reason",
        ]
        widgets = {
            "target_date": DateInput(),
            "in_own_words": forms.TextInput(attrs=PLAIN_CHECK),
        }
        field_classes = {"picture": PictureField}
        help_texts = {"picture": PictureField.HELP}
        labels = {
            "scale_max": "Top of the rating scale",
            "status_reason": "Why (needed if paused or dropped)",
        }

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decisions"].queryset = person.decisions.order_by("-created_at")
        if self.instance.pk:
            self.initial["checklist_text"] = "\n".join(self.instance.checklist)
            self.initial["decisions"] = list(self.instance.decisions.all())
        _small_textareas(self)

    def service_fields(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data["checklist"] = lines_of(self.cleaned_data.get("checklist_text", ""))
        return data


ActionRowForm = _model_row_form(
    GoalAction, ["what", "who", "when", "review_on", "is_done"], widgets={"review_on": DateInput()}
)
ActionFormSet = forms.formset_factory(ActionRowForm, extra=2, can_delete=True)


class ProgressForm(forms.Form):
    recorded_on = forms.DateField(label="Date", widget=DateInput())
    value = forms.IntegerField(label="Value", required=False)
    checklist_done = forms.MultipleChoiceField(
        label="Items done", required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    persons_words = forms.CharField(
        label="What the person said, in their own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, goal: Goal, **kwargs):
        super().__init__(*args, **kwargs)
        if goal.measure == Goal.Measure.CHECKLIST:
            del self.fields["value"]
            self.fields["checklist_done"].choices = [(i, i) for i in goal.checklist]
        else:
            del self.fields["checklist_done"]
            if goal.measure == Goal.Measure.RATING:
                self.fields["value"].label = f"Rating (1 to {goal.scale_max})"
            else:
                self.fields[
                    "value"
                ].label = f"Count{f' ({goal.measure_unit})' if goal.measure_unit else ''}"


class ContingencyPlanForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = ContingencyPlan
        fields = ["triggers", "what_should_happen", "who_to_contact", "coping_strategies"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small_textareas(self, 4)
