"""Who is told, and at once, when something needs a response: a new reason to review, an
incident, a "this isn't practical" flag. Called after the record is committed (receivers)
and after each trigger scan, through the one `notify()` service."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from coplan.accounts.models import Membership, User
from coplan.delivery.models import Incident, PracticalityFlag
from coplan.lib.dates import day_label
from coplan.notifications.models import Kind
from coplan.notifications.services import Event, notify, notify_many
from coplan.people.models import Person
from coplan.reviews.models import ReviewTrigger
from coplan.risk import selectors as selectors_risk

RESPONSIBLE_ROLES = [Membership.Role.TEAM_LEADER, Membership.Role.MANAGER]


def responsible_for(person: Person) -> list[User]:
    """The team leaders and managers of the person's service, and their key worker."""
    users = list(
        User.objects.filter(
            memberships__service_id=person.service_id,
            memberships__role__in=RESPONSIBLE_ROLES,
            is_active=True,
        ).distinct()
    )
    if person.key_worker_id and person.key_worker_id not in {u.pk for u in users}:
        users.append(person.key_worker)
    return users


def is_serious(incident: Incident) -> bool:
    return (
        incident.severity == Incident.Severity.HIGH
        or incident.incident_type == Incident.Type.SAFEGUARDING
    )


def incident_recorded(incident: Incident) -> None:
    person = incident.person
    serious = is_serious(incident)
    notify(
        recipients=responsible_for(person),
        kind=Kind.SERIOUS_INCIDENT if serious else Kind.INCIDENT,
        title=f"{'Serious incident' if serious else 'Incident'}: {person.called}, "
        f"{incident.get_incident_type_display().lower()} ({incident.get_severity_display().lower()})",
        body=f"Recorded by {incident.recorded_by}. Actions taken: {incident.actions_taken}"[:1000],
        url=reverse("delivery:report", kwargs={"person_id": person.pk}) + "#incidents",
        event_key=f"incident:{incident.pk}",
    )


def flag_recorded(flag: PracticalityFlag) -> None:
    person = flag.person
    notify(
        recipients=responsible_for(person),
        kind=Kind.NOT_PRACTICAL,
        title=f"{person.called}: staff say a plan isn't practical",
        body=flag.what_happened[:1000],
        url=reverse("reviews:person", kwargs={"person_id": person.pk}),
        event_key=f"not_practical:{flag.pk}",
    )


def triggers_found(triggers: Iterable[ReviewTrigger]) -> None:
    """Tell who is responsible of each new trigger, in a fixed number of queries."""
    triggers = list(triggers)
    if not triggers:
        return
    people = Person.objects.select_related("key_worker").in_bulk({t.person_id for t in triggers})
    staff: dict[int, list[User]] = {}
    for m in Membership.objects.filter(
        service_id__in={p.service_id for p in people.values()},
        role__in=RESPONSIBLE_ROLES,
        user__is_active=True,
    ).select_related("user"):
        staff.setdefault(m.service_id, []).append(m.user)
    events = []
    for t in triggers:
        person = people[t.person_id]
        recipients = [*staff.get(person.service_id, []), person.key_worker]
        events.append(
            Event(
                tuple(u for u in recipients if u is not None),
                Kind.NEW_TRIGGER,
                f"{person.called}: {t.get_kind_display().lower()}",
                reverse("reviews:person", kwargs={"person_id": person.pk}),
                f"trigger:{t.pk}",
                f"{t.subject_label}. Due by {day_label(t.due_on)}.".lstrip(". "),
            )
        )
    notify_many(events)


def missed_check_ins_found() -> int:
    """Tell who is responsible (and the staff on shift there) of every travel check-in now
    missed, with the agreed action; urgent, so also by email. Each once. Run every few
    minutes (`manage.py send_alerts`)."""
    missed = selectors_risk.missed_check_ins(Person.objects.filter(is_active=True))
    if not missed:
        return 0
    people = {c.log.person_id: c.log.person for c in missed}
    staff: dict[int, list[User]] = {}
    for m in Membership.objects.filter(
        service_id__in={p.service_id for p in people.values()},
        role__in=RESPONSIBLE_ROLES,
        user__is_active=True,
    ).select_related("user"):
        staff.setdefault(m.service_id, []).append(m.user)
    key_workers = User.objects.in_bulk(
        {p.key_worker_id for p in people.values() if p.key_worker_id}
    )
    events = []
    for c in missed:
        person = c.log.person
        action = c.log.stage.missed_check_in_action or "Not recorded: call the team leader."
        events.append(
            Event(
                tuple(
                    u
                    for u in [
                        *staff.get(person.service_id, []),
                        key_workers.get(person.key_worker_id),
                    ]
                    if u is not None
                ),
                Kind.MISSED_CHECK_IN,
                f"Missed check-in: {person.called}, {c.point}",
                reverse(
                    "risk:trip",
                    kwargs={"person_id": person.pk, "plan_id": c.log.plan_id, "log_id": c.log_id},
                ),
                f"missed_check_in:{c.pk}",
                f"Set off on {c.log.planned_route}; due {c.due_at:%H:%M}. Agreed action: {action}",
            )
        )
    return len(notify_many(events))
