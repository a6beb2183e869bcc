"""`python -m bench`: measure the shift view and a record write against DESIGN.md's targets,
at 1 and 3 years of daily records.

Uses a throwaway SQLite file (deleted afterwards) unless DATABASE_URL is set, in which case
it migrates that database and adds its synthetic organisation there: point it at a scratch
database, never a live one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

TARGETS = {"shift view": 50.0, "record write": 50.0}  # p95 ms, DESIGN.md "Targets"


def _configure() -> Path | None:
    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = Path(tempfile.gettempdir()) / f"coplan-bench-{os.getpid()}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coplan.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # Templates use {% static %}; the manifest storage needs collectstatic, which a benchmark
    # should not depend on.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return scratch


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _time(fn, repeat: int) -> list[float]:
    fn()  # warm caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _line(
    label: str, name: str, years: int, samples: list[float], queries: int
) -> tuple[str, bool]:
    p95 = _percentile(samples, 0.95)
    target = TARGETS[name]
    ok = p95 <= target
    text = (
        f"{label:<22} {years} year{'s' if years > 1 else ' '}  "
        f"median {statistics.median(samples):6.1f} ms  p95 {p95:6.1f} ms  "
        f"(target <= {target:.0f} ms p95: {'met' if ok else 'MISSED'})  queries {queries}"
    )
    return text, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--people", type=int, default=24, help="people in the organisation")
    parser.add_argument("--per-service", type=int, default=6, help="people per service")
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per measure")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--scan-people", type=int, default=5000, help="people for the trigger-scan measure"
    )
    args = parser.parse_args(argv)

    scratch = _configure()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench import generate

    try:
        started = time.perf_counter()
        print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        call_command("migrate", verbosity=0, interactive=False)
        world = generate.make_world(
            people=args.people, per_service=args.per_service, seed=args.seed
        )
        house = Client()
        house.force_login(world.worker)
        solo = Client()
        solo.force_login(world.solo_worker)
        person = world.people[0]
        note_url = f"/api/v1/delivery/people/{person.pk}/daily-notes"

        def shift_one() -> None:
            response = solo.get("/shift/")
            assert response.status_code == 200, response.status_code

        def shift_house() -> None:
            response = house.get("/shift/")
            assert response.status_code == 200, response.status_code

        def write() -> None:
            response = house.post(
                note_url,
                data={"text": "Settled evening; chose the quiet room."},
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            )
            assert response.status_code == 201, response.content

        measures = [
            ("shift view, 1 person", "shift view", shift_one),
            (f"shift view, {args.per_service} people", "shift view", shift_house),
            ("record write", "record write", write),
        ]
        results: list[tuple[str, bool]] = []
        shift_queries: dict[str, list[int]] = {}
        done = 0
        for years in (1, 3):
            rows = generate.add_history(world, from_day=done, to_day=365 * years, seed=args.seed)
            done = 365 * years
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as a database in service would have statistics
            print(
                f"\n{years} year{'s' if years > 1 else ''} of history: +{rows:,} rows "
                f"for {len(world.people)} people"
            )
            for label, target, fn in measures:
                queries = _queries(fn)
                if target == "shift view":
                    shift_queries.setdefault(label, []).append(queries)
                results.append(_line(label, target, years, _time(fn, args.repeat), queries))
                print("  " + results[-1][0])
        fixed = all(len(set(counts)) == 1 for counts in shift_queries.values())
        for label, counts in shift_queries.items():
            print(
                f"\n{label}: queries at 1 and 3 years {counts} "
                f"(target: fixed whatever the history: {'met' if len(set(counts)) == 1 else 'MISSED'})"
            )
        from bench import scan
        from coplan.accounts.models import Service

        print()
        scan_service = Service.objects.create(
            organisation=world.org, name=f"Scan bench {uuid.uuid4().hex[:6]}"
        )
        for text, ok in scan.measure(service=scan_service, count=args.scan_people, by=world.worker):
            results.append((text, ok))
            print("  " + text)
        print(f"Total time {time.perf_counter() - started:.0f} s.")
        return 0 if fixed and all(ok for _, ok in results) else 1
    finally:
        connection.close()
        if scratch is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{scratch}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
