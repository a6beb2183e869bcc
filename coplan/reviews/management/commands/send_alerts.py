"""Tell staff of travel check-ins that are now missed (run every few minutes from cron)."""

from django.core.management.base import BaseCommand

from coplan.reviews import alerts


class Command(BaseCommand):
    help = "Notify (and email) who is responsible of each travel check-in now missed."

    def handle(self, *args, **options):
        told = alerts.missed_check_ins_found()
        self.stdout.write(f"{told} notification(s) for missed check-ins.")
