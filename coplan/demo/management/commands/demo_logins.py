from django.core.management.base import BaseCommand

from coplan.accounts.management.commands.seed_demo import DEMO_PASSWORD, LOGINS, STAFF


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        w = self.stdout.write
        w("")
        w(f"Coplan demo: http://127.0.0.1:8000  (password for every demo login: {DEMO_PASSWORD})")
        w("")
        for username, name, service, role, _ in STAFF:
            w(
                f"  {username:<8} {name:<18} {role.label} ({'Elm House' if service == 'elm' else 'Birch Court'})"
            )
        people = {
            "priya": "the person (Priya)",
            "marcus": "the person (Marcus)",
            "linda": "circle: Daniel's mum",
            "bea": "circle: Marcus's advocate",
        }
        for username, name in LOGINS.items():
            w(f"  {username:<8} {name:<18} {people[username]}")
        w("")
