"""Reviews: part of coplan.reviews.services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coplan.accounts.models import User
from coplan.lib.dates import day_label
from coplan.lib.errors import Conflict
from coplan.lib.services import apply_and_save
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.reviews import selectors
from coplan.reviews.models import (
    Review,
    ReviewContribution,
    ReviewTrigger,
)
from coplan.reviews.services.common import QUESTION_FIELDS, REVIEW_CONCLUDED, _author
from coplan.reviews.services.triggers import _close


def _evidence_since(person: Person, triggers: list[ReviewTrigger]) -> date:
    """Evidence is counted from the decision being reviewed (the earliest, if several);
    without one, from the person's last concluded review, or 90 days back."""
    agreed = [t.decision.agreed_at for t in triggers if t.decision and t.decision.agreed_at]
    if agreed:
        return timezone.localtime(min(agreed)).date()
    last = (
        Review.objects.filter(person=person, status=Review.Status.CONCLUDED)
        .order_by("-concluded_at")
        .values_list("concluded_at", flat=True)
        .first()
    )
    if last:
        return timezone.localtime(last).date()
    return timezone.localdate() - timedelta(days=90)


@transaction.atomic
def review_open(*, person: Person, by: User, triggers: Iterable[ReviewTrigger] = ()) -> Review:
    """Open a review of the triggers given (or a planned review, with none)."""
    ids = [t.pk for t in triggers]
    locked = list(
        ReviewTrigger.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("decision")
        .order_by("pk")
    )
    if any(t.person_id != person.pk for t in locked) or len(locked) != len(set(ids)):
        raise ValidationError({"triggers": "Pick this person's own triggers."})
    if any(not t.is_open for t in locked):
        raise ValidationError({"triggers": "Pick only triggers that are still open."})
    busy = Review.objects.filter(status=Review.Status.OPEN, triggers__in=locked).exists()
    if busy:
        raise Conflict("One of these triggers is already in an open review.", code="in_review")
    since = _evidence_since(person, locked)
    review = apply_and_save(
        Review(person=person, opened_by=by),
        {
            "evidence_since": since,
            "evidence": selectors.evidence_snapshot(person, since),
        },
    )
    review.triggers.set(locked)
    return review


@transaction.atomic
def review_contribute(
    *,
    review: Review,
    by: User,
    contributor_kind: str | None = None,
    name: str = "",
    **answers: str,
) -> ReviewContribution:
    """One contributor's answers to the 4 plus 1 questions, kept apart and marked as theirs."""
    unknown = set(answers) - set(QUESTION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown questions: {', '.join(sorted(unknown))}.")
    if not Review.objects.filter(pk=review.pk, status=Review.Status.OPEN).exists():
        raise Conflict(REVIEW_CONCLUDED, code="review_concluded")
    kind, author, on_behalf = _author(review.person, by, contributor_kind, name)
    cleaned = {k: (v or "").strip() for k, v in answers.items()}
    if not any(cleaned.values()):
        raise ValidationError("Answer at least one of the questions.")
    return apply_and_save(
        ReviewContribution(review=review, recorded_by=by),
        {"contributor_kind": kind, "name": author[:150], "on_behalf": on_behalf, **cleaned},
    )


@transaction.atomic
def review_conclude(
    *,
    review: Review,
    by: User,
    outcome: str,
    new_decisions: Iterable[Decision] = (),
    keep_reason: str = "",
    next_review_on: date | None = None,
    **answers: str,
) -> Review:
    """Conclude with the new decisions the review made, or with keeping the plan as it is
    (saying why, and when to look again). Its open triggers close as reviewed."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if not locked.is_open:
        raise Conflict(REVIEW_CONCLUDED, code="review_concluded")
    unknown = set(answers) - set(QUESTION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown questions: {', '.join(sorted(unknown))}.")
    summary = {k: (v or "").strip() for k, v in answers.items()}
    decisions = list(new_decisions)
    errors: dict[str, str] = {}
    if outcome == Review.Outcome.NEW_DECISIONS:
        if not decisions:
            errors["new_decisions"] = "Link the new decisions this review made."
        elif any(d.person_id != locked.person_id for d in decisions):
            errors["new_decisions"] = "Link only this person's decisions."
        elif any(d.status == Decision.Status.SUPERSEDED for d in decisions):
            errors["new_decisions"] = "A superseded decision cannot be a review's new decision."
        keep_reason, next_review_on = "", None
    elif outcome == Review.Outcome.KEEP_AS_IS:
        if not keep_reason.strip():
            errors["keep_reason"] = "Say why the plan stays as it is."
        if next_review_on is None:
            errors["next_review_on"] = "Give a date to look at it again."
        elif next_review_on <= timezone.localdate():
            errors["next_review_on"] = "The next review date must be in the future."
        decisions = []
    else:
        errors["outcome"] = "Choose the outcome: new decisions, or keep the plan as it is."
    has_answers = any(summary.get(f) or getattr(locked, f) for f in QUESTION_FIELDS)
    if not has_answers and not locked.contributions.exists():
        errors["__all__"] = (
            "Record the answers to the 4 plus 1 questions (or someone's contribution) "
            "before concluding."
        )
    if errors:
        raise ValidationError(errors)
    apply_and_save(
        locked,
        {
            **{k: v for k, v in summary.items() if v},
            "status": Review.Status.CONCLUDED,
            "outcome": outcome,
            "keep_reason": keep_reason.strip(),
            "next_review_on": next_review_on,
            "concluded_by": by,
            "concluded_at": timezone.now(),
            "evidence": selectors.evidence_snapshot(locked.person, locked.evidence_since),
        },
    )
    locked.new_decisions.set(decisions)
    # The trigger's status already says "Reviewed"; its reason says what the review decided,
    # without repeating it (pages show "Reviewed: New decisions made.").
    reason = (
        "New decisions made."
        if outcome == Review.Outcome.NEW_DECISIONS
        else f"Kept as it is until {day_label(next_review_on)}. {keep_reason.strip()}"
    )
    for trigger in locked.triggers.select_for_update().filter(status=ReviewTrigger.Status.OPEN):
        _close(trigger, by, ReviewTrigger.Status.REVIEWED, reason)
    return locked
