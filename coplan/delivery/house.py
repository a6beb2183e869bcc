"""The whole-shift handover for a house (a service): how each person's plan was kept this
shift, what is outstanding, and the outgoing worker's note for the house.

The read (`house_shift`) takes a fixed number of queries whatever the number of people or
the length of their history: every record kind is read once for the whole house, bounded
by the shift window. The write (`house_handover_write`) is once per idempotency key, by
someone who may record in the service (agency staff only on their booked, briefed shift).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import Membership, Service, ShiftBooking, User
from coplan.delivery import idempotency, selectors
from coplan.delivery import services as delivery_services
from coplan.delivery.models import (
    ActivityRecord,
    DistressRecord,
    HandoverNote,
    HouseHandover,
    Incident,
    PracticalityFlag,
    RoutineRun,
)
from coplan.people.models import Person
from coplan.support import selectors as support_selectors
from coplan.support.models import RoutineVersion

WINDOW_HOURS = (12, 24)
# The latest house handover shows at the top of the shift view for this long.
SHOWN_FOR = timedelta(hours=24)
MAX_SHIFT = timedelta(hours=24)
# A handover is often written in the last part of a shift, before it ends.
WRITTEN_BEFORE_END = timedelta(hours=12)

WINDOW_ORDER = "The shift must end after it starts."
WINDOW_TOO_LONG = "A shift handover covers at most 24 hours."
NOT_STARTED = "The shift cannot start in the future."
ENDS_TOO_LATE = "Write the handover in the last 12 hours of the shift, or after it."


@dataclass
class RoutineDue:
    version: RoutineVersion
    due: bool
    runs: list[RoutineRun] = field(default_factory=list)

    @property
    def outstanding(self) -> bool:
        return self.due and not self.runs


@dataclass
class PersonHouse:
    """One person's shift against their plan."""

    person: Person
    routines: list[RoutineDue] = field(default_factory=list)
    steps_as_agreed: int = 0
    steps_not_as_agreed: int = 0
    refusals: int = 0
    offered: int = 0
    chosen: int = 0
    declined: int = 0
    distress: list[DistressRecord] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    open_flags: list[PracticalityFlag] = field(default_factory=list)
    last_handover: HandoverNote | None = None

    @property
    def routines_due(self) -> int:
        return sum(1 for r in self.routines if r.due)

    @property
    def routines_run(self) -> int:
        return sum(1 for r in self.routines if r.due and r.runs)

    @property
    def not_run(self) -> list[RoutineDue]:
        return [r for r in self.routines if r.outstanding]

    @property
    def outstanding(self) -> list[str]:
        """What the next shift must pick up, in words."""
        return [
            *(f"{r.version.routine.name}: due, not recorded" for r in self.not_run),
            *(
                f"Not practical: {f.routine_version or f.rhythm_version} (open)"
                for f in self.open_flags
            ),
        ]


@dataclass
class HouseShift:
    service: Service
    start: datetime
    end: datetime
    people: list[PersonHouse]
    latest: HouseHandover | None

    @property
    def outstanding_text(self) -> str:
        lines = [f"{p.person.called}: {item}" for p in self.people for item in p.outstanding]
        return "\n".join(lines)


def shift_window(
    user: User, service: Service, *, hours: int | None = None
) -> tuple[datetime, datetime]:
    """The shift this handover is about: the user's booking running now in the service, or
    the last `hours` (12 unless told)."""
    now = timezone.now()
    if hours is None:
        booking = delivery_services.running_booking(user, service.pk)
        if booking is not None:
            return booking.starts_at, now
        hours = WINDOW_HOURS[0]
    return now - timedelta(hours=hours), now


def _due(version: RoutineVersion, start: datetime, end: datetime) -> bool:
    """A routine is due in the shift when its first step's time falls inside it on any day
    the shift covers; a routine without times is due every shift."""
    steps = list(version.steps.all())
    first = steps[0].window_start if steps else None
    if first is None:
        return True
    day = timezone.localtime(start).date()
    while day <= timezone.localtime(end).date():
        moment = timezone.make_aware(datetime.combine(day, first))
        if start <= moment <= end:
            return True
        day += timedelta(days=1)
    return False


def _latest_handovers(person_ids: list[int]) -> dict[int, HandoverNote]:
    latest = (
        HandoverNote.objects.filter(person_id=OuterRef("pk"))
        .order_by("-occurred_at", "-id")
        .values("pk")[:1]
    )
    ids = Person.objects.filter(pk__in=person_ids).annotate(h=Subquery(latest)).values("h")
    return {
        n.person_id: n
        for n in HandoverNote.objects.filter(pk__in=ids).select_related("recorded_by")
    }


def latest_house_handover(service_id: int) -> HouseHandover | None:
    return (
        HouseHandover.objects.filter(service_id=service_id)
        .select_related("written_by")
        .order_by("-shift_end", "-id")
        .first()
    )


def house_shift(
    service: Service, people: list[Person], *, start: datetime, end: datetime
) -> HouseShift:
    """Each person's shift against their plan, in a fixed number of queries (ten)."""
    ids = [p.pk for p in people]
    rows = {p.pk: PersonHouse(person=p) for p in people}

    def window(model: Any) -> Any:
        return model.objects.filter(
            person_id__in=ids, occurred_at__gte=start, occurred_at__lte=end
        ).order_by("occurred_at", "id")

    runs: dict[int, list[RoutineRun]] = defaultdict(list)
    for run in window(RoutineRun).select_related("routine_version"):
        runs[run.routine_version.routine_id].append(run)
    for version in support_selectors.routines_in_force(ids, at=end):
        agreed = [s.pk for s in version.steps.all()]
        item = RoutineDue(version, _due(version, start, end), runs.pop(version.routine_id, []))
        row = rows[version.routine.person_id]
        row.routines.append(item)
        for run in item.runs:
            _count_run(row, run, agreed)
    for leftover in runs.values():  # runs of a routine no longer in force
        for run in leftover:
            _count_run(rows[run.person_id], run, None)
    for record in window(ActivityRecord).only("person_id", "outcome"):
        row = rows[record.person_id]
        row.offered += 1
        if record.is_declined:
            row.declined += 1
        else:
            row.chosen += 1
    for episode in window(DistressRecord).select_related("routine_step", "routine_version"):
        rows[episode.person_id].distress.append(episode)
    for incident in window(Incident):
        rows[incident.person_id].incidents.append(incident)
    open_flags = PracticalityFlag.objects.filter(person_id__in=ids).filter(
        Q(routine_version__is_current=True, routine_version__routine__is_active=True)
        | Q(rhythm_version__is_current=True, rhythm_version__rhythm__is_active=True)
    )
    for flag in open_flags.select_related(
        "routine_version__routine", "rhythm_version__rhythm"
    ).order_by("occurred_at", "id"):
        rows[flag.person_id].open_flags.append(flag)
    for person_id, note in _latest_handovers(ids).items():
        rows[person_id].last_handover = note
    for row in rows.values():
        row.routines.sort(key=lambda r: (not r.due, r.version.routine.name))
    return HouseShift(service, start, end, list(rows.values()), latest_house_handover(service.pk))


def _count_run(row: PersonHouse, run: RoutineRun, agreed: list[int] | None) -> None:
    if run.outcome == RoutineRun.Outcome.REFUSED:
        row.refusals += 1
    elif agreed is not None and run.steps_used == agreed:
        row.steps_as_agreed += 1
    else:
        row.steps_not_as_agreed += 1


# Writing the house handover


def recording_booking(*, service: Service, by: User) -> ShiftBooking | None:
    """Who may write for the house: anyone who may record in the service; agency staff only
    on their booked shift, after confirming its briefing."""
    if not access.services_for_user(by, Action.RECORD).filter(pk=service.pk).exists():
        raise PermissionDenied(access.NOT_ALLOWED)
    booking = delivery_services.running_booking(by, service.pk)
    if access.staff_role(by, service.pk) == Membership.Role.AGENCY_WORKER:
        if booking is None:
            raise PermissionDenied(delivery_services.NO_BOOKING)
        refusal = delivery_services.briefing_refusal(selectors.briefing_state(booking))
        if refusal:
            raise PermissionDenied(refusal)
    return booking


def _check_window(start: datetime, end: datetime) -> None:
    now = timezone.now()
    if end <= start:
        raise ValidationError({"shift_end": WINDOW_ORDER})
    if end - start > MAX_SHIFT:
        raise ValidationError({"shift_start": WINDOW_TOO_LONG})
    if start > now:
        raise ValidationError({"shift_start": NOT_STARTED})
    if end > now + WRITTEN_BEFORE_END:
        raise ValidationError({"shift_end": ENDS_TOO_LATE})


@transaction.atomic
def house_handover_write(
    *,
    service: Service,
    shift_start: datetime,
    shift_end: datetime,
    summary: str,
    outstanding: str = "",
    for_next_shift: str = "",
    idempotency_key: Any,
    by: User,
) -> HouseHandover:
    body = {
        "service": service,
        "shift_start": shift_start,
        "shift_end": shift_end,
        "summary": summary,
        "outstanding": outstanding,
        "for_next_shift": for_next_shift,
    }

    def create() -> HouseHandover:
        booking = recording_booking(service=service, by=by)
        start, end = timezone.localtime(shift_start), timezone.localtime(shift_end)
        _check_window(start, end)
        handover = HouseHandover(
            service=service,
            written_by=by,
            booking=booking,
            shift_start=start,
            shift_end=end,
            summary=summary.strip(),
            outstanding=outstanding.strip(),
            for_next_shift=for_next_shift.strip(),
        )
        handover.full_clean()
        handover.save()
        return handover

    handover, _ = idempotency.save_once(
        key=idempotency_key, user=by, model=HouseHandover, body=body, create=create
    )
    return handover


def shown_on_shift(service_ids: list[int]) -> list[HouseHandover]:
    """The latest house handover of each service, if written in the last day (one query)."""
    since = timezone.now() - SHOWN_FOR
    found: dict[int, HouseHandover] = {}
    for handover in (
        HouseHandover.objects.filter(service_id__in=service_ids, shift_end__gte=since)
        .select_related("service", "written_by")
        .order_by("service_id", "-shift_end", "-id")
    ):
        found.setdefault(handover.service_id, handover)
    return list(found.values())
