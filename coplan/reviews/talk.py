"""“I want to talk about…”: the person asks, in their own words, for something to be looked
at again. It is a review request (a trigger the person raised), and the team who plan with
them are told at once, with the person's words."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from coplan.accounts.models import User
from coplan.notifications.models import Kind
from coplan.notifications.services import notify
from coplan.people.models import Person
from coplan.reviews import alerts, services
from coplan.reviews.models import ReviewTrigger

WORDS_MAX = 2000


@transaction.atomic
def talk_request(*, person: Person, by: User, words: str) -> ReviewTrigger:
    """The person's own request, from their login or on a shared tablet (staff signed in,
    the person speaking): a trigger of kind "the person asked", and a notification to their
    team leaders, managers and key worker, named as the trigger's own so that it is told
    once however many stages announce it."""
    words = (words or "").strip()
    if not words:
        raise ValidationError({"words": "Say what you want to talk about."})
    if len(words) > WORDS_MAX:
        raise ValidationError({"words": f"Please use fewer than {WORDS_MAX} letters."})
    try:
        trigger = services.trigger_open_by_hand(
            person=person, by=by, reason=words, kind=ReviewTrigger.Kind.PERSON_ASKED
        )
    except ValidationError as exc:
        # The request is the trigger's reason: say what is wrong with it on the words.
        if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
            raise ValidationError({"words": exc.error_dict["reason"]}) from exc
        raise
    notify(
        recipients=alerts.responsible_for(person),
        kind=Kind.NEW_TRIGGER,
        title=f"{person.called} wants to talk about something",
        body=words,
        url=reverse("reviews:person", kwargs={"person_id": person.pk}) + "#triggers",
        event_key=f"trigger:{trigger.pk}",
    )
    return trigger
