"""Triggers: part of coplan.reviews.services."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Speaker
from coplan.accounts.models import User
from coplan.lib.dates import day_label
from coplan.lib.errors import Conflict
from coplan.lib.services import apply_and_save
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.reviews import rules
from coplan.reviews.models import (
    ItemKind,
    Review,
    ReviewTrigger,
)
from coplan.reviews.services.common import ALREADY_CLOSED, CLOSE_NEEDS_REASON, HAND_KINDS


@transaction.atomic
def trigger_open_by_hand(
    *,
    person: Person,
    by: User,
    reason: str,
    kind: str | None = None,
    decision: Decision | None = None,
    due_on: date | None = None,
) -> ReviewTrigger:
    """The person or someone in their circle asks for a review, or staff flag that the plan
    isn't practical (or that progression criteria are met)."""
    speaker = access.voice_of(by, person).speaker
    if speaker == Speaker.PERSON:
        kind = ReviewTrigger.Kind.PERSON_ASKED
    elif speaker == Speaker.CIRCLE:
        kind = ReviewTrigger.Kind.CIRCLE_ASKED
    elif kind not in HAND_KINDS:
        raise ValidationError({"kind": "Choose why a review is needed."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why a review is needed."})
    if decision is not None and decision.person_id != person.pk:
        raise ValidationError({"decision": "Pick one of this person's decisions."})
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        raise ValidationError({"due_on": "The date it is due cannot be in the past."})
    return apply_and_save(
        ReviewTrigger(person=person, raised_by=by),
        {
            "kind": kind,
            "reason": reason.strip(),
            "decision": decision,
            "subject_kind": ItemKind.DECISION if decision else "",
            "subject_id": decision.pk if decision else None,
            "subject_label": decision.question[:300] if decision else "",
            "due_on": due_on or today + timedelta(days=rules.DUE_IN_DAYS[kind]),
            "owner": person.key_worker,
            "evidence_until": today,
        },
    )


def _close(trigger: ReviewTrigger, by: User, status: str, reason: str) -> ReviewTrigger:
    return apply_and_save(
        trigger,
        {
            "status": status,
            "closed_reason": reason,
            "closed_at": timezone.now(),
            "closed_by": by,
        },
    )


@transaction.atomic
def trigger_close(
    *, trigger: ReviewTrigger, by: User, reason: str = "", review: Review | None = None
) -> ReviewTrigger:
    """Close a trigger with a recorded reason to wait, or by a concluded review that looked
    at it. Nothing else closes a trigger."""
    locked = ReviewTrigger.objects.select_for_update().get(pk=trigger.pk)
    if not locked.is_open:
        raise Conflict(ALREADY_CLOSED, code="trigger_closed")
    if review is not None:
        review = Review.objects.get(pk=review.pk)
        if review.person_id != locked.person_id or review.status != Review.Status.CONCLUDED:
            raise ValidationError({"review": "Pick a concluded review of this person."})
        review.triggers.add(locked)
        return _close(
            locked,
            by,
            ReviewTrigger.Status.REVIEWED,
            reason.strip()
            or f"Looked at in the review concluded {day_label(review.concluded_at)}.",
        )
    if not reason.strip():
        raise ValidationError({"closed_reason": CLOSE_NEEDS_REASON})
    return _close(locked, by, ReviewTrigger.Status.WAITING, reason.strip())
