import os

from django.core.management.base import BaseCommand

from coplan.accounts.models import Membership
from coplan.demo.management.commands.seed_demo import DEMO_PASSWORD, LOGINS, SERVICES, STAFF

Role = Membership.Role


def works_in(service_key: str, role: str) -> str:
    """Where a login works. A quality lead's membership in one service reads every service of
    the organisation (coplan/access/rules.py), and an admin's sees no care records, so
    naming the one service their membership sits in would mislead."""
    if role == Role.QUALITY_LEAD:
        return "every service: " + " and ".join(name for name, _ in SERVICES.values())
    if role == Role.ADMIN:
        return "organisation settings and users; no care records"
    return SERVICES[service_key][0]


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        w = self.stdout.write
        w("")
        where = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
        w(f"Coplan demo: http://{where}  (password for every demo login: {DEMO_PASSWORD})")
        w("")
        for username, name, service, role, _ in STAFF:
            w(f"  {username:<8} {name:<18} {role.label} ({works_in(service, role)})")
        people = {
            "priya": "the person (Priya)",
            "marcus": "the person (Marcus)",
            "linda": "circle: Dan's mum",
            "bea": "circle: Marcus's advocate",
        }
        for username, name in LOGINS.items():
            w(f"  {username:<8} {name:<18} {people[username]}")
        w(
            f"  {'ines':<8} {'Ines Carter':<18} CQC inspector: Elm House evidence until Friday"
            " (two-step sign-in; authenticator key in the README)"
        )
        w("")
