"""Forms validate input; services save. Fields that only staff fill in (whose words these
are, how the person answered) are added only for staff, since the person and their circle
always speak for themselves."""

from __future__ import annotations

from typing import Any

from django import forms

from coplan.lib.forms import DateInput
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.reviews.models import (
    QUESTIONS,
    CheckIn,
    CheckInAnswer,
    Perspective,
    Review,
    ReviewTrigger,
)
from coplan.reviews.services import HAND_KINDS
from coplan.reviews.sources import Item


def _text(label: str, rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def faces_for(person: Person) -> list[tuple[str, str]]:
    """The faces the person is offered: as many choices as their decision-making profile
    says they can take at once. Two ("worked", "didn't work") for two choices at a time,
    and never fewer, since one face is no choice; all three from three."""
    profile = getattr(person, "decision_profile", None) if person.pk else None
    at_once = profile.choices_at_once if profile is not None else len(CheckInAnswer.Answer)
    if at_once >= len(CheckInAnswer.Answer):
        return list(CheckInAnswer.Answer.choices)
    A = CheckInAnswer.Answer
    return [(A.WORKED.value, A.WORKED.label), (A.DIDNT_WORK.value, A.DIDNT_WORK.label)]


class CheckInForm(forms.Form):
    """One set of picture answers for each thing asked about, plus optional words. Staff say
    whose answers they are writing down: the person's, given with them; a named family
    member's, told to them; or their own view."""

    def __init__(
        self,
        *args: Any,
        items: list[Item],
        staff: bool,
        person: Person,
        faces: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.items = items
        self.staff = staff
        # The person taps as many faces as they can choose between; staff see them all.
        answer_choices = faces or (CheckInAnswer.Answer.choices if staff else faces_for(person))
        self._circle = {str(m.pk): m for m in person.circle.filter(is_active=True)}
        answered_by = [
            (CheckIn.AnsweredBy.STAFF_WITH_PERSON, f"{person.called}'s answers, given with me"),
            *[
                (f"family:{pk}", f"{m}: their answers, told to me")
                for pk, m in self._circle.items()
            ],
            (CheckIn.AnsweredBy.STAFF, "My own view, as staff"),
        ]
        for item in items:
            self.fields[f"answer_{item.key}"] = forms.ChoiceField(
                label=item.label,
                choices=answer_choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"words_{item.key}"] = forms.CharField(
                label="In your own words (if you want)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["other_label"] = forms.CharField(
            label="Something else (if you want)", required=False, max_length=300
        )
        self.fields["other_answer"] = forms.ChoiceField(
            label="Something else",
            choices=answer_choices,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["words"] = _text("Anything else to say (if you want)", rows=2)
        if staff:
            self.fields["answered_by"] = forms.ChoiceField(
                label="Whose answers are these?",
                choices=answered_by,
                help_text="Each person who answers keeps their own check-in for the week.",
            )
            self.fields["how"] = forms.ChoiceField(
                label="How were the answers given?", choices=CheckIn.How.choices
            )
            self.fields["week_start"] = forms.DateField(
                label="Week beginning (a Monday)", required=False, widget=DateInput()
            )

    def who_fields(self) -> list[forms.BoundField]:
        return [self["answered_by"]] if self.staff else []

    def how_fields(self) -> list[forms.BoundField]:
        return [self["how"], self["week_start"]] if self.staff else []

    def rows(self) -> list[tuple[Item, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"answer_{i.key}"], self[f"words_{i.key}"]) for i in self.items]

    def answers(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        out = [
            {
                "item_kind": item.kind,
                "item_id": item.id,
                "answer": data.get(f"answer_{item.key}"),
                "words": data.get(f"words_{item.key}", ""),
            }
            for item in self.items
        ]
        if data.get("other_label") or data.get("other_answer"):
            out.append(
                {
                    "item_kind": "other",
                    "item_label": data.get("other_label", ""),
                    "answer": data.get("other_answer") or None,
                }
            )
        return out

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {"answers": self.answers(), "words": data.get("words", "")}
        if self.staff:
            answered_by = data["answered_by"]
            if answered_by.startswith("family:"):
                kwargs["circle_member"] = self._circle.get(answered_by.removeprefix("family:"))
                answered_by = CheckIn.AnsweredBy.FAMILY
            kwargs.update(
                answered_by=answered_by,
                how=data["how"],
                week_start=data.get("week_start"),
            )
        return kwargs


class WorkingForm(forms.Form):
    working = _text("What is working")
    not_working = _text("What is not working")

    def __init__(self, *args: Any, staff: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["perspective"] = forms.ChoiceField(
                label="Whose view is this?", choices=Perspective.choices
            )
            self.fields["author"] = forms.CharField(
                label="Their name",
                required=False,
                max_length=150,
                help_text="For family and friends, give their name. Left empty for staff, "
                "your name is used.",
            )
            self.order_fields(["perspective", "author", "working", "not_working"])


class TriggerForm(forms.Form):
    reason = _text("Why is a review needed?", required=True)

    def __init__(self, *args: Any, staff: bool, person: Person, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["kind"] = forms.ChoiceField(
                label="What kind of reason",
                choices=[c for c in ReviewTrigger.Kind.choices if c[0] in HAND_KINDS],
            )
            self.fields["decision"] = forms.ModelChoiceField(
                label="Which decision (if one)",
                required=False,
                queryset=Decision.objects.filter(person=person, status=Decision.Status.AGREED),
            )
            self.fields["due_on"] = forms.DateField(
                label="Review by", required=False, widget=DateInput()
            )
            self.order_fields(["kind", "decision", "reason", "due_on"])


class CloseForm(forms.Form):
    closed_reason = _text("The reason to wait", required=False)


class ContributionForm(forms.Form):
    def __init__(self, *args: Any, staff: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["contributor_kind"] = forms.ChoiceField(
                label="Whose answers are these?", choices=Perspective.choices
            )
            self.fields["name"] = forms.CharField(
                label="Their name",
                required=False,
                max_length=150,
                help_text="Left empty for staff, your name is used.",
            )
        for name, label in QUESTIONS:
            self.fields[name] = _text(label)


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What did the review decide?",
        choices=Review.Outcome.choices,
        widget=forms.RadioSelect,
    )
    new_decisions = forms.ModelMultipleChoiceField(
        label="The new decisions it made",
        required=False,
        queryset=Decision.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Record them in the plan first, then link them here.",
    )
    keep_reason = _text("If we keep the plan as it is: why")
    next_review_on = forms.DateField(
        label="If we keep it: when we look again", required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["new_decisions"].queryset = Decision.objects.filter(
            person_id=review.person_id
        ).exclude(status=Decision.Status.SUPERSEDED)
        for name, label in QUESTIONS:
            self.fields[name] = _text(label)
            self.initial.setdefault(name, getattr(review, name))
        self.order_fields([n for n, _ in QUESTIONS] + list(self.fields))


class TalkForm(forms.Form):
    """“I want to talk about…”: a picture to tap, words of the person's own, or both."""

    # (value, what the person taps, its picture, how the team is told)
    TOPICS = [
        ("routine", "My day", "openmoji:23F0", "my day and my routines"),
        ("week", "My week", "openmoji:1F4C5", "my week and what I do"),
        ("goals", "My goals", "openmoji:2B50", "my goals"),
        ("people", "People", "openmoji:1F46A", "the people around me"),
        ("feelings", "How I feel", "openmoji:1F60C", "how I feel"),
        ("other", "Something else", "openmoji:1F4AC", "something else"),
    ]
    about = forms.ChoiceField(
        label="Tap a picture",
        choices=[(value, label) for value, label, _, _ in TOPICS],
        widget=forms.RadioSelect,
        required=False,
    )
    words = forms.CharField(
        label="Or say it in your words (if you want)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("about") and not (data.get("words") or "").strip():
            raise forms.ValidationError("Tap a picture, or say what you want to talk about.")
        return data

    def topics(self) -> list[tuple[object, str]]:
        """Each radio with its picture, for the tiles."""
        pictures = {value: picture for value, _, picture, _ in self.TOPICS}
        return [(radio, pictures[radio.data["value"]]) for radio in self["about"]]

    def request_words(self) -> str:
        """What the team is told: the topic tapped, then the person's own words."""
        told = {value: text for value, _, _, text in self.TOPICS}
        about = self.cleaned_data.get("about")
        words = (self.cleaned_data.get("words") or "").strip()
        if about and words:
            return f"I want to talk about {told[about]}: {words}"
        return f"I want to talk about {told[about]}." if about else words
