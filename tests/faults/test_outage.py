"""While the database does not answer, every request gets a clear 503 with Retry-After (JSON
in the error shape for the API, a standalone page for the web, never a traceback), nothing
is half-saved, and the first request after it returns works.

The outage is simulated in-process: the connection refuses to open (as when PostgreSQL is
down or refusing connections), or one table's queries fail partway through a request (as
when the server drops the connection mid-request). The PostgreSQL test at the end makes a
real one, against a real server process."""

import json
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.utils import OperationalError
from django.test import Client
from django.utils import timezone

from coplan.accounts import outage
from coplan.accounts.services import api_token_create
from coplan.delivery.models import DailyNote, IdempotencyKey
from tests.delivery.helpers import Api
from tests.faults.conftest import call

REFUSED = "connection to server at 127.0.0.1, port 5432 failed: Connection refused"


@contextmanager
def database_refuses_connections():
    """Every attempt to use the database fails, as when it is down."""

    def refuse(self):
        raise OperationalError(REFUSED)

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


@contextmanager
def queries_on_table_fail(table: str):
    """The connection opens, then any query on `table` fails: the database went away while
    the request was under way."""
    execute = CursorWrapper.execute

    def failing(self, sql, params=None):
        if f'"{table}"' in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(self, sql, params)

    with mock.patch.object(CursorWrapper, "execute", failing):
        yield


def assert_api_outage(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "database_unavailable",
        "message": outage.MESSAGE,
        "fields": {},
    }


def assert_web_outage(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert '<html lang="en-GB">' in page
    assert "<h1>Coplan is not available just now</h1>" in page
    assert "it was not saved" in page
    assert "Traceback" not in page and "OperationalError" not in page


def notes_url(world) -> str:
    return f"/delivery/people/{world.person.pk}/daily-notes"


# The API


def test_api_read_answers_503_while_the_database_is_down_and_works_after(world):
    api = Api(world.worker)
    with database_refuses_connections():
        down = api.get(f"/people/{world.person.pk}")
    assert_api_outage(down)
    assert REFUSED not in down.content.decode()
    again = api.get(f"/people/{world.person.pk}")
    assert (again.status_code, again.json()["preferred_name"]) == (200, "Sam")


def test_api_write_during_an_outage_saves_nothing_and_the_same_key_saves_once_after(world):
    api = Api(world.worker)
    key = str(uuid.uuid4())
    with database_refuses_connections():
        down = api.post(notes_url(world), {"text": "Slept well."}, key=key)
    assert_api_outage(down)
    assert (DailyNote.objects.count(), IdempotencyKey.objects.count()) == (0, 0)
    saved = api.post(notes_url(world), {"text": "Slept well."}, key=key)
    assert saved.status_code == 201
    note = DailyNote.objects.get()
    assert (saved.json()["id"], note.text) == (note.pk, "Slept well.")
    assert IdempotencyKey.objects.get().result_id == note.pk


def test_api_write_whose_database_goes_away_midway_leaves_nothing_half_saved(world):
    api = Api(world.worker)
    key = str(uuid.uuid4())
    # The token, the person and the idempotency key row are read and written; then the
    # note's own insert fails.
    with queries_on_table_fail("delivery_dailynote"):
        down = api.post(notes_url(world), {"text": "Went out."}, key=key)
    assert_api_outage(down)
    assert (DailyNote.objects.count(), IdempotencyKey.objects.count()) == (0, 0)
    assert DailyNote.history.count() == 0
    saved = api.post(notes_url(world), {"text": "Went out."}, key=key)
    assert saved.status_code == 201
    assert DailyNote.objects.get().pk == saved.json()["id"]


# The web


def test_web_page_answers_a_plain_503_page_while_the_database_is_down(world):
    client = world.client_for(world.manager)
    with database_refuses_connections():
        down = client.get("/")
    assert_web_outage(down)
    assert client.get("/").status_code == 200


def test_static_files_are_still_served_during_an_outage(world):
    with database_refuses_connections():
        response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_web_page_whose_query_fails_midway_answers_the_503_page(world):
    client = world.client_for(world.worker)
    with queries_on_table_fail("people_person"):
        down = client.get(f"/people/{world.person.pk}/")
    assert_web_outage(down)
    assert client.get(f"/people/{world.person.pk}/").status_code == 200


def test_web_form_save_during_an_outage_saves_nothing(world):
    client = world.client_for(world.worker)
    form = {
        "idempotency_key": str(uuid.uuid4()),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "text": "Had lunch in the garden.",
    }
    url = f"/people/{world.person.pk}/record/note/"
    with queries_on_table_fail("delivery_dailynote"):
        down = client.post(url, form)
    assert_web_outage(down)
    assert (DailyNote.objects.count(), IdempotencyKey.objects.count()) == (0, 0)
    assert client.post(url, form).status_code == 302
    assert DailyNote.objects.get().text == "Had lunch in the garden."


def test_session_that_cannot_be_loaded_answers_503_not_500(world):
    """The session is read by a middleware, outside any view: the 500 handler still says
    the database is down."""
    client = world.client_for(world.worker)
    client.raise_request_exception = False
    with queries_on_table_fail("django_session"):
        down = client.get("/")
    assert_web_outage(down)
    assert client.get("/").status_code == 200


def test_other_server_errors_are_still_the_plain_500_page(world, settings):
    client = world.client_for(world.worker)
    client.raise_request_exception = False
    with mock.patch("coplan.access.views.overview_services", side_effect=RuntimeError("a bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong on our side" in response.content.decode()


# The health check


def test_healthz_says_unavailable_with_retry_after_and_ok_after(db):
    client = Client()
    with database_refuses_connections():
        down = client.get("/healthz")
    assert down.status_code == 503
    assert json.loads(down.content) == {"status": "unavailable", "database": "no answer"}
    assert down["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    up = client.get("/healthz")
    assert (up.status_code, json.loads(up.content)) == (200, {"status": "ok"})


def test_the_outage_answer_closes_a_broken_connection_outside_a_transaction(db):
    """Outside a transaction (a real request), the answer drops a connection that broke,
    so the next request opens a new one."""
    request = mock.Mock(path="/api/v1/people/", method="GET")
    with (
        mock.patch.object(connection, "in_atomic_block", False),
        mock.patch.object(connection, "close_if_unusable_or_obsolete") as close,
    ):
        outage.database_unavailable(request)
    close.assert_called_once_with()


# A real outage, on PostgreSQL


@contextmanager
def postgresql_refuses_connections():
    """The test database stops accepting connections and every one the server holds is
    dropped (the test's own is kept, to turn it back on). Only this scratch database is
    touched; the cluster, which other work shares, keeps running."""
    import psycopg

    s = connection.settings_dict
    name = s["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own,) = cursor.fetchone()
    # A database cannot be closed to connections from inside itself: from the maintenance one.
    maintenance = psycopg.connect(
        dbname="postgres",
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        autocommit=True,
    )
    try:
        maintenance.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        maintenance.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> %s",
            [name, own],
        )
        yield
    finally:
        maintenance.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        maintenance.close()


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs a PostgreSQL server whose database can refuse connections.",
)
@pytest.mark.django_db(transaction=True)
def test_a_real_postgresql_outage_answers_503_and_the_server_recovers(world, served):
    _, token = api_token_create(user=world.worker, name="phone")
    person = f"/people/{world.person.pk}"
    notes = f"/delivery/people/{world.person.pk}/daily-notes"
    key = str(uuid.uuid4())
    with served(workers=1) as server:
        # The worker now holds a kept connection (CONN_MAX_AGE), which the outage drops.
        assert call(server, "GET", person, token=token)[0] == 200
        with postgresql_refuses_connections():
            read = call(server, "GET", person, token=token)
            write = call(server, "POST", notes, token=token, body={"text": "Up early."}, key=key)
            page_status, page_headers, page = fetch(f"{server.url}/accounts/login/")
            health_status, health_headers, _ = fetch(f"{server.url}/healthz")
        recovered = call(server, "GET", person, token=token)
        saved = call(server, "POST", notes, token=token, body={"text": "Up early."}, key=key)
        log = server.log_text()

    expected = {"code": "database_unavailable", "message": outage.MESSAGE, "fields": {}}
    assert read == (503, expected)
    assert write == (503, expected)
    assert page_status == 503 and page_headers["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert "<h1>Coplan is not available just now</h1>" in page
    assert health_status == 503 and health_headers["Retry-After"] == "30"
    assert recovered[0] == 200 and recovered[1]["preferred_name"] == "Sam"
    assert saved[0] == 201
    assert DailyNote.objects.get().pk == saved[1]["id"]
    assert "Traceback" not in log
