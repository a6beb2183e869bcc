"""A real gunicorn server over the test's own database, and a plain HTTP client for it.

The tests that use these are `transaction=True`, so what the test made is committed and the
server's processes see it. On PostgreSQL the server opens the test database itself. On
SQLite the test database is in memory, so it is copied to a file for the server and copied
back when the server has stopped, and the test then checks what the server stored with the
ORM either way."""

import http.client
import json
import socket
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection

from bench.load.server import Server, gunicorn_server

LOST = (OSError, http.client.HTTPException)  # reset, refused, timed out, cut short


def postgres_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def server_over_test_database(tmp_path: Path, *, workers: int = 2) -> Iterator[Server]:
    log = tmp_path / "gunicorn.log"
    if connection.vendor == "postgresql":
        with gunicorn_server(postgres_url(), workers=workers, log=log) as server:
            yield server
        return
    connection.ensure_connection()
    path = tmp_path / "served.sqlite3"
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    copy.close()
    try:
        with gunicorn_server(f"sqlite:///{path}", workers=workers, log=log) as server:
            yield server
    finally:
        stored = sqlite3.connect(path)
        stored.backup(connection.connection)
        stored.close()


def call(
    server: Server,
    method: str,
    path: str,
    *,
    token: str,
    body: dict | None = None,
    key: str | None = None,
    timeout: float = 10,
) -> tuple[int, dict]:
    """One request; raises one of LOST when the answer never arrives."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{server.url}/api/v1{path}", data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def send_and_hang_up(server: Server, path: str, *, token: str, body: dict, key: str) -> None:
    """Send a write and close the connection without reading the answer: the phone that
    lost its signal just after tapping Save."""
    url = urlsplit(server.url)
    payload = json.dumps(body).encode()
    head = (
        f"POST /api/v1{path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(head.encode() + payload)


@pytest.fixture
def served(tmp_path):
    """Call with the test's data made: `with served() as server: ...`."""

    def start(workers: int = 2):
        return server_over_test_database(tmp_path, workers=workers)

    return start
