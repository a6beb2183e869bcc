"""Reads for the shift: what a worker needs on their phone, in a fixed number of queries
whatever the length of the person's history, and the reports that look back on shifts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.access.rules import Action
from coplan.accounts.models import Membership, ShiftBooking, User
from coplan.delivery.models import (
    ActivityRecord,
    BriefingAcknowledgement,
    DailyNote,
    HandoverNote,
    Incident,
    PracticalityFlag,
    RoutineRun,
)
from coplan.people.models import CommunicationNeed, Person
from coplan.support import selectors as support_selectors
from coplan.support.models import RhythmVersion, Routine, RoutineVersion, StaffInstruction


@dataclass
class RoutineToday:
    version: RoutineVersion
    runs: list[RoutineRun] = field(default_factory=list)


@dataclass
class PersonShift:
    person: Person
    routines: list[RoutineToday] = field(default_factory=list)
    rhythms: list[RhythmVersion] = field(default_factory=list)
    activities_today: list[ActivityRecord] = field(default_factory=list)
    instructions: list[StaffInstruction] = field(default_factory=list)
    last_handover: HandoverNote | None = None
    may_record: bool = True

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


def running_bookings(user: User, at: datetime | None = None) -> list[ShiftBooking]:
    moment = at or timezone.now()
    return list(
        ShiftBooking.objects.filter(user=user, starts_at__lte=moment, ends_at__gt=moment)
        .select_related("service", "briefing_acknowledgement")
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


def shift_for_user(user: User, *, path: str = "") -> Shift:
    """Who this user supports on this shift and what each person's plan says for today.

    With a booking running now: the people in the booked services. Without one: everyone in
    their services they may record for. The query count does not grow with history: today's
    records are bounded by the day and the handover is one row per person."""
    bookings = running_bookings(user)
    people_qs = access.people_for_user(user, Action.RECORD).filter(is_active=True)
    if bookings:
        people_qs = people_qs.filter(service_id__in={b.service_id for b in bookings})
    people = list(
        people_qs.select_related(None)
        .only("id", "given_name", "family_name", "preferred_name", "service_id")
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
        and not hasattr(b, "briefing_acknowledgement")
    ]
    unbriefed_services = {b.service_id for b in briefing_due}
    briefing_services = list(access.services_for_user(user, Action.PLAN))
    if not people:
        return Shift([], bookings, briefing_due, briefing_services)

    ids = [p.pk for p in people]
    by_person = {p.pk: PersonShift(person=p) for p in people}
    for p in people:
        by_person[p.pk].may_record = p.service_id not in unbriefed_services
    since = _start_of_today()
    runs: dict[int, list[RoutineRun]] = defaultdict(list)
    for run in RoutineRun.objects.filter(person_id__in=ids, occurred_at__gte=since).order_by(
        "occurred_at"
    ):
        runs[run.routine_version_id].append(run)
    for version in support_selectors.routines_in_force(ids):
        by_person[version.routine.person_id].routines.append(
            RoutineToday(version=version, runs=runs.get(version.pk, []))
        )
    for version in support_selectors.rhythms_in_force(ids, weekday=timezone.localdate().weekday()):
        by_person[version.rhythm.person_id].rhythms.append(version)
    for record in ActivityRecord.objects.filter(person_id__in=ids, occurred_at__gte=since).order_by(
        "occurred_at"
    ):
        by_person[record.person_id].activities_today.append(record)
    for instruction in support_selectors.instructions_in_force(ids):
        by_person[instruction.person_id].instructions.append(instruction)
    for ps in by_person.values():
        ps.routines.sort(key=_first_window)
    for person_id, note in _last_handovers(ids).items():
        by_person[person_id].last_handover = note
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=user, person=p, what="Shift view", action=AccessLog.Action.VIEW, path=path
            )
            for p in people
        ]
    )
    return Shift(list(by_person.values()), bookings, briefing_due, briefing_services)


def briefing_rows(briefing: access.Briefing) -> list[dict]:
    """The routine and rhythm summaries an agency worker reads before the shift, for each
    person the briefing tells them about."""
    people = briefing.people
    ids = [p.pk for p in people]
    routines = defaultdict(list)
    for v in support_selectors.routines_in_force(ids):
        routines[v.routine.person_id].append(v)
    rhythms = defaultdict(list)
    for v in support_selectors.rhythms_in_force(ids):
        rhythms[v.rhythm.person_id].append(v)
    return [
        {"person": p, "routines": routines.get(p.pk, []), "rhythms": rhythms.get(p.pk, [])}
        for p in people
    ]


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
        .select_related("user", "briefing_acknowledgement")
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
    return {
        "routines": report,
        "rhythms": sorted(rhythms.items()),
        "incidents": Incident.objects.filter(
            person=person, occurred_at__gte=begin, occurred_at__lt=finish
        ).count(),
        "flags": PracticalityFlag.objects.filter(
            person=person, occurred_at__gte=begin, occurred_at__lt=finish
        ).count(),
    }


def briefed_for(booking: ShiftBooking) -> bool:
    return BriefingAcknowledgement.objects.filter(booking=booking).exists()
