"""Forms for building a risk plan and changing its stage. Forms validate input; the
services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from coplan.delivery.forms import DateTimeLocalInput, RecordForm
from coplan.delivery.idempotency import new_key
from coplan.delivery.models import Incident
from coplan.lib.forms import VersionedForm
from coplan.lib.text import lines_of
from coplan.planning.models import Decision, TakingPart
from coplan.risk.models import DEFAULT_OF_LAST, DEFAULT_SHOWN_IN, PracticeSession

STAGE_EXAMPLES = [
    "Accompanied, with active teaching",
    "Shadowing: staff follow at a distance",
    "Independent on the set route, with check-ins",
]


def parse_check_in_points(text: str) -> list[dict[str, Any]]:
    """'At the bus stop, 10' a line: a place and the minutes after setting off."""
    points = []
    for line in lines_of(text):
        label, sep, minutes = line.rpartition(",")
        if not sep or not minutes.strip().isdigit() or not label.strip():
            raise ValidationError(
                f"“{line}”: write each check-in as a place, a comma, then the minutes after "
                "setting off, e.g. “At the bus stop, 10”."
            )
        points.append({"point": label.strip(), "minutes": int(minutes)})
    return points


class RiskPlanForm(forms.Form):
    title = forms.CharField(max_length=150, help_text="E.g. “Travelling to college”.")
    safeguards = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What keeps the person safe at every stage.",
    )


class StageForm(forms.Form):
    title = forms.CharField(max_length=150, required=False, label="Stage")
    description = forms.CharField(
        label="What happens at this stage",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    competencies = forms.CharField(
        label="Competencies to show",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One a line, e.g. “Crosses the ring road at the lights”.",
    )
    shown_in = forms.IntegerField(
        label="Sessions needed", min_value=1, max_value=20, initial=DEFAULT_SHOWN_IN
    )
    of_last = forms.IntegerField(
        label="Out of the last", min_value=1, max_value=20, initial=DEFAULT_OF_LAST
    )
    is_independent = forms.BooleanField(
        label="The person goes on their own at this stage (trips logged with check-ins)",
        required=False,
    )
    check_in_points = forms.CharField(
        label="Check-in points",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="One a line: a place, a comma, the minutes after setting off.",
    )
    check_in_grace_minutes = forms.IntegerField(
        label="Minutes before a check-in counts as missed", min_value=0, max_value=120, initial=10
    )
    missed_check_in_action = forms.CharField(
        label="If a check-in is missed",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    safeguards = forms.CharField(
        label="Safeguards at this stage", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("check_in_points"):
            try:
                data["check_in_points"] = parse_check_in_points(data["check_in_points"])
            except ValidationError as exc:
                self.add_error("check_in_points", exc)
        else:
            data["check_in_points"] = []
        if data.get("title") and not lines_of(data.get("competencies", "")):
            self.add_error("competencies", "List at least one competency for this stage.")
        if (data.get("shown_in") or 0) > (data.get("of_last") or 0):
            self.add_error("shown_in", "The sessions needed cannot be more than “out of the last”.")
        return data

    def stage(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("title"):
            return None
        return {
            "title": data["title"],
            "description": data["description"],
            "competencies": lines_of(data["competencies"]),
            "shown_in": data["shown_in"],
            "of_last": data["of_last"],
            "is_independent": data["is_independent"],
            "check_in_points": data["check_in_points"],
            "check_in_grace_minutes": data["check_in_grace_minutes"],
            "missed_check_in_action": data["missed_check_in_action"],
            "safeguards": data["safeguards"],
        }


StageFormSet = forms.formset_factory(StageForm, extra=0, min_num=1, max_num=6)


def stage_initial() -> list[dict[str, Any]]:
    return [
        {"title": t, "is_independent": i == 2, "shown_in": DEFAULT_SHOWN_IN, "of_last": 4}
        for i, t in enumerate(STAGE_EXAMPLES)
    ]


class StageChangeForm(VersionedForm, forms.Form):
    expected_stage = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the person showed, or what happened, in words they would recognise.",
    )
    person_took_part = forms.ChoiceField(
        label="How the person took part",
        choices=[("", "They did not take part"), *TakingPart.choices],
        required=False,
        initial=TakingPart.IN_PERSON,
    )
    persons_words = forms.CharField(
        label="What the person said, in their own words",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    person_agrees = forms.ChoiceField(
        label="Does the person agree",
        choices=[("", "Not recorded"), *Decision.PersonAgrees.choices],
        required=False,
    )


class StepBackForm(StageChangeForm):
    more_restrictive_reason = forms.CharField(
        label="Why a more restrictive stage is needed",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Stepping back is more restrictive than staying: say why staying is not "
        "workable now. An incident on its own is a reason for a mini-review, not a step back.",
    )
    staying_workable = forms.BooleanField(
        label="Staying at the current stage is still workable",
        required=False,
        initial=True,
    )


# Records on shift ----------------------------------------------------------------------

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
