"""Every write to the review stage: check-ins, working / not working, triggers (by hand and
by the trigger engine) and reviews.

Views, the API, the management command, the background task and the demo seed all call
these functions, so every door refuses the same bad input with the same message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Speaker
from coplan.accounts.models import Organisation, Service, User
from coplan.lib.errors import Conflict
from coplan.lib.services import apply_and_save
from coplan.people.models import CircleMember, Person
from coplan.planning.models import Decision
from coplan.reviews import alerts, rules, selectors, sources
from coplan.reviews.models import (
    QUESTIONS,
    CheckIn,
    CheckInAnswer,
    ItemKind,
    Perspective,
    Review,
    ReviewContribution,
    ReviewTrigger,
    WorkingNotWorking,
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


# Check-ins -------------------------------------------------------------------------------


def _clean_answers(person: Person, answers: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    items = {(i.kind, i.id): i for i in sources.checkin_items(person)}
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, Any]] = set()
    for raw in answers:
        kind = raw.get("item_kind")
        item_id = raw.get("item_id")
        answer = raw.get("answer")
        if not answer:
            continue
        if answer not in CheckInAnswer.Answer.values:
            raise ValidationError({"answers": f"“{answer}” is not one of the answers."})
        if kind == ItemKind.OTHER:
            label = (raw.get("item_label") or "").strip()
            if not label:
                raise ValidationError({"answers": "Say what the other thing is."})
            item_id = None
        else:
            item = items.get((kind, item_id))
            if item is None:
                raise ValidationError(
                    {
                        "answers": "Answer only about this person's own routines, activities "
                        "and goals."
                    }
                )
            label = item.label
        key = (kind, item_id if item_id is not None else label)
        if key in seen:
            raise ValidationError({"answers": f"“{label}” was answered twice."})
        seen.add(key)
        rows.append(
            {
                "item_kind": kind,
                "item_id": item_id,
                "item_label": label[:300],
                "answer": answer,
                "words": (raw.get("words") or "").strip(),
            }
        )
    if not rows:
        raise ValidationError({"answers": "Choose an answer for at least one thing."})
    return rows


def _answerer(
    person: Person,
    by: User,
    answered_by: str | None,
    circle_member: CircleMember | None,
    how: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Who is answering: (the key of their check-in for a week, the fields saying how). From
    the person's own login the answers are theirs; from staff they are recorded on someone's
    behalf (the person's, with them; a named family member's) or are the staff member's own
    view, and each recorder's check-in is their own record."""
    if access.voice_of(by, person).speaker == Speaker.PERSON:
        return (
            {"answered_by": CheckIn.AnsweredBy.PERSON},
            {"how": how or CheckIn.How.PICTURES, "on_behalf": False},
        )
    answered_by = answered_by or CheckIn.AnsweredBy.STAFF_WITH_PERSON
    if answered_by == CheckIn.AnsweredBy.PERSON:
        raise ValidationError(
            {
                "answered_by": f"Only {person.called} can answer as themselves, from their "
                "own login. Choose “The person, with staff”."
            }
        )
    if answered_by not in CheckIn.AnsweredBy.values:
        raise ValidationError({"answered_by": "Say whose answers these are."})
    key: dict[str, Any] = {"answered_by": answered_by, "recorded_by": by}
    if answered_by == CheckIn.AnsweredBy.FAMILY:
        if circle_member is None or circle_member.person_id != person.pk:
            raise ValidationError(
                {"answered_by": "Say which family member's answers these are, from the circle."}
            )
        key["circle_member"] = circle_member
    if not how:
        raise ValidationError({"how": "Say how the answers were given."})
    return key, {"how": how, "on_behalf": answered_by != CheckIn.AnsweredBy.STAFF}


def _answer_key(kind: str, item_id: int | None, label: str) -> tuple[str, Any]:
    return (kind, item_id if item_id is not None else label)


@transaction.atomic
def checkin_record(
    *,
    person: Person,
    by: User,
    answers: Iterable[dict[str, Any]],
    week_start: date | None = None,
    answered_by: str | None = None,
    circle_member: CircleMember | None = None,
    how: str | None = None,
    words: str = "",
) -> CheckIn:
    """Record this week's check-in in one answerer's voice. Answering again in the same
    week, in the same voice, changes only the items answered now: answers to other items
    stay, a changed answer keeps the earlier one in its history, and no one else's check-in
    is touched (each answerer's is its own record)."""
    today = timezone.localdate()
    key, how_fields = _answerer(person, by, answered_by, circle_member, how)
    week_start = week_start or week_start_of(today)
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": "A check-in week starts on a Monday."})
    if week_start > week_start_of(today):
        raise ValidationError({"week_start": "That week has not started yet."})
    rows = _clean_answers(person, answers)

    key |= {"person": person, "week_start": week_start}
    fields = dict(how_fields)
    if words.strip():
        fields["words"] = words.strip()
    checkin = CheckIn.objects.select_for_update().filter(**key).first()
    created = False
    if checkin is None:
        try:
            with transaction.atomic():
                checkin = apply_and_save(CheckIn(**{"recorded_by": by, **key}), fields, by=by)
            created = True
        except IntegrityError:
            # The same answerer's check-in for this week was saved a moment ago (another
            # tab, a resend): add these answers to it.
            checkin = CheckIn.objects.select_for_update().get(**key)
    existing = {_answer_key(a.item_kind, a.item_id, a.item_label): a for a in checkin.answers.all()}
    changed = False
    for row in rows:
        answer = existing.get(_answer_key(row["item_kind"], row["item_id"], row["item_label"]))
        if answer is None:
            answer = CheckInAnswer(checkin=checkin)
        elif all(getattr(answer, name) == value for name, value in row.items()):
            continue
        apply_and_save(answer, row, by=by)
        changed = True
    if not created:
        apply_and_save(checkin, fields, by=by, touch=changed)
    queue_scan(person)
    return checkin


def queue_scan(person: Person) -> None:
    """After a record that may cross a threshold, scan this person in the background once
    the record is committed."""
    from coplan.reviews.tasks import scan_person_task

    person_id = person.pk
    transaction.on_commit(lambda: scan_person_task.enqueue(person_id))


# Working / not working -----------------------------------------------------------------


@transaction.atomic
def working_not_working_add(
    *,
    person: Person,
    by: User,
    working: str = "",
    not_working: str = "",
    perspective: str | None = None,
    author: str = "",
    on: date | None = None,
) -> WorkingNotWorking:
    kind, name, on_behalf = _author(person, by, perspective, author)
    if not working.strip() and not not_working.strip():
        raise ValidationError("Write what is working, what is not working, or both.")
    entry = WorkingNotWorking(person=person, recorded_by=by)
    return apply_and_save(
        entry,
        {
            "perspective": kind,
            "author": name[:150],
            "on_behalf": on_behalf,
            "working": working.strip(),
            "not_working": not_working.strip(),
            "on": on or timezone.localdate(),
        },
    )


# Triggers --------------------------------------------------------------------------------


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
            reason.strip() or f"Looked at in the review concluded {review.concluded_at:%d/%m/%Y}.",
        )
    if not reason.strip():
        raise ValidationError({"closed_reason": CLOSE_NEEDS_REASON})
    return _close(locked, by, ReviewTrigger.Status.WAITING, reason.strip())


# Reviews ---------------------------------------------------------------------------------


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
    reason = (
        "Reviewed: new decisions made."
        if outcome == Review.Outcome.NEW_DECISIONS
        else f"Reviewed: kept as it is until {next_review_on:%d/%m/%Y}. {keep_reason.strip()}"
    )
    for trigger in locked.triggers.select_for_update().filter(status=ReviewTrigger.Status.OPEN):
        _close(trigger, by, ReviewTrigger.Status.REVIEWED, reason)
    return locked


# The trigger engine ------------------------------------------------------------------------


def people_in_scope(
    *,
    service: Service | None = None,
    organisation: Organisation | None = None,
    person: Person | None = None,
) -> QuerySet[Person]:
    people = Person.objects.filter(is_active=True)
    if service is not None:
        people = people.filter(service=service)
    if organisation is not None:
        people = people.filter(service__organisation=organisation)
    if person is not None:
        people = people.filter(pk=person.pk)
    return people.values("pk")


@transaction.atomic
def scan(
    *,
    service: Service | None = None,
    organisation: Organisation | None = None,
    person: Person | None = None,
    today: date | None = None,
) -> list[ReviewTrigger]:
    """Find reasons to review, over everyone in scope at once, and create the triggers not
    already there. Returns the triggers this run created.

    The queries are set-based, so their number does not grow with the number of people. Two
    scans running at once cannot both create a trigger: each has a dedupe key, unique per
    person in the database, and rows that clash are skipped on insert."""
    today = today or timezone.localdate()
    people = people_in_scope(service=service, organisation=organisation, person=person)
    candidates = rules.find_all(people, today)
    created = _create_triggers(candidates)
    alerts.triggers_found(created)
    return created


def _create_triggers(candidates: list[rules.Candidate]) -> list[ReviewTrigger]:
    if not candidates:
        return []
    unique = {(c.person_id, c.dedupe_key): c for c in candidates}
    people = {
        pk: key_worker
        for pk, key_worker in Person.objects.filter(pk__in={p for p, _ in unique}).values_list(
            "pk", "key_worker_id"
        )
    }
    existing = set(
        ReviewTrigger.objects.filter(
            person_id__in=people, dedupe_key__in={k for _, k in unique}
        ).values_list("person_id", "dedupe_key")
    )
    new = [
        ReviewTrigger(
            person_id=c.person_id,
            kind=c.kind,
            reason=c.reason,
            evidence=c.evidence,
            evidence_until=c.evidence_until,
            decision_id=c.decision_id,
            subject_kind=c.subject_kind,
            subject_id=c.subject_id,
            subject_label=c.subject_label,
            due_on=c.due_on,
            owner_id=people.get(c.person_id),
            dedupe_key=c.dedupe_key,
        )
        for key, c in unique.items()
        if key not in existing
    ]
    if not new:
        return []
    # Another scan may have inserted the same key since we looked: the unique constraint
    # makes the database skip it, and our own rows are the ones carrying our uids.
    ReviewTrigger.objects.bulk_create(new, ignore_conflicts=True)
    created = list(ReviewTrigger.objects.filter(uid__in=[t.uid for t in new]).order_by("pk"))
    ReviewTrigger.history.bulk_history_create(
        created, default_change_reason="Found by the trigger engine"
    )
    return created
