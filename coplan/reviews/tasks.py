"""Background work: scan one person for review triggers (queued after a record that might
cross a threshold, with transaction.on_commit)."""

from django_tasks import task

from coplan.people.models import Person
from coplan.reviews import alerts, services


@task()
def scan_person_task(person_id: int) -> int:
    """Scan one person; returns how many triggers were created."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return 0
    return len(services.scan(person=person))


@task()
def missed_check_ins_task() -> int:
    """Tell of every travel check-in now missed, each once (as `send_alerts` does). Queued
    for the moment each check-in of a trip becomes missed, so the alert does not wait for
    the next `send_alerts` run."""
    return alerts.missed_check_ins_found()
