"""Reads for the shift: what a worker needs on their phone, in a fixed number of queries
whatever the length of the person's history, and the reports that look back on shifts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.access.rules import Action
from coplan.accounts.models import Membership, ShiftBooking, User
from coplan.delivery.idempotency import new_key
from coplan.delivery.models import (
    CHECKLIST_OPEN_FOR,
    ActivityRecord,
    BriefingAcknowledgement,
    DailyNote,
    HandoverNote,
    Incident,
    PracticalityFlag,
    RoutineChecklist,
    RoutineRun,
    RoutineStepTick,
)
from coplan.lib.contributions import TimedItem, gather
from coplan.people.models import CommunicationNeed, Person
from coplan.support import selectors as support_selectors
from coplan.support.models import (
    InstructionVersion,
    PlanVersion,
    RhythmEntry,
    RhythmVersion,
    Routine,
    RoutineStep,
    RoutineVersion,
)
from coplan.support.services import INSTRUCTION, KINDS, RHYTHM, ROUTINE

# Without a record of theirs for the person, a worker is shown the changes of the last week.
CHANGE_NOTICE = timedelta(days=7)
# Every kind of shift record a worker makes here (risk's practice sessions sit above).
RECORDS = (RoutineRun, ActivityRecord, DailyNote, Incident, HandoverNote, PracticalityFlag)


@dataclass
class StepNow:
    """A step on the live checklist: its tick if done, and where it stands on the clock."""

    step: RoutineStep
    tick: RoutineStepTick | None = None
    is_now: bool = False
    is_late: bool = False
    # The idempotency key of a tap on this step, made as the page is drawn: a retry of the
    # same tap sends it again, so a weak signal never ticks a step twice.
    key: str = field(default_factory=new_key)


@dataclass
class RoutineToday:
    version: RoutineVersion
    runs: list[RoutineRun] = field(default_factory=list)
    # The routine being done now (ticked, not finished yet), if it is.
    checklist: RoutineChecklist | None = None
    steps_now: list[StepNow] = field(default_factory=list)

    @property
    def window(self) -> tuple[time | None, time | None]:
        steps = list(self.version.steps.all())
        starts = [s.window_start for s in steps if s.window_start]
        ends = [s.window_end for s in steps if s.window_end]
        return (min(starts) if starts else None, max(ends) if ends else None)

    @property
    def done(self) -> bool:
        return bool(self.runs) and self.checklist is None

    @property
    def ticked(self) -> list[StepNow]:
        return sorted(
            (s for s in self.steps_now if s.tick), key=lambda s: s.tick.position if s.tick else 0
        )


# How far ahead "next" looks; later items are folded. An activity is "now" for an hour.
NEXT_WITHIN = timedelta(hours=2)
ACTIVITY_LASTS = timedelta(hours=1)
CONTRIBUTED_LASTS = timedelta(minutes=15)


@dataclass
class ShiftItem:
    """One thing on the shift's clock: a routine, a planned activity, or a timed item a
    later stage contributed (a travel check-in). `state` is now, late, next, later, done or
    anytime; the first three come first on the page, the rest are folded."""

    person: Person
    kind: str  # routine, activity, or the contributed item's kind
    title: str
    starts: datetime | None
    ends: datetime | None
    state: str = "anytime"
    routine: RoutineToday | None = None
    rhythm: RhythmVersion | None = None
    entry: RhythmEntry | None = None
    records: list[ActivityRecord] = field(default_factory=list)
    url: str = ""
    note: str = ""
    may_record: bool = True

    @property
    def anchor(self) -> str:
        if self.routine is not None:
            return f"item-routine-{self.routine.version.routine_id}"
        if self.entry is not None:
            return f"item-entry-{self.entry.pk}"
        return f"item-{self.kind}-{self.person.pk}-{self.starts:%H%M}" if self.starts else ""


RANK = {"now": 0, "late": 1, "next": 2, "later": 3, "anytime": 4, "done": 5}


@dataclass
class PersonShift:
    """One person on the shift view. Each version in force carries `changes`: what changed
    since this worker last recorded for the person (empty if nothing did)."""

    person: Person
    routines: list[RoutineToday] = field(default_factory=list)
    rhythms: list[RhythmVersion] = field(default_factory=list)
    activities_today: list[ActivityRecord] = field(default_factory=list)
    instructions: list[InstructionVersion] = field(default_factory=list)
    last_handover: HandoverNote | None = None
    may_record: bool = True
    last_recorded_at: datetime | None = None
    items: list[ShiftItem] = field(default_factory=list)

    @property
    def versions(self) -> list[PlanVersion]:
        return [*(r.version for r in self.routines), *self.rhythms, *self.instructions]

    @property
    def changed(self) -> list[PlanVersion]:
        return [v for v in self.versions if v.changes]

    @property
    def instructions_changed(self) -> bool:
        return any(v.changes for v in self.instructions)

    @property
    def preparation(self) -> list[str]:
        return [item for v in self.rhythms for item in v.preparation_lines]


@dataclass
class Shift:
    people: list[PersonShift]
    bookings: list[ShiftBooking]
    # Agency bookings still waiting for the worker to confirm the briefing.
    briefing_due: list[ShiftBooking]
    # Services whose briefings this user may check (team leaders and managers).
    briefing_services: list
    # Everything on today's clock across the people on shift, due now and next first.
    items: list[ShiftItem] = field(default_factory=list)
    now: datetime | None = None

    @property
    def upcoming(self) -> list[ShiftItem]:
        return [i for i in self.items if i.state in ("now", "late", "next")]

    @property
    def later(self) -> list[ShiftItem]:
        return [i for i in self.items if i.state in ("later", "anytime")]

    @property
    def done(self) -> list[ShiftItem]:
        return [i for i in self.items if i.state == "done"]


def running_bookings(user: User, at: datetime | None = None) -> list[ShiftBooking]:
    moment = at or timezone.now()
    return list(
        ShiftBooking.objects.filter(user=user, starts_at__lte=moment, ends_at__gt=moment)
        .select_related("service")
        .order_by("starts_at")
    )


def _first_window(item: RoutineToday) -> time:
    """Routines in the order of the day: by their first step's time window."""
    steps = list(item.version.steps.all())
    return (steps[0].window_start if steps else None) or time.max


def _start_of_today() -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today, time.min))


def _last_handovers(person_ids: list[int]) -> dict[int, HandoverNote]:
    latest = (
        HandoverNote.objects.filter(person_id=OuterRef("pk"))
        .order_by("-occurred_at", "-id")
        .values("pk")[:1]
    )
    ids = Person.objects.filter(pk__in=person_ids).annotate(h=Subquery(latest)).values("h")
    notes = HandoverNote.objects.filter(pk__in=ids).select_related("recorded_by")
    return {n.person_id: n for n in notes}


def shift_for_user(user: User, *, path: str = "", now: datetime | None = None) -> Shift:
    """Who this user supports on this shift and what each person's plan says for today,
    and today's clock across them (`items`: due now and next first).

    With a booking running now: the people in the booked services. Without one: everyone in
    their services they may record for. The query count does not grow with history or with
    the number of people: today's records are bounded by the day and the handover is one row
    per person."""
    moment = now or timezone.now()
    bookings = running_bookings(user, moment)
    people_qs = access.people_for_user(user, Action.RECORD).filter(is_active=True)
    if bookings:
        people_qs = people_qs.filter(service_id__in={b.service_id for b in bookings})
    people = list(
        people_qs.select_related("service")
        .only(
            "id",
            "given_name",
            "family_name",
            "preferred_name",
            "service_id",
            "service__name",
            "service__organisation_id",
        )
        .prefetch_related(
            Prefetch(
                "communication_needs",
                queryset=CommunicationNeed.objects.filter(is_active=True),
                to_attr="active_needs",
            )
        )
        .order_by("given_name", "family_name")
    )
    briefing_due = [
        b
        for b in bookings
        if access.staff_role(user, b.service_id) == Membership.Role.AGENCY_WORKER
        and briefing_state(b).due
    ]
    unbriefed_services = {b.service_id for b in briefing_due}
    briefing_services = list(access.services_for_user(user, Action.PLAN))
    if not people:
        return Shift([], bookings, briefing_due, briefing_services, now=moment)

    ids = [p.pk for p in people]
    by_person = {p.pk: PersonShift(person=p) for p in people}
    for p in people:
        by_person[p.pk].may_record = p.service_id not in unbriefed_services
    since = _start_of_day(moment)
    runs: dict[int, list[RoutineRun]] = defaultdict(list)
    # Today's runs of each routine, under whichever of its versions they were made.
    for run in (
        RoutineRun.objects.filter(person_id__in=ids, occurred_at__gte=since)
        .annotate(routine_id=F("routine_version__routine_id"))
        .order_by("occurred_at")
    ):
        runs[run.routine_id].append(run)
    checklists = open_checklists(ids, moment)
    for version in support_selectors.routines_in_force(ids, at=moment):
        rt = RoutineToday(
            version=version,
            runs=runs.get(version.routine_id, []),
            checklist=checklists.get(version.routine_id),
        )
        by_person[version.routine.person_id].routines.append(rt)
    weekday = timezone.localtime(moment).weekday()
    for version in support_selectors.rhythms_in_force(ids, weekday=weekday, at=moment):
        by_person[version.rhythm.person_id].rhythms.append(version)
    for record in ActivityRecord.objects.filter(person_id__in=ids, occurred_at__gte=since).order_by(
        "occurred_at"
    ):
        by_person[record.person_id].activities_today.append(record)
    for instruction in support_selectors.instructions_in_force(ids, at=moment):
        by_person[instruction.instruction.person_id].instructions.append(instruction)
    for ps in by_person.values():
        ps.routines.sort(key=_first_window)
    for person_id, note in _last_handovers(ids).items():
        by_person[person_id].last_handover = note
    _mark_changes(user, by_person)
    contributed = gather("delivery.timeline", people=people, now=moment)
    items = clock_items(list(by_person.values()), contributed, moment)
    AccessLog.objects.write(
        [
            AccessLog(
                user=user, person=p, what="Shift view", action=AccessLog.Action.VIEW, path=path
            )
            for p in people
        ]
    )
    return Shift(list(by_person.values()), bookings, briefing_due, briefing_services, items, moment)


def open_checklists(person_ids: list[int], now: datetime) -> dict[int, RoutineChecklist]:
    """The routines being done now (ticked, not finished), by routine id (two queries)."""
    found: dict[int, RoutineChecklist] = {}
    for checklist in (
        RoutineChecklist.objects.filter(
            person_id__in=person_ids,
            run__isnull=True,
            occurred_at__gte=now - CHECKLIST_OPEN_FOR,
        )
        .annotate(routine_id=F("routine_version__routine_id"))
        .prefetch_related(Prefetch("ticks", queryset=RoutineStepTick.objects.order_by("position")))
        .order_by("occurred_at", "id")
    ):
        found[checklist.routine_id] = checklist  # the latest one wins
    return found


def _start_of_day(moment: datetime) -> datetime:
    day = timezone.localtime(moment).date()
    return timezone.make_aware(datetime.combine(day, time.min))


@lru_cache(maxsize=1024)
def _at_today(moment: datetime, at: time | None) -> datetime | None:
    """`at` on the day of `moment` (a house's shift view asks this for every step)."""
    if at is None:
        return None
    day = timezone.localtime(moment).date()
    return timezone.make_aware(datetime.combine(day, at))


def _state(starts: datetime | None, ends: datetime | None, now: datetime, done: bool) -> str:
    if done:
        return "done"
    if starts is None:
        return "anytime"
    ends = ends or starts
    if starts <= now < ends:
        return "now"
    if now >= ends:
        return "late"
    return "next" if starts - now <= NEXT_WITHIN else "later"


def place_steps(rt: RoutineToday, now: datetime) -> None:
    """Each step with its tick, and whether its window is open now or has passed undone."""
    ticks = {t.step_id: t for t in rt.checklist.ticks.all()} if rt.checklist else {}
    rt.steps_now = []
    for step in rt.version.steps.all():
        tick = ticks.get(step.pk)
        starts, ends = _at_today(now, step.window_start), _at_today(now, step.window_end)
        is_now = bool(starts and ends and starts <= now < ends)
        is_late = bool(ends and now >= ends and tick is None and not rt.done)
        rt.steps_now.append(StepNow(step=step, tick=tick, is_now=is_now, is_late=is_late))


def clock_items(people: list[PersonShift], contributed: list, now: datetime) -> list[ShiftItem]:
    """Today's routines, planned activities and contributed timed items across the people
    on shift, in the order of the clock: due now (and late) first, then next, then later;
    what is done goes last."""
    items: list[ShiftItem] = []
    for ps in people:
        p = ps.person
        for rt in ps.routines:
            place_steps(rt, now)
            first, last = rt.window
            starts, ends = _at_today(now, first), _at_today(now, last)
            state = "now" if rt.checklist else _state(starts, ends, now, rt.done)
            items.append(
                ShiftItem(p, "routine", rt.version.routine.name, starts, ends, state, routine=rt)
            )
        for version in ps.rhythms:
            for entry in getattr(version, "day_entries", []):
                records = [a for a in ps.activities_today if a.entry_id == entry.pk]
                starts = _at_today(now, entry.time)
                ends = starts + ACTIVITY_LASTS if starts else None
                items.append(
                    ShiftItem(
                        p,
                        "activity",
                        entry.activity,
                        starts,
                        ends,
                        _state(starts, ends, now, bool(records)),
                        rhythm=version,
                        entry=entry,
                        records=records,
                    )
                )
        ps.items = [i for i in items if i.person.pk == p.pk]
        for item in ps.items:
            item.may_record = ps.may_record
    by_id = {ps.person.pk: ps for ps in people}
    for found in contributed:
        if not isinstance(found, TimedItem) or found.person_id not in by_id:
            continue
        ends = found.ends_at or found.at + CONTRIBUTED_LASTS
        item = ShiftItem(
            by_id[found.person_id].person,
            found.kind,
            found.title,
            found.at,
            ends,
            _state(found.at, ends, now, found.done),
            url=found.url,
            note=found.note,
            may_record=by_id[found.person_id].may_record,
        )
        items.append(item)
        by_id[found.person_id].items.append(item)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    items.sort(key=lambda i: (RANK[i.state], i.starts or far, i.person.display_name))
    return items


def routine_today(routine: Routine, now: datetime | None = None) -> RoutineToday | None:
    """One routine as the shift view shows it: the version in force, today's runs, the
    checklist being ticked and each step on the clock."""
    moment = now or timezone.now()
    version = next(
        (
            v
            for v in support_selectors.routines_in_force([routine.person_id], at=moment)
            if v.routine_id == routine.pk
        ),
        None,
    )
    if version is None:
        return None
    runs = list(
        RoutineRun.objects.filter(
            routine_version__routine=routine, occurred_at__gte=_start_of_day(moment)
        ).order_by("occurred_at")
    )
    rt = RoutineToday(
        version=version,
        runs=runs,
        checklist=open_checklists([routine.person_id], moment).get(routine.pk),
    )
    place_steps(rt, moment)
    return rt


def _last_recorded_sql(count: int) -> str:
    """For each of `count` people, when the user last wrote each kind of shift record: one
    probe per kind and person of its (recorded_by, person, -created_at) index, so the cost
    does not grow with the years of records behind it."""
    # Only model table and column names go into the text; every value is a parameter.
    q = connection.ops.quote_name
    probes = ", ".join(
        f"(SELECT r.{q('created_at')} FROM {q(model._meta.db_table)} r "  # noqa: S608
        f"WHERE r.{q('recorded_by_id')} = %s AND r.{q('person_id')} = p.{q('id')} "
        f"ORDER BY r.{q('created_at')} DESC LIMIT 1)"
        for model in RECORDS
    )
    places = ", ".join(["%s"] * count)
    table = q(Person._meta.db_table)
    return f"SELECT p.{q('id')}, {probes} FROM {table} p WHERE p.{q('id')} IN ({places})"  # noqa: S608


def _aware(value: Any) -> datetime | None:
    """A timestamp as the ORM would give it (SQLite answers text, in UTC)."""
    if value is None or isinstance(value, datetime) and timezone.is_aware(value):
        return value
    moment = value if isinstance(value, datetime) else parse_datetime(value)
    return timezone.make_aware(moment, UTC) if moment else None


def last_recorded(user: User, person_ids: list[int]) -> dict[int, datetime]:
    """When this user last wrote a shift record for each person (one query). Written as SQL:
    on every shift view the ORM spent ~3 ms building its six subqueries, for ~0.2 ms in the
    database (tests/delivery/test_changes.py checks it against the records)."""
    if not person_ids:
        return {}
    with connection.cursor() as cursor:
        params = [user.pk] * len(RECORDS) + list(person_ids)
        cursor.execute(_last_recorded_sql(len(person_ids)), params)
        rows = cursor.fetchall()
    found: dict[int, datetime] = {}
    for person_id, *times in rows:
        seen = [t for t in (_aware(t) for t in times) if t is not None]
        if seen:
            found[person_id] = max(seen)
    return found


def _mark_changes(user: User, by_person: dict[int, PersonShift]) -> None:
    """Set on each version in force what changed since the worker last recorded for the
    person: against the version that was in force then. A worker who has never recorded for
    the person sees the changes of the last week, against the version before."""
    now = timezone.now()
    last = last_recorded(user, list(by_person))
    changed: dict[str, list[PlanVersion]] = defaultdict(list)
    for ps in by_person.values():
        ps.last_recorded_at = last.get(ps.person.pk)
        since = ps.last_recorded_at or now - CHANGE_NOTICE
        for version in ps.versions:
            version.changes = []
            if version.reached_staff_at > since:
                changed[version.element.kind].append(version)
    for kind, versions in changed.items():
        later = [v.element_id for v in versions if v.number > 1]
        earlier = support_selectors.earlier_versions(KINDS[kind], later) if later else {}
        for version in versions:
            history = [v for v in earlier.get(version.element_id, []) if v.number < version.number]
            seen_at = last.get(version.element.person_id)
            before = (
                support_selectors.in_force_among(history, seen_at)
                if seen_at is not None
                else (history[-1] if history else None)
            )
            version.changes = support_selectors.changes_between(before, version)


@dataclass
class Briefing:
    """What an agency worker reads before a booked shift: every routine, rhythm and staff
    instruction in force in the service during it (`people`), whether they confirmed
    reading it (`acknowledged`, the latest confirmation) and what is in force now that it
    did not cover (`changed`: a newer version, or something newly in force)."""

    booking: ShiftBooking
    acknowledged: BriefingAcknowledgement | None
    versions: list[PlanVersion]
    changed: list[PlanVersion]
    people: list[dict] = field(default_factory=list)

    @property
    def due(self) -> bool:
        return self.acknowledged is None or bool(self.changed)


def briefing_moment(booking: ShiftBooking, at: datetime | None = None) -> datetime:
    """The plan a briefing shows: the one in force now, or when a later shift starts."""
    return max(at or timezone.now(), booking.starts_at)


def _service_people(booking: ShiftBooking):
    return Person.objects.filter(service_id=booking.service_id, is_active=True)


def latest_acknowledgement(booking: ShiftBooking) -> BriefingAcknowledgement | None:
    return (
        booking.briefing_acknowledgements.order_by("-acknowledged_at", "-id")
        .prefetch_related("routine_versions", "rhythm_versions", "instruction_versions")
        .first()
    )


def _uncovered(
    versions: list[PlanVersion], ack: BriefingAcknowledgement | None
) -> list[PlanVersion]:
    if ack is None:
        return []
    covered = ack.version_ids
    return [v for v in versions if (v.element.kind, v.pk) not in covered]


def briefing_state(booking: ShiftBooking, at: datetime | None = None) -> Briefing:
    """Whether the briefing is due, without what it says (seven queries)."""
    moment = briefing_moment(booking, at)
    people = _service_people(booking).values("pk")
    versions: list[PlanVersion] = [
        *support_selectors.versions_in_force(ROUTINE, people, moment),
        *support_selectors.versions_in_force(RHYTHM, people, moment),
        *support_selectors.versions_in_force(INSTRUCTION, people, moment),
    ]
    ack = latest_acknowledgement(booking)
    return Briefing(booking, ack, versions, _uncovered(versions, ack))


def briefing_for_booking(booking: ShiftBooking, at: datetime | None = None) -> Briefing:
    """The briefing to read: each person's routine and rhythm summaries (or, without one,
    the steps) and staff instructions, as in force during the shift, with what changed
    since the worker last confirmed it marked."""
    moment = briefing_moment(booking, at)
    people = list(_service_people(booking).order_by("given_name", "family_name"))
    ids = [p.pk for p in people]
    grouped: dict[str, dict[int, list]] = {
        "routines": defaultdict(list),
        "rhythms": defaultdict(list),
        "instructions": defaultdict(list),
    }
    versions: list[PlanVersion] = []
    for name, found in (
        ("routines", support_selectors.routines_in_force(ids, at=moment)),
        ("rhythms", support_selectors.rhythms_in_force(ids, at=moment)),
        ("instructions", support_selectors.instructions_in_force(ids, at=moment)),
    ):
        for v in found:
            grouped[name][v.element.person_id].append(v)
            versions.append(v)
    ack = latest_acknowledgement(booking)
    changed = _uncovered(versions, ack)
    changed_ids = {(v.element.kind, v.pk) for v in changed}
    for v in versions:
        v.changed_since_briefing = (v.element.kind, v.pk) in changed_ids
    rows = [
        {"person": p, **{name: grouped[name].get(p.pk, []) for name in grouped}} for p in people
    ]
    return Briefing(booking, ack, versions, changed, rows)


def briefings_for_service(service_id: int, *, days: int = 14) -> list[ShiftBooking]:
    """Agency bookings in this service, recent and coming, with whether each was briefed."""
    now = timezone.now()
    agency = Membership.objects.filter(
        service_id=service_id, role=Membership.Role.AGENCY_WORKER
    ).values("user_id")
    return list(
        ShiftBooking.objects.filter(
            service_id=service_id,
            user_id__in=agency,
            ends_at__gte=now - timedelta(days=days),
            starts_at__lte=now + timedelta(days=days),
        )
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "briefing_acknowledgements",
                queryset=BriefingAcknowledgement.objects.order_by("-acknowledged_at", "-id"),
                to_attr="acknowledgements",
            )
        )
        .order_by("-starts_at")
    )


# Looking back


def step_adherence(run: RoutineRun, agreed: list[int]) -> str:
    if run.outcome == RoutineRun.Outcome.REFUSED and not run.steps_used:
        return "refused"
    if run.steps_used == agreed:
        return "as agreed"
    if set(run.steps_used) == set(agreed):
        return "all steps, another order"
    return f"{len(run.steps_used)} of {len(agreed)} steps"


def handover_window(person: Person, *, hours: int = 12) -> dict:
    """How the last shift went against the plan: every record in the window, with steps
    used as agreed or not, choices, declines, distress and flags."""
    since = timezone.now() - timedelta(hours=hours)

    def recent(model):
        return model.objects.filter(person=person, occurred_at__gte=since).select_related(
            "recorded_by"
        )

    runs = list(
        recent(RoutineRun)
        .select_related("routine_version__routine")
        .prefetch_related("routine_version__steps")
    )
    for run in runs:
        steps = list(run.routine_version.steps.all())
        names = {s.pk: s.title for s in steps}
        run.adherence = step_adherence(run, [s.pk for s in steps])
        run.step_titles = [names.get(s, "?") for s in run.steps_used]
        run.skipped = [s.title for s in steps if s.pk not in run.steps_used]
    activities = list(recent(ActivityRecord).select_related("rhythm_version__rhythm", "entry"))
    return {
        "since": since,
        "hours": hours,
        "runs": runs,
        "chosen": [a for a in activities if not a.is_declined],
        "declined": [a for a in activities if a.is_declined],
        "distress": [r for r in runs if r.distress_noticed],
        "incidents": list(recent(Incident).select_related("routine_version", "rhythm_version")),
        "flags": list(
            recent(PracticalityFlag).select_related(
                "routine_version__routine", "rhythm_version__rhythm"
            )
        ),
        "notes": list(recent(DailyNote)),
        "handovers": list(recent(HandoverNote)),
    }


@dataclass
class StepUse:
    title: str
    position: int
    used: int
    in_place: int  # used at its agreed place in the order


@dataclass
class VersionReport:
    version: RoutineVersion
    runs: int = 0
    outcomes: Counter = field(default_factory=Counter)
    distress: int = 0
    as_agreed: int = 0
    steps: list[StepUse] = field(default_factory=list)

    def outcome(self, name: str) -> int:
        return self.outcomes.get(name, 0)


REPORT_INCIDENTS = 50


def delivery_report(person: Person, start: date, end: date) -> dict:
    """For each routine, how often each step was used as agreed and the outcomes, per
    version (with the decisions behind it), over a period; and activity choices and
    declines per rhythm version."""
    begin = timezone.make_aware(datetime.combine(start, time.min))
    finish = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    routines = list(
        Routine.objects.filter(person=person).prefetch_related(
            Prefetch(
                "versions",
                queryset=RoutineVersion.objects.prefetch_related(
                    "steps", support_selectors._DECISIONS
                ).order_by("-number"),
            )
        )
    )
    runs = RoutineRun.objects.filter(
        person=person, occurred_at__gte=begin, occurred_at__lt=finish
    ).values_list("routine_version_id", "steps_used", "outcome", "distress_noticed")
    by_version: dict[int, list[tuple]] = defaultdict(list)
    for version_id, used, outcome, distress in runs:
        by_version[version_id].append((used or [], outcome, distress))
    report = []
    for routine in routines:
        rows = []
        for version in routine.versions.all():
            steps = list(version.steps.all())
            agreed = [s.pk for s in steps]
            vr = VersionReport(version=version)
            uses = Counter()
            in_place = Counter()
            for used, outcome, distress in by_version.get(version.pk, []):
                vr.runs += 1
                vr.outcomes[outcome] += 1
                vr.distress += int(distress)
                vr.as_agreed += int(used == agreed)
                for index, step_id in enumerate(used):
                    uses[step_id] += 1
                    if index < len(agreed) and agreed[index] == step_id:
                        in_place[step_id] += 1
            vr.steps = [StepUse(s.title, s.position, uses[s.pk], in_place[s.pk]) for s in steps]
            if vr.runs or version.is_current:
                rows.append(vr)
        report.append({"routine": routine, "versions": rows})
    activity = (
        ActivityRecord.objects.filter(person=person, occurred_at__gte=begin, occurred_at__lt=finish)
        .select_related("rhythm_version__rhythm")
        .only(
            "outcome",
            "chosen",
            "adjustments",
            "rhythm_version__number",
            "rhythm_version__rhythm__name",
        )
    )
    rhythms: dict[str, Counter] = defaultdict(Counter)
    for record in activity:
        label = str(record.rhythm_version) if record.rhythm_version_id else "Outside the rhythm"
        rhythms[label][record.outcome] += 1
        if record.adjustments:
            rhythms[label]["adjusted"] += 1
    incidents = Incident.objects.filter(
        person=person, occurred_at__gte=begin, occurred_at__lt=finish
    )
    return {
        "routines": report,
        "rhythms": sorted(rhythms.items()),
        "incidents": incidents.count(),
        # Each incident as recorded, newest first (an incident alert links here).
        "incident_list": list(
            incidents.select_related(
                "recorded_by", "routine_version__routine", "rhythm_version__rhythm"
            ).order_by("-occurred_at", "-id")[:REPORT_INCIDENTS]
        ),
        "flags": PracticalityFlag.objects.filter(
            person=person, occurred_at__gte=begin, occurred_at__lt=finish
        ).count(),
    }
