"""The app keeps no state of its own: one user's session is served by two app processes.

Two gunicorn processes (the production server) on two ports, over the test's own database
(on SQLite, a file copy of it; on PostgreSQL, the test database itself): the user signs in on
the first, the second knows them by the same cookie and takes a write, and the first shows
it. This is what lets a provider run several app servers behind a load balancer.

Slow for a test (about 5 to 10 s): it starts two real server processes and waits for them
to answer, because only separate processes prove that nothing lives in one process's
memory.
"""

import os
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.load.server import free_port, wait_until_healthy
from coplan.delivery.models import DailyNote
from tests.conftest import PASSWORD
from tests.faults.conftest import postgres_url

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90  # two processes importing Django, WeasyPrint and matplotlib on 2 busy cores


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class Browser:
    """Just enough of a browser: it keeps its cookies itself, so the same cookie goes to
    whichever server it is pointed at."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def go(self, port: int, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=urlencode(form).encode() if form is not None else None,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
        )
        try:
            response = _opener.open(request, timeout=30)
        except urllib.error.HTTPError as answer:  # a redirect or an error status
            response = answer
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, response.read().decode()


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def database_url_for_servers(tmp_path: Path) -> str:
    """A URL the server processes can open that holds what this test has committed."""
    if connection.vendor == "sqlite":
        # The test database lives in this process's memory: copy it to a file.
        path = tmp_path / "coplan.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"
    assert connection.vendor == "postgresql"
    return postgres_url()


@pytest.fixture
def world_for_servers(world):
    """The world, with the support worker's password hashed as production hashes it (the
    tests' fast hasher is not one the servers accept)."""
    world.worker.password = make_password(PASSWORD, hasher="argon2")
    world.worker.save(update_fields=["password"])
    return world


@pytest.fixture
def servers(world_for_servers, tmp_path) -> Iterator[tuple[int, int]]:
    """Two app servers over what the world committed."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": database_url_for_servers(tmp_path),
        "SECRET_KEY": "one-secret-shared-by-every-app-server",
        "DEBUG": "true",  # static files without collectstatic; nothing else depends on it
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CONN_MAX_AGE": "0",  # no connection outlives its request, so teardown can flush
    }
    ports = free_port(), free_port()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "coplan.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1", "--graceful-timeout", "2", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_healthy(f"http://127.0.0.1:{port}", process, STARTUP_SECONDS)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.servers
@pytest.mark.django_db(transaction=True)
def test_one_session_is_served_by_two_app_processes(world_for_servers, servers):
    world = world_for_servers
    first, second = servers
    browser = Browser()

    status, page = browser.go(first, reverse("login"))
    assert status == 200
    status, _ = browser.go(
        first,
        reverse("login"),
        {"username": "worker", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page)},
    )
    assert status == 302
    assert "sessionid" in browser.cookies

    # The second process has never seen this user: it knows them by the cookie alone.
    status, home = browser.go(second, reverse("home"))
    assert status == 200
    assert "Wendy Worker" in home

    note_form = reverse("delivery:record_note", args=[world.person.pk])
    status, page = browser.go(second, note_form)
    assert status == 200
    status, _ = browser.go(
        second,
        note_form,
        {
            "csrfmiddlewaretoken": csrf_token(page),
            "idempotency_key": str(uuid.uuid4()),
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "text": "Sam asked for the blue cup at breakfast.",
            "persons_words": "Blue one please",
        },
    )
    assert status == 302

    status, handover = browser.go(first, reverse("delivery:handover", args=[world.person.pk]))
    assert status == 200
    assert "Sam asked for the blue cup at breakfast." in handover

    if connection.vendor == "postgresql":  # the same database as this test's
        assert DailyNote.objects.get().recorded_by == world.worker

    # Signed out on the second, the first no longer knows the cookie either.
    status, page = browser.go(second, reverse("home"))
    status, _ = browser.go(second, reverse("logout"), {"csrfmiddlewaretoken": csrf_token(page)})
    assert status == 302
    status, _ = browser.go(first, reverse("home"))
    assert status == 302


def test_the_settings_for_several_app_servers_come_from_the_environment():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'coplan.settings'; "
        "django.setup(); from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], d['DISABLE_SERVER_SIDE_CURSORS'], "
        "s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    base = {"PATH": os.environ.get("PATH", ""), "DEBUG": "true"}
    postgres = {"DATABASE_URL": "postgres://coplan@db.internal:5432/coplan"}

    def run(**env: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**base, **postgres, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert run() == "60 True False LocMemCache"
    assert (
        run(CONN_MAX_AGE="0", DISABLE_SERVER_SIDE_CURSORS="true", DATABASE_CACHE="true")
        == "0 True True DatabaseCache"
    )
