"""`manage.py backup PATH`: the whole database and the uploaded files in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from coplan.lib.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up every table (history, access log, sessions and task results included) and "
        "the files under MEDIA_ROOT to one .tar.gz. PATH is a file, or a folder to name one in."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, path: Path, database: str, **options):
        try:
            summary = backup_create(destination=path, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"The database did not answer: {exc}") from exc
        size = summary.path.stat().st_size
        self.stdout.write(
            f"Backed up {summary.rows} rows in {summary.tables} tables and {summary.files} "
            f"files to {summary.path} ({size / 1_000_000:.1f} MB)."
        )
