from django.core.management.base import BaseCommand, CommandError

from coplan.accounts import services
from coplan.accounts.models import User


class Command(BaseCommand):
    help = "Make an API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command-line token")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        token, secret = services.api_token_create(user=user, name=name)
        self.stdout.write(secret)
