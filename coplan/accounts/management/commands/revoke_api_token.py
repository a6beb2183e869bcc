from django.core.management.base import BaseCommand, CommandError

from coplan.accounts import services
from coplan.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Revoke an API token, by the prefix shown in the admin (the 8 characters after cpl_)."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, prefix: str, **options):
        tokens = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)
        if not tokens:
            raise CommandError(f"No active token starts with {prefix!r}.")
        for token in tokens:
            services.api_token_revoke(token=token)
            self.stdout.write(f"Revoked {token}")
