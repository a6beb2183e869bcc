"""`manage.py restore PATH`: put a backup made by `manage.py backup` back, in one
transaction, into a database migrated exactly as the backup's was."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from coplan.lib.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into a migrated, empty database "
        "(--force to replace a database that holds data). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete everything the database holds and put the backup's in its place.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, path: Path, force: bool, database: str, **options):
        try:
            summary = backup_restore(source=path, force=force, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"The database did not answer: {exc}") from exc
        made = summary.manifest.get("created_at", "an unknown time")
        version = summary.manifest.get("coplan_version", "unknown")
        self.stdout.write(
            f"Restored {summary.rows} rows in {summary.tables} tables and {summary.files} files "
            f"from {path} (made {made} by Coplan {version})."
        )
