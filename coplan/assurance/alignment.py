"""Alignment checks: the questions a manager asks in supervision (generated from the
person's co-produced routines and decisions in force), the steps observed in an observation,
recording either, the follow-up a check that is not aligned makes, and the share aligned
over time per staff member and per routine (`alignment_summary`, which the evidence pack
reads)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from coplan.accounts.models import Membership, Service, User
from coplan.assurance.models import AlignmentCheck, AlignmentItem, FollowUp
from coplan.lib.models import check_plain_text
from coplan.people.models import Person
from coplan.planning.models import Decision, Domain
from coplan.support import selectors as support_selectors
from coplan.support.models import Routine, RoutineVersion

Result = AlignmentItem.Result
Kind = AlignmentCheck.Kind

# A follow-up is due this many days after the check, unless the manager says otherwise.
FOLLOW_UP_DAYS = 14
# Staff who work with the person day to day, and so are asked or observed.
CHECKED_ROLES = [
    Membership.Role.SUPPORT_WORKER,
    Membership.Role.AGENCY_WORKER,
    Membership.Role.TEAM_LEADER,
]
FOLLOW_UP_NEEDED = "A check that is not aligned needs a follow-up: say what, who and by when."
ANSWER_EACH = "Say for each question or step whether it matched the plan."
NOT_STAFF = "Choose a member of staff of this person's service."
NO_ROUTINE = "Choose one of the person's routines in force to observe."


@dataclass(frozen=True)
class Question:
    """A question to ask (or a step to watch for), with what the plan says beside it."""

    prompt: str
    plan_text: str
    source: str


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def routines_for(person: Person) -> list[RoutineVersion]:
    """The person's routines in force now, with their steps."""
    return support_selectors.routines_in_force([person.pk])


def questions_for(
    person: Person, kind: str, routine_version: RoutineVersion | None = None
) -> list[Question]:
    """Supervision: for each routine in force, how the person likes it to go, the words to
    use and what to avoid at each step; for each agreed decision about how support is
    delivered, what was agreed. Observation: each step of one routine, in its agreed order."""
    name = person.called
    if kind == Kind.OBSERVATION:
        if routine_version is None:
            return []
        return [
            Question(
                prompt=f"Step {n}: {step.title}",
                plan_text="; ".join(
                    part
                    for part in (
                        f"Say \u201c{step.agreed_words}\u201d" if step.agreed_words else "",
                        f"Avoid: {step.avoid}" if step.avoid else "",
                    )
                    if part
                )
                or "No set words for this step.",
                source=f"step:{step.pk}",
            )
            for n, step in enumerate(routine_version.steps.all(), start=1)
        ]
    found: list[Question] = []
    versions = [routine_version] if routine_version is not None else routines_for(person)
    for version in versions:
        steps = list(version.steps.all())
        if not steps:
            continue
        found.append(
            Question(
                prompt=f"How does {name} like the {_lower_first(version.routine.name)} to go?",
                plan_text=" \u2192 ".join(s.title for s in steps),
                source=f"routine:{version.routine_id}",
            )
        )
        for step in steps:
            what = _lower_first(step.title)
            if step.agreed_words:
                found.append(
                    Question(
                        prompt=f"What words do you use when it is time for: {what}?",
                        plan_text=step.agreed_words,
                        source=f"step:{step.pk}:words",
                    )
                )
            if step.avoid:
                found.append(
                    Question(
                        prompt=f"What should you avoid when it is time for: {what}?",
                        plan_text=step.avoid,
                        source=f"step:{step.pk}:avoid",
                    )
                )
    if routine_version is None:
        decisions = Decision.objects.filter(
            person=person, status=Decision.Status.AGREED, domain=Domain.SUPPORT
        ).order_by("-agreed_at")[:5]
        for decision in decisions:
            found.append(
                Question(
                    prompt=f"What did {name} agree about this: {decision.question}",
                    plan_text=decision.agreed,
                    source=f"decision:{decision.pk}",
                )
            )
    return found


def staff_to_check(person: Person) -> QuerySet[User]:
    """The staff of the person's service who may be asked or observed."""
    return (
        User.objects.filter(
            memberships__service_id=person.service_id, memberships__role__in=CHECKED_ROLES
        )
        .distinct()
        .order_by("display_name", "username")
    )


def _clean_items(items: list[dict[str, Any]]) -> list[AlignmentItem]:
    if not items:
        raise ValidationError({"items": "There is nothing to check: add a question or a step."})
    rows = []
    for n, item in enumerate(items):
        result = item.get("result")
        if result not in Result.values:
            raise ValidationError({"items": ANSWER_EACH})
        row = AlignmentItem(
            position=n,
            prompt=str(item.get("prompt", ""))[:300],
            plan_text=str(item.get("plan_text", "")),
            source=str(item.get("source", ""))[:60],
            answer=str(item.get("answer", "")),
            result=result,
        )
        check_plain_text(row)
        rows.append(row)
    return rows


@transaction.atomic
def alignment_check_record(
    *,
    person: Person,
    staff: User,
    by: User,
    kind: str,
    items: list[dict[str, Any]],
    routine: Routine | None = None,
    held_at: datetime | None = None,
    notes: str = "",
    follow_up: dict[str, Any] | None = None,
) -> AlignmentCheck:
    """Record one check and its items. It is aligned when nothing differed from the plan
    ("not seen" is not a difference); one that is not aligned needs a follow-up (what, an
    owner, a due date), made with it. The caller has decided `by` may supervise here."""
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose supervision or observation."})
    if not staff_to_check(person).filter(pk=staff.pk).exists():
        raise ValidationError({"staff": NOT_STAFF})
    version = None
    if routine is not None:
        if routine.person_id != person.pk:
            raise ValidationError({"routine": NO_ROUTINE})
        version = cast(RoutineVersion | None, support_selectors.version_in_force(routine))
    if kind == Kind.OBSERVATION and version is None:
        raise ValidationError({"routine": NO_ROUTINE})
    rows = _clean_items(items)
    aligned = all(row.result != Result.DIFFERS for row in rows)
    check = AlignmentCheck(
        person=person,
        staff=staff,
        kind=kind,
        routine=routine,
        routine_version=version,
        held_at=held_at or timezone.now(),
        notes=notes,
        is_aligned=aligned,
        by=by,
    )
    check.full_clean()
    check.save()
    for row in rows:
        row.check_record = check
    AlignmentItem.objects.bulk_create(rows)
    if not aligned:
        _follow_up_create(check, by, follow_up or {})
    return check


def _follow_up_create(check: AlignmentCheck, by: User, data: dict[str, Any]) -> FollowUp:
    what = str(data.get("what") or "").strip()
    owner = data.get("owner")
    due_on = data.get("due_on")
    if not what or owner is None or due_on is None:
        raise ValidationError({"follow_up": FOLLOW_UP_NEEDED})
    if isinstance(owner, int):
        owner = User.objects.filter(pk=owner).first()
    if (
        owner is None
        or not Membership.objects.filter(user=owner, service_id=check.person.service_id).exists()
    ):
        raise ValidationError({"follow_up": "The owner must work in this person's service."})
    row = FollowUp(
        service_id=check.person.service_id,
        alignment_check=check,
        what=what,
        owner=owner,
        due_on=due_on,
    )
    row.full_clean()
    row.save()
    return row


def default_follow_up(person: Person, staff: User, by: User) -> dict[str, Any]:
    return {
        "what": f"Go through {person.called}'s plan with {staff} and observe again",
        "owner": by,
        "due_on": timezone.localdate() + timedelta(days=FOLLOW_UP_DAYS),
    }


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, by: User, note: str = "") -> FollowUp:
    """Mark a follow-up done (once); it leaves the manager's home."""
    row = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if row.done_at is not None:
        return row
    row.done_at = timezone.now()
    row.done_by = by
    row.done_note = note
    row.full_clean()
    row.save(update_fields=["done_at", "done_by", "done_note", "updated_at"])
    return row


def open_follow_ups(service_ids: list[int], *, owner: User | None = None) -> list[FollowUp]:
    """Open follow-ups in these services (or owned by `owner`), soonest due first. One query."""
    qs = FollowUp.objects.filter(done_at__isnull=True).select_related(
        "owner", "service", "alignment_check__person", "alignment_check__staff", "spot_check"
    )
    if owner is not None:
        qs = qs.filter(Q(service_id__in=service_ids) | Q(owner=owner))
    else:
        qs = qs.filter(service_id__in=service_ids)
    return list(qs.order_by("due_on", "id")[:100])


# The share aligned over time ---------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    month: date  # the first of the month
    checks: int
    aligned: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.aligned / self.checks) if self.checks else None


@dataclass(frozen=True)
class AlignmentRow:
    """One staff member, or one routine: checks in the period, how many aligned, by month."""

    key: int
    label: str
    checks: int
    aligned: int
    months: list[Month] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return round(100 * self.aligned / self.checks) if self.checks else None


@dataclass(frozen=True)
class CheckRef:
    id: int
    person_id: int
    person: str
    staff: str
    kind: str
    held_at: datetime
    is_aligned: bool
    routine: str


@dataclass(frozen=True)
class AlignmentSummary:
    start: date
    end: date
    checks: int
    aligned: int
    by_staff: list[AlignmentRow]
    by_routine: list[AlignmentRow]
    recent: list[CheckRef]
    open_follow_ups: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.aligned / self.checks) if self.checks else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    begin = timezone.make_aware(datetime.combine(start, time.min))
    finish = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return begin, finish


def months_between(start: date, end: date) -> list[date]:
    months = []
    cur = start.replace(day=1)
    while cur <= end:
        months.append(cur)
        cur = (cur + timedelta(days=32)).replace(day=1)
    return months


def _rows(
    groups: dict[int, list[AlignmentCheck]], labels: dict[int, str], months: list[date]
) -> list[AlignmentRow]:
    out = []
    for key, checks in groups.items():
        per: dict[date, list[bool]] = defaultdict(list)
        for c in checks:
            per[timezone.localtime(c.held_at).date().replace(day=1)].append(c.is_aligned)
        out.append(
            AlignmentRow(
                key=key,
                label=labels[key],
                checks=len(checks),
                aligned=sum(c.is_aligned for c in checks),
                months=[Month(m, len(per[m]), sum(per[m])) for m in months],
            )
        )
    out.sort(key=lambda r: r.label)
    return out


def alignment_summary(
    *,
    person: Person | None = None,
    service: Service | None = None,
    staff: User | None = None,
    start: date,
    end: date,
) -> AlignmentSummary:
    """Alignment checks for one person, one service or one staff member over a period: the
    share aligned per staff member and per routine, month by month. Two queries."""
    begin, finish = _bounds(start, end)
    qs = AlignmentCheck.objects.filter(held_at__gte=begin, held_at__lt=finish)
    follow_ups = FollowUp.objects.filter(done_at__isnull=True, alignment_check__isnull=False)
    if person is not None:
        qs = qs.filter(person=person)
        follow_ups = follow_ups.filter(alignment_check__person=person)
    if service is not None:
        qs = qs.filter(person__service=service)
        follow_ups = follow_ups.filter(service=service)
    if staff is not None:
        qs = qs.filter(staff=staff)
        follow_ups = follow_ups.filter(alignment_check__staff=staff)
    checks = list(qs.select_related("person", "staff", "routine").order_by("-held_at", "-id"))
    months = months_between(start, end)
    by_staff: dict[int, list[AlignmentCheck]] = defaultdict(list)
    by_routine: dict[int, list[AlignmentCheck]] = defaultdict(list)
    staff_names: dict[int, str] = {}
    routine_names: dict[int, str] = {}
    for c in checks:
        by_staff[c.staff_id].append(c)
        staff_names[c.staff_id] = str(c.staff)
        if c.routine_id:
            by_routine[c.routine_id].append(c)
            routine_names[c.routine_id] = f"{c.person.called}: {c.routine}"
    return AlignmentSummary(
        start=start,
        end=end,
        checks=len(checks),
        aligned=sum(c.is_aligned for c in checks),
        by_staff=_rows(by_staff, staff_names, months),
        by_routine=_rows(by_routine, routine_names, months),
        recent=[
            CheckRef(
                id=c.pk,
                person_id=c.person_id,
                person=c.person.display_name,
                staff=str(c.staff),
                kind=c.get_kind_display(),
                held_at=c.held_at,
                is_aligned=c.is_aligned,
                routine=str(c.routine) if c.routine_id else "",
            )
            for c in checks[:20]
        ],
        open_follow_ups=follow_ups.count(),
    )
