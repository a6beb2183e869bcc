"""Check-ins: part of coplan.reviews.services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Speaker
from coplan.accounts.models import User
from coplan.lib.services import apply_and_save
from coplan.people.models import CircleMember, Person
from coplan.reviews import sources
from coplan.reviews.models import (
    CheckIn,
    CheckInAnswer,
    ItemKind,
)
from coplan.reviews.services.common import week_start_of


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
