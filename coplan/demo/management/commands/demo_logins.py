import os

from django.core.management.base import BaseCommand

from coplan.demo.management.commands.seed_demo import DEMO_PASSWORD, LOGINS, STAFF


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        w = self.stdout.write
        w("")
        where = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
        w(f"Coplan demo: http://{where}  (password for every demo login: {DEMO_PASSWORD})")
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
        w(
            f"  {'ines':<8} {'Ines Carter':<18} CQC inspector: Elm House evidence until Friday"
            " (two-step sign-in; authenticator key in the README)"
        )
        w("")
