"""Back up a whole Coplan database, with its uploaded files, as one archive, and restore it.

The archive is a .tar.gz holding, in this order:
- `manifest.json`: the format, Coplan's version, when it was made, the database it came
  from, the migrations applied per app, the rows per table and the number of files;
- `data.coplanjsonl`: every row of every table, written by Django's own `dumpdata` with
  primary keys kept and natural keys off (coplan/lib/backup_jsonl.py for the format);
- `media/...`: every file under MEDIA_ROOT (the pictures and photos people uploaded).

Restoring loads it with Django's `loaddata` into a database migrated to the same
migrations, in one transaction: a restore that fails leaves the database as it was.

This module knows no Coplan app: it works over whatever the app registry holds, historical
tables, sessions, task results and the access log included.
"""

import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from coplan.lib import backup_jsonl

FORMAT_NAME = "coplan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = f"data.{backup_jsonl.FORMAT}"
MEDIA = "media"

# Rows `migrate` makes in an empty database: they are not data, and the restore replaces them.
_MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    path: Path
    manifest: dict[str, Any]

    @property
    def rows(self) -> int:
        return sum(self.manifest["rows"].values())

    @property
    def tables(self) -> int:
        return len(self.manifest["rows"])

    @property
    def files(self) -> int:
        return int(self.manifest["media_files"])


def backed_up_models() -> list[type[Model]]:
    """Every table Django knows: each app's models, the historical models and the link
    tables of many-to-many fields."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def backup_create(*, destination: Path, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write the archive to `destination` (a file, or a folder to name one in). The rows
    are read in one snapshot, so they are one moment's database even while people work."""
    target = destination
    if destination.is_dir():
        target = destination / f"coplan-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent} to write the backup in.")
    _register_format()
    connection = connections[using]
    models = backed_up_models()
    with tempfile.TemporaryDirectory(prefix="coplan-backup-") as work:
        data_path = Path(work) / DATA
        with _read_snapshot(using):
            call_command(
                "dumpdata",
                *[model._meta.label for model in models],
                format=backup_jsonl.FORMAT,
                output=str(data_path),
                use_base_manager=True,
                database=using,
                verbosity=0,
            )
            rows = _row_counts(models, using)
            migrations = migration_state(using)
        media = _media_files()
        manifest = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "coplan_version": _coplan_version(),
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": migrations,
            "rows": rows,
            "media_files": len(media),
        }
        partial = target.with_name(target.name + ".partial")
        try:
            # Readable by its owner only: it holds every care record.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
                encoded = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(encoded)
                info.mtime = int(timezone.now().timestamp())
                tar.addfile(info, BytesIO(encoded))
                tar.add(data_path, arcname=DATA)
                for relative in media:
                    tar.add(
                        Path(settings.MEDIA_ROOT) / relative,
                        arcname=f"{MEDIA}/{relative.as_posix()}",
                        recursive=False,
                    )
            os.replace(partial, target)
        except OSError as exc:
            raise BackupError(f"The backup could not be written to {target}: {exc}") from exc
        finally:
            partial.unlink(missing_ok=True)
    return Summary(path=target, manifest=manifest)


@contextmanager
def _read_snapshot(using: str) -> Iterator[None]:
    """One transaction that sees the database as it was when it began, without holding up
    anyone who writes meanwhile."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # Coplan's writes take SQLite's write lock at BEGIN (transaction_mode IMMEDIATE);
        # a backup that did too would make every shift record wait for it, and fail after
        # the busy timeout. A deferred transaction only reads, and in WAL mode it reads a
        # snapshot while others write.
        # (django-stubs does not know `transaction_mode`, new in Django 5.1.)
        mode = getattr(connection, "transaction_mode")  # noqa: B009
        setattr(connection, "transaction_mode", "DEFERRED")  # noqa: B010
        try:
            with transaction.atomic(using=using):
                yield
        finally:
            setattr(connection, "transaction_mode", mode)  # noqa: B010
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def backup_restore(*, source: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Replace everything in the database (and add the files under MEDIA_ROOT) with the
    archive's. Refuses a database that already holds data unless `force`, and one whose
    migrations differ from the backup's."""
    _register_format()
    with tempfile.TemporaryDirectory(prefix="coplan-restore-") as work:
        manifest = _unpack(source, Path(work), using=using, force=force)
        _load(Path(work), manifest, using=using)
    return Summary(path=source, manifest=manifest)


def migration_state(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The migrations applied to the database, by app, in name order."""
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def _unpack(source: Path, work: Path, *, using: str, force: bool) -> dict[str, Any]:
    """Check the archive against the database, then unpack its data and files into `work`.
    Nothing in the database changes here."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    try:
        with tarfile.open(source, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError(f"{source} is not a Coplan backup: it has no manifest.")
            manifest = _read_manifest(tar, first, source)
            _check_migrations(manifest, using)
            _check_empty(using, force)
            found_data = False
            for member in tar:
                if member is first:  # iterating starts over from the first entry
                    continue
                target = _member_target(member, work, source)
                if target is None:
                    continue
                found_data = found_data or member.name == DATA
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(member)
                if extracted is None:  # pragma: no cover - regular files always have data
                    raise BackupError(f"{source} holds an unreadable entry {member.name!r}.")
                with extracted, target.open("wb") as out:
                    shutil.copyfileobj(extracted, out)
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"{source} is not a readable Coplan backup ({exc}).") from exc
    if not found_data:
        raise BackupError(f"{source} is not a Coplan backup: it holds no {DATA}.")
    return manifest


def _read_manifest(tar: tarfile.TarFile, member: tarfile.TarInfo, source: Path) -> dict[str, Any]:
    extracted = tar.extractfile(member)
    try:
        manifest = json.loads(extracted.read() if extracted else b"")
    except ValueError as exc:
        raise BackupError(f"{source} is not a Coplan backup: its manifest is not JSON.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BackupError(f"{source} is not a Coplan backup: its manifest is another format.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{source} is a Coplan backup of format {manifest.get('format_version')!r}; "
            f"this Coplan reads format {FORMAT_VERSION}. Restore it with the Coplan that made it."
        )
    for key in ("migrations", "rows", "media_files"):
        if key not in manifest:
            raise BackupError(f"{source} is not a Coplan backup: its manifest has no {key!r}.")
    return manifest


def _member_target(member: tarfile.TarInfo, work: Path, source: Path) -> Path | None:
    """Where an archive entry is unpacked, refusing anything that is not a plain file inside
    the work folder (a link, a device, a path climbing out with `..`)."""
    if member.isdir():
        return None
    name = PurePosixPath(member.name)
    if not member.isfile() or name.is_absolute() or ".." in name.parts:
        raise BackupError(f"{source} holds an entry a backup never has: {member.name!r}.")
    if member.name == DATA or (name.parts[0] == MEDIA and len(name.parts) > 1):
        return work.joinpath(*name.parts)
    raise BackupError(f"{source} holds an entry a backup never has: {member.name!r}.")


def _check_migrations(manifest: dict[str, Any], using: str) -> None:
    here = migration_state(using)
    theirs: dict[str, list[str]] = manifest["migrations"]
    differences = []
    for app_label in sorted(set(here) | set(theirs)):
        if set(here.get(app_label, [])) != set(theirs.get(app_label, [])):
            backup_at = max(theirs.get(app_label, []), default="no migrations")
            here_at = max(here.get(app_label, []), default="no migrations")
            differences.append(
                f"  {app_label}: the backup is at {backup_at}, this database at {here_at}"
            )
    if differences:
        raise BackupError(
            "The backup was made at other migrations than this database is at:\n"
            + "\n".join(differences)
            + "\nRestore into a database migrated exactly as the backup was: with the Coplan "
            "version that made it (" + str(manifest.get("coplan_version", "unknown")) + "), "
            "run `manage.py migrate` on a new database, restore, then upgrade and migrate."
        )


def _check_empty(using: str, force: bool) -> None:
    if force:
        return
    holding = [
        model._meta.db_table
        for model in backed_up_models()
        if model._meta.label_lower not in _MADE_BY_MIGRATE
        and model._base_manager.using(using).exists()
    ]
    files = _media_files()
    if not holding and not files:
        return
    held = []
    if holding:
        shown = ", ".join(holding[:5]) + (
            f" and {len(holding) - 5} more" if len(holding) > 5 else ""
        )
        held.append(f"rows in {len(holding)} tables ({shown})")
    if files:
        held.append(f"{len(files)} files under MEDIA_ROOT ({settings.MEDIA_ROOT})")
    raise BackupError(
        "This database already holds data: "
        + " and ".join(held)
        + ". Restoring would delete all of it and put the backup's in its place. "
        "Nothing was changed. To replace it, run the restore again with --force."
    )


def _load(work: Path, manifest: dict[str, Any], *, using: str) -> None:
    connection = connections[using]
    models = backed_up_models()
    try:
        with transaction.atomic(using=using):
            tables = connection.introspection.django_table_names(
                only_existing=True, include_views=False
            )
            connection.ops.execute_sql_flush(
                connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
            )
            call_command("loaddata", str(work / DATA), database=using, verbosity=0)
            rows = _row_counts(models, using)
            if rows != manifest["rows"]:
                differing = sorted(
                    table
                    for table in set(rows) | set(manifest["rows"])
                    if rows.get(table) != manifest["rows"].get(table)
                )
                raise BackupError(
                    "The backup's rows do not add up to its manifest's count in "
                    + ", ".join(differing[:5])
                    + ". Nothing was restored."
                )
            # New rows must not collide with the restored ids (PostgreSQL's sequences;
            # SQLite needs nothing).
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            # Last, so a disk that fills up undoes the rows too.
            _place_media(work / MEDIA)
    except (
        DeserializationError,
        DatabaseError,
        OSError,
        ValueError,
        LookupError,
        TypeError,
    ) as exc:
        raise BackupError(
            f"The backup could not be loaded, so nothing was restored: {exc}"
        ) from exc
    # The ids of the content types are the backup's now.
    ContentType.objects.clear_cache()


def _place_media(unpacked: Path) -> None:
    if not unpacked.is_dir():
        return
    media_root = Path(settings.MEDIA_ROOT)
    for path in sorted(unpacked.rglob("*")):
        if path.is_file():
            target = media_root / path.relative_to(unpacked)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _row_counts(models: list[type[Model]], using: str) -> dict[str, int]:
    return {model._meta.db_table: model._base_manager.using(using).count() for model in models}


def _media_files() -> list[Path]:
    media_root = Path(settings.MEDIA_ROOT)
    if not media_root.is_dir():
        return []
    return sorted(path.relative_to(media_root) for path in media_root.rglob("*") if path.is_file())


def _coplan_version() -> str:
    try:
        return version("coplan")
    except PackageNotFoundError:  # pragma: no cover - a checkout that was never installed
        return "unknown"


def _register_format() -> None:
    serializers.register_serializer(backup_jsonl.FORMAT, "coplan.lib.backup_jsonl")
