"""Run the trigger engine, e.g. nightly from cron: `manage.py scan_triggers`."""

from django.core.management.base import BaseCommand, CommandError

from coplan.accounts.models import Service
from coplan.people.models import Person
from coplan.reviews import services


class Command(BaseCommand):
    help = (
        "Find reasons to review (review dates, runs of refusals, check-ins...) and open triggers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--service", type=int, help="Only people in this service (id).")
        parser.add_argument("--person", type=int, help="Only this person (id).")

    def handle(self, *args, **options):
        service = person = None
        if options["service"] is not None:
            service = Service.objects.filter(pk=options["service"]).first()
            if service is None:
                raise CommandError(f"No service with id {options['service']}.")
        if options["person"] is not None:
            person = Person.objects.filter(pk=options["person"]).first()
            if person is None:
                raise CommandError(f"No person with id {options['person']}.")
        created = services.scan(service=service, person=person)
        for trigger in created:
            self.stdout.write(f"{trigger.person}: {trigger}")
        self.stdout.write(self.style.SUCCESS(f"{len(created)} new trigger(s)."))
