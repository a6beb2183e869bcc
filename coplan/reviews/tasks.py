"""Background work: scan one person for review triggers (queued after a record that might
cross a threshold, with transaction.on_commit)."""

from django_tasks import task

from coplan.people.models import Person
from coplan.reviews import services


@task()
def scan_person_task(person_id: int) -> int:
    """Scan one person; returns how many triggers were created."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return 0
    return len(services.scan(person=person))
