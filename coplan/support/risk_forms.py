"""Forms for building a risk plan and changing its stage. Forms validate input; the
services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from coplan.planning.models import Decision, TakingPart
from coplan.support.risk_models import DEFAULT_OF_LAST, DEFAULT_SHOWN_IN

STAGE_EXAMPLES = [
    "Accompanied, with active teaching",
    "Shadowing: staff follow at a distance",
    "Independent on the set route, with check-ins",
]


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def parse_check_in_points(text: str) -> list[dict[str, Any]]:
    """'At the bus stop, 10' a line: a place and the minutes after setting off."""
    points = []
    for line in _lines(text):
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
        if data.get("title") and not _lines(data.get("competencies", "")):
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
            "competencies": _lines(data["competencies"]),
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


class StageChangeForm(forms.Form):
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
