"""`manage.py backup` and `manage.py restore`: every table comes back exactly, or nothing
changes.

The world (tests/conftest.py) plus what a day adds: edits with their history, a daily note,
a photo with its file, a real login's session, the access log its pages write, a queued task
and many-to-many links. The comparison walks the app registry itself (historical models and
the link tables of many-to-many fields included), not the backup's own list of tables, so a
table the backup missed would show here.
"""

import io
import json
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image

from coplan.access.models import AccessLog
from coplan.accounts.models import User
from coplan.delivery import services as delivery_services
from coplan.delivery.models import DailyNote
from coplan.lib.backup import DATA, MANIFEST
from coplan.notifications.tasks import email_notifications_task
from coplan.people import services as people_services
from coplan.people.models import Person
from coplan.pictures import services as picture_services
from coplan.pictures.models import PersonPhoto
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def every_table() -> dict[str, list[tuple]]:
    """Each table's rows as tuples of every column, in primary-key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list(*columns))
    return rows


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(out, format="PNG")
    return SimpleUploadedFile("mug.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def day(world, media, settings):
    """The world after a day's work: what every kind of table holds."""
    people_services.person_update(
        person=world.person, by=world.manager, strengths="Kind\nFunny\nGood at maps"
    )
    people_services.person_update(person=world.person, by=world.team_leader, pronouns="he/him")
    delivery_services.daily_note_create(
        person=world.person,
        text="Sam chose the park walk and enjoyed it.",
        persons_words="The ducks!",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    picture_services.person_photo_add(
        person=world.person, label="My mug", image=png(), by=world.manager
    )
    client = Client()
    response = client.post(reverse("login"), {"username": "worker", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("people:detail", args=[world.person.pk])).status_code == 200
    world.admin.user_permissions.set(Permission.objects.filter(codename__startswith="view_")[:3])
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    email_notifications_task.enqueue([1, 2])
    return world


def tables_holding_rows(rows: dict[str, list[tuple]]) -> set[str]:
    return {table for table, table_rows in rows.items() if table_rows}


def rewrite(source: Path, target: Path, *, manifest=None, data=None) -> Path:
    """A copy of a backup with its manifest or its data changed."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            content = old.extractfile(member).read()
            if member.name == MANIFEST and manifest is not None:
                content = json.dumps(manifest(json.loads(content))).encode()
            if member.name == DATA and data is not None:
                content = data(content.decode()).encode()
            member.size = len(content)
            new.addfile(member, io.BytesIO(content))
    return target


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_an_emptied_database_gives_back_every_row_and_file(day, media, tmp_path):
    before = every_table()
    files_before = media_files(media)
    # Every kind of table the backup must carry holds rows.
    carried = [Person.history.model, AccessLog, Session, DBTaskResult, PersonPhoto, DailyNote]
    carried.append(User.user_permissions.through)
    assert {model._meta.db_table for model in carried} <= tables_holding_rows(before)
    assert len(files_before) == 1

    archive = tmp_path / "coplan.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    assert archive.stat().st_mode & 0o777 == 0o600  # it holds every care record
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
        names = tar.getnames()
    assert names[:2] == [MANIFEST, DATA]
    assert [name for name in names[2:]] == [f"media/{name}" for name in files_before]
    assert manifest["coplan_version"] == "0.1.0"
    assert manifest["rows"] == {table: len(rows) for table, rows in before.items()}
    assert "0001_initial" in manifest["migrations"]["people"]
    assert manifest["media_files"] == 1

    call_command("flush", interactive=False)
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert tables_holding_rows(every_table()) <= {"django_content_type", "auth_permission"}

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert f"Restored {sum(manifest['rows'].values())} rows" in out.getvalue()
    after = every_table()
    differing = [table for table in before if before[table] != after[table]]
    assert differing == []
    assert media_files(media) == files_before

    # New rows take new ids (PostgreSQL's sequences were moved past the restored ones).
    person = Person.objects.get(pk=day.person.pk)
    note = delivery_services.daily_note_create(
        person=person, text="After the restore.", idempotency_key=uuid.uuid4(), by=day.worker
    )
    assert note.pk > max(row[0] for row in before["delivery_dailynote"])
    new_person = people_services.person_create(
        service=day.service_a, by=day.manager, given_name="Rae", family_name="Newcombe"
    )
    assert new_person.pk > max(row[0] for row in before["people_person"])
    assert person.history.count() == len(
        [row for row in before["people_historicalperson"] if row[0] == person.pk]
    )
    photo = PersonPhoto.objects.get()
    assert photo.image.read() == files_before[photo.image.name]


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_holding_data_unless_forced(day, media, tmp_path):
    archive = tmp_path / "coplan.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    before = every_table()
    delivery_services.daily_note_create(
        person=day.person,
        text="Written after the backup.",
        idempotency_key=uuid.uuid4(),
        by=day.worker,
    )
    with_note = every_table()

    with pytest.raises(CommandError, match="already holds data.*--force"):
        call_command("restore", str(archive))
    assert every_table() == with_note

    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert every_table() == before
    assert not DailyNote.objects.filter(text="Written after the backup.").exists()


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_part_way_changes_nothing(day, media, tmp_path):
    archive = tmp_path / "coplan.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    before = every_table()

    def orphan_note(data: str) -> str:
        # The last daily note now belongs to no one: the database refuses it, after
        # everything before it was loaded.
        lines = data.splitlines()
        at = max(i for i, line in enumerate(lines) if '"delivery.dailynote"' in line)
        row = json.loads(lines[at])
        row["fields"]["person"] = 987654
        lines[at] = json.dumps(row)
        return "\n".join(lines) + "\n"

    broken = rewrite(archive, tmp_path / "broken.tar.gz", data=orphan_note)
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("restore", str(broken), force=True)

    assert every_table() == before
    assert media_files(media) == {}


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_backup_made_at_other_migrations(day, media, tmp_path):
    archive = tmp_path / "coplan.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    before = every_table()

    def newer(manifest: dict) -> dict:
        manifest["migrations"]["people"].append("9999_from_the_future")
        return manifest

    other = rewrite(archive, tmp_path / "newer.tar.gz", manifest=newer)
    with pytest.raises(CommandError) as raised:
        call_command("restore", str(other), force=True)

    message = str(raised.value)
    assert "people: the backup is at 9999_from_the_future" in message
    assert "migrate" in message
    assert every_table() == before


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    with pytest.raises(CommandError, match="There is no backup file at"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))

    text = tmp_path / "notes.tar.gz"
    text.write_text("not an archive")
    with pytest.raises(CommandError, match="not a readable Coplan backup"):
        call_command("restore", str(text))

    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("photos/cat.jpg")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"cat"))
    with pytest.raises(CommandError, match="not a Coplan backup: it has no manifest"):
        call_command("restore", str(other))


def test_backup_into_a_missing_folder_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="There is no folder"):
        call_command("backup", str(tmp_path / "nowhere" / "coplan.tar.gz"))


@pytest.mark.parametrize(
    ("command", "database", "says"),
    [
        ("restore", "sqlite:///{tmp}/x.db", "There is no backup file at"),
        ("backup", "postgres://nobody@127.0.0.1:1/coplan", "The database did not answer"),
    ],
)
def test_the_commands_fail_with_a_message_and_no_traceback(tmp_path, command, database, says):
    result = subprocess.run(
        [sys.executable, "manage.py", command, str(tmp_path)],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "true",
            "DATABASE_URL": database.format(tmp=tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert says in result.stderr
    assert "Traceback" not in result.stderr
