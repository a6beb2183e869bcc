"""`python -m bench.load` (`make load`): Coplan under load on PostgreSQL, then proof that
every acknowledged write is stored exactly once.

1. Creates a scratch database on the PostgreSQL server named by DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/postgres; only its server is used), migrates it and
   makes the data (bench/load/world.py). The scratch database is dropped at the end.
2. Serves it with gunicorn as gunicorn.conf.py sets it up (LOAD_WORKERS workers, default 2,
   of WEB_THREADS threads, default 2) and runs locust headless for LOAD_SECONDS (default
   60) with LOAD_USERS users (default 24: 2 managers, the rest staff).
3. Prints throughput, p50/p95/p99 per request type and errors, then compares locust's log
   of (key, status, id) for every write with the database: lost, doubled, half-written.

Exits non-zero if any acknowledged write was lost or doubled.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.load.server import ROOT, gunicorn_server

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
MODELS = {
    "daily-note": "delivery.DailyNote",
    "routine-run": "delivery.RoutineRun",
    "activity-record": "delivery.ActivityRecord",
}


def _maintenance(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        dbname=parts.path.lstrip("/") or "postgres",
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        autocommit=True,
    )


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "load-test-only-not-a-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load.settings"
    import django

    django.setup()


def _read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _print_stats(stats_csv: Path, seconds: float, log: list[dict]) -> int:
    rows = list(csv.DictReader(stats_csv.open()))
    print(f"\n{'request':32} {'count':>7} {'fails':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in rows:
        print(
            f"{row['Name']:32} {row['Request Count']:>7} {row['Failure Count']:>6} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    acked = [e for e in log if e["status"] == 201]
    records = {e["key"] for e in acked}
    errors = [e for e in log if e["status"] != 201]
    print(
        f"\nwrites acknowledged: {len(acked)} ({len(acked) / seconds:.1f}/s), "
        f"records stored and acknowledged: {len(records)} ({len(records) / seconds:.1f} "
        f"records/s; DESIGN.md target >= 300 on PostgreSQL), write errors: {len(errors)}"
    )
    by_status: dict[int, int] = defaultdict(int)
    for e in errors:
        by_status[e["status"]] += 1
    if by_status:
        print("write errors by status:", dict(sorted(by_status.items())))
    return len(records)


def _verify(log: list[dict], started) -> bool:
    """Compare every acknowledged write with the database: each key one row, the one
    returned, with its idempotency key and its creation history; no row without a key."""
    from django.apps import apps

    from coplan.delivery.models import IdempotencyKey

    ok = True
    print(f"\n{'kind':16} {'acked':>6} {'stored':>7} {'lost':>5} {'doubled':>8} {'half':>5}")
    for kind, label in MODELS.items():
        model = apps.get_model(label)
        entries = [e for e in log if e["kind"] == kind]
        returned: dict[str, set[int]] = defaultdict(set)
        for e in entries:
            if e["status"] == 201:
                returned[e["key"]].add(e["id"])
        doubled = sum(1 for ids in returned.values() if len(ids) > 1)
        rows = set(model.objects.filter(created_at__gte=started).values_list("pk", flat=True))
        keys = {
            str(k): r
            for k, r in IdempotencyKey.objects.filter(
                scope=model._meta.label_lower, created_at__gte=started
            ).values_list("key", "result_id")
        }
        lost = sum(
            1 for key, ids in returned.items() if keys.get(key) not in ids or not ids <= rows
        )
        keyed = {r for r in keys.values() if r is not None}
        # Rows that no key points at (a second copy), and keys without their row.
        doubled += len(rows - keyed)
        created = model.history.filter(history_type="+", id__in=rows).count()
        half = sum(1 for r in keys.values() if r is None or r not in rows) + (len(rows) - created)
        print(f"{kind:16} {len(returned):>6} {len(rows):>7} {lost:>5} {doubled:>8} {half:>5}")
        unacked = len(set(keys) - set(returned))
        if unacked:
            print(
                f"  and {unacked} stored once whose answer the client never read "
                "(locust stops its users mid-request at the end)"
            )
        ok = ok and lost == 0 and doubled == 0 and half == 0
    print("every acknowledged write stored exactly once" if ok else "MISMATCH: see above")
    return ok


def main() -> int:
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    workers = int(os.environ.get("LOAD_WORKERS", "2"))
    threads = os.environ.get("WEB_THREADS", "2")  # read by gunicorn.conf.py
    users = int(os.environ.get("LOAD_USERS", "24"))
    server_url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if not server_url.startswith(("postgres://", "postgresql://")):
        print("The load test runs on PostgreSQL: DATABASE_URL must name a PostgreSQL server.")
        return 2
    name = f"coplan_load_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="coplan-load-"))
    database_url = _with_database(server_url, name)
    with _maintenance(server_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _setup_django(database_url)
        from django.core.management import call_command
        from django.db import connections
        from django.utils import timezone

        print(f"Migrating the scratch database {name} (a minute or two)...", flush=True)
        call_command("migrate", verbosity=0)
        from bench.load.world import make_plan

        plan = make_plan()
        (work / "plan.json").write_text(json.dumps(plan))
        connections.close_all()
        log_path = work / "writes.jsonl"
        print(
            f"Serving with gunicorn ({workers} workers of {threads} threads); "
            f"locust: {users} users for {seconds} s",
            flush=True,
        )
        with gunicorn_server(
            database_url,
            workers=workers,
            log=work / "gunicorn.log",
            env={"DJANGO_SETTINGS_MODULE": "bench.load.settings"},
        ) as server:
            started = timezone.now()
            began = time.monotonic()
            locust = subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "load" / "locustfile.py"),
                    "--headless",
                    "--only-summary",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(users),
                    "--run-time",
                    f"{seconds}s",
                    "--host",
                    server.url,
                    "--csv",
                    str(work / "locust"),
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env={**os.environ, "LOAD_PLAN": str(work / "plan.json"), "LOAD_LOG": str(log_path)},
                capture_output=True,
                text=True,
            )
            elapsed = time.monotonic() - began
        if not (work / "locust_stats.csv").exists():
            print(locust.stdout, locust.stderr)
            return 1
        log = _read_log(log_path)
        _print_stats(work / "locust_stats.csv", min(elapsed, seconds), log)
        ok = _verify(log, started)
        print(f"(locust's CSVs and the server log are in {work})")
        return 0 if ok else 1
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        with _maintenance(server_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
