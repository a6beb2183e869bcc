"""Shared by the modules of this package: part of coplan.reviews.services."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from coplan.access import rules as access
from coplan.access.rules import Speaker
from coplan.accounts.models import User
from coplan.people.models import Person
from coplan.reviews.models import (
    QUESTIONS,
    Perspective,
    ReviewTrigger,
)

CLOSE_NEEDS_REASON = "A trigger can only be closed by a review or with a recorded reason to wait."


ALREADY_CLOSED = "This trigger has already been closed."


REVIEW_CONCLUDED = "This review has already been concluded."


HAND_KINDS = {
    ReviewTrigger.Kind.PERSON_ASKED,
    ReviewTrigger.Kind.CIRCLE_ASKED,
    ReviewTrigger.Kind.NOT_PRACTICAL,
    ReviewTrigger.Kind.PROGRESSION,
}


QUESTION_FIELDS = [name for name, _ in QUESTIONS]


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _author(person: Person, by: User, kind: str | None, name: str) -> tuple[str, str, bool]:
    """Whose words these are: (perspective, name, written down on their behalf). The person
    and their circle, from their own logins, always speak for themselves; staff say whose
    words they are writing down."""
    voice = access.voice_of(by, person)
    if voice.speaker == Speaker.PERSON:
        return Perspective.PERSON, person.called, False
    if voice.circle_member is not None:
        return Perspective.FAMILY, voice.circle_member.name, False
    if kind not in Perspective.values:
        raise ValidationError({"perspective": "Say whose view this is."})
    if kind == Perspective.STAFF:
        return kind, name.strip() or by.name, False
    if kind == Perspective.PERSON:
        return kind, name.strip() or person.called, True
    if not name.strip():
        raise ValidationError({"author": "Give the name of the person whose view this is."})
    return kind, name.strip(), True
