"""`python -m bench`: every target in DESIGN.md measured on generated data, at 1, 2 and 4
years of history, against the same result computed by one hand-written SQL statement
(bench/handsql.py).

For each figure it prints the median and p95 over repeated runs, the target and whether it
is met, the queries the page makes, the time spent in SQL, the hand-written SQL's time and
the ratio of the two; then how each figure grew from the first size of history to the last.

Uses a throwaway SQLite file unless DATABASE_URL is set, in which case it migrates that
database and adds its synthetic organisation there: point it at a scratch database, never a
live one. On SQLite each size of history is built once and kept in bench/.cache (keyed by
seed, size and the migrations), so a second run starts at once.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"


@dataclass
class Figure:
    label: str
    target_ms: float
    statistic: str  # which of median and p95 the target is for
    repeat: int


SHIFT_ONE = Figure("shift view, 1 person", 50, "p95", 40)
SHIFT_HOUSE = Figure("shift view, 6-person house", 50, "p95", 40)
WRITE = Figure("record write (API note)", 50, "p95", 60)
TODAY = Figure("manager's today page", 300, "p95", 15)
QUALITY = Figure("quality lead's home (today)", 300, "p95", 15)
DASHBOARD = Figure("review dashboard, 100 people", 300, "p95", 15)
PACK_HTML = Figure("evidence pack HTML, 1 person", 500, "median", 5)
PACK_PDF = Figure("evidence pack PDF, 1 person", 3000, "median", 3)


PACK_ROWS: dict[int, tuple[int, int]] = {}  # years of history -> (the pack's rows, days)


@dataclass
class Result:
    figure: Figure
    years: int
    samples: list[float]
    queries: int
    sql_ms: float
    hand_ms: float | None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def measured(self) -> float:
        return self.p95 if self.figure.statistic == "p95" else self.median

    @property
    def met(self) -> bool:
        return self.measured <= self.figure.target_ms

    @property
    def ratio(self) -> float | None:
        return self.median / self.hand_ms if self.hand_ms else None


def _configure(database: Path | None) -> None:
    if database is not None:
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coplan.settings")
    import django

    django.setup()
    from django.conf import settings

    # The test client's host, without django.test's instrumented template rendering (which
    # copies every template's context for the test client and would be measured with it).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Templates use {% static %}; the manifest storage needs collectstatic, which a benchmark
    # should not depend on.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Background work (pack builds the bench makes itself, alerts) runs only when asked.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class SqlTimer:
    """Counts the statements run and the time spent in them (execute and, through the
    wrapper, the database's answer)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def _timed(fn, repeat: int) -> list[float]:
    fn()  # warm caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _measure(figure: Figure, years: int, fn, hand=None) -> Result:
    from django.db import connection

    samples = _timed(fn, figure.repeat)
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        fn()
    hand_ms = statistics.median(_timed(hand, max(figure.repeat, 10))) if hand else None
    return Result(figure, years, samples, timer.count, timer.seconds * 1000, hand_ms)


def _row(r: Result) -> str:
    ratio = f"{r.ratio:6.1f}x" if r.ratio is not None else "     -"
    hand = f"{r.hand_ms:8.2f}" if r.hand_ms is not None else "       -"
    return (
        f"| {r.figure.label:<30} | {r.years} | {r.median:8.1f} | {r.p95:8.1f} | "
        f"{r.figure.statistic} <= {r.figure.target_ms:>5.0f} | {'met' if r.met else 'MISSED':<6} | "
        f"{r.queries:>4} | {r.sql_ms:7.2f} | {hand} | {ratio} |"
    )


HEADER = (
    "| figure                         | y | median ms |   p95 ms | target       | result | "
    "qrys |  SQL ms | hand SQL | ratio |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def _machine(connection) -> str:
    import platform

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    memory = next(
        (
            int(line.split()[1]) / 1024 / 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"Machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB; Python "
        f"{platform.python_version()}; {connection.vendor} {version}; load average {load}"
    )


def _cache_key(args) -> str:
    migrations = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("coplan/*/migrations/0*.py"))
    generator = (ROOT / "bench" / "generate.py").read_bytes()
    digest = hashlib.sha256("\n".join(migrations).encode() + generator).hexdigest()[:10]
    return f"s{args.seed}-p{args.people}-{digest}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--people", type=int, default=100, help="people in the organisation")
    parser.add_argument("--per-service", type=int, default=6, help="people per house")
    parser.add_argument("--years", default="1,2,4", help="sizes of history to measure")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scan-people", type=int, default=5000, help="0 to leave the scan out")
    parser.add_argument("--no-pdf", action="store_true", help="leave the PDF out (slow)")
    parser.add_argument("--no-cache", action="store_true", help="build the data afresh")
    parser.add_argument(
        "--only",
        default="",
        help="measure only the figures whose label contains one of these comma-separated words "
        "(e.g. 'pack' or 'shift,dashboard'); all of them by default",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(y) for y in args.years.split(",")})

    on_sqlite = not os.environ.get("DATABASE_URL")
    scratch = (
        Path(tempfile.gettempdir()) / f"coplan-bench-{os.getpid()}.sqlite3" if on_sqlite else None
    )
    _configure(scratch)
    from django.core.management import call_command
    from django.db import connection

    from bench import generate

    started = time.perf_counter()
    key = _cache_key(args)
    print(_machine(connection))
    print(f"{args.people} people in houses of {args.per_service}; seed {args.seed}\n")
    print(HEADER)
    results: list[Result] = []
    world = None
    done_days = 0
    try:
        for years in sizes:
            cached = CACHE / f"{key}-{years}y.sqlite3"
            if on_sqlite and not args.no_cache and cached.exists():
                connection.close()
                shutil.copyfile(cached, scratch)
                world = generate.load(cached.with_suffix(".json"))
            else:
                if world is None:
                    call_command("migrate", verbosity=0, interactive=False)
                    world = generate.make_world(
                        people=args.people, per_service=args.per_service, seed=args.seed
                    )
                built = time.perf_counter()
                rows = generate.add_history(
                    world, from_day=done_days, to_day=365 * years, seed=args.seed
                )
                print(
                    f"<!-- {years} years: +{rows:,} rows in "
                    f"{time.perf_counter() - built:.0f} s -->",
                    file=sys.stderr,
                )
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # as a database in service would have statistics
                if on_sqlite and not args.no_cache:
                    CACHE.mkdir(exist_ok=True)
                    connection.close()
                    shutil.copyfile(scratch, cached)
                    generate.save(world, cached.with_suffix(".json"))
            done_days = 365 * years
            for result in _measure_all(world, years, args):
                results.append(result)
                print(_row(result), flush=True)
        _print_growth(results, sizes)
        fixed = _print_fixed_queries(results)
        if args.scan_people:
            fixed &= _scan(world, args)
        final = [r for r in results if r.years == sizes[-1]]
        within = sum(1 for r in final if r.ratio is not None and r.ratio <= 2)
        compared = sum(1 for r in final if r.ratio is not None)
        print(
            f"\nWithin 2x of the hand-written SQL (DESIGN.md) at {sizes[-1]} years: "
            f"{within} of {compared} figures."
        )
        print(
            f"Total time {time.perf_counter() - started:.0f} s; load average now "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}."
        )
        return 0 if fixed and all(r.met for r in results if r.years == sizes[-1]) else 1
    finally:
        connection.close()
        if scratch is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{scratch}{suffix}").unlink(missing_ok=True)


def _measure_all(world, years: int, args) -> list[Result]:
    from django.test import Client
    from django.utils import timezone

    from bench import handsql
    from coplan.assurance import packs
    from coplan.assurance.models import EvidencePack

    house, solo, manager, quality = Client(), Client(), Client(), Client()
    house.force_login(world.worker)
    solo.force_login(world.solo_worker)
    manager.force_login(world.manager)
    quality.force_login(world.quality_lead)
    person = world.people[0]
    solo_person = world.people[-1]
    note_url = f"/api/v1/delivery/people/{person.pk}/daily-notes"

    def page(client, url):
        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def write() -> None:
        response = house.post(
            note_url,
            data={"text": "Settled evening; chose the quiet room."},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert response.status_code == 201, response.content

    end = timezone.localdate() - timedelta(days=1)
    start = end - timedelta(days=min(365 * years, 365 * 3) - 1)
    pack = EvidencePack.objects.create(
        service=person.service,
        person=person,
        start=start,
        end=end,
        made_by=world.manager,
        made_by_name=str(world.manager),
    )

    span = (
        timezone.make_aware(datetime.combine(start, datetime.min.time())),
        timezone.make_aware(datetime.combine(end, datetime.max.time())),
    )
    PACK_ROWS[years] = (
        sum(row[2] for row in handsql.pack(person.pk, *span)),
        (end - start).days + 1,
    )

    def pack_html() -> None:
        pack.html = packs.render_body(pack, packs.build_sections(packs.pack_scope(pack)))

    def pack_pdf() -> None:
        packs.render_pdf(pack)

    figures = [
        (SHIFT_ONE, page(solo, "/shift/"), lambda: handsql.shift(solo_person.service_id)),
        (SHIFT_HOUSE, page(house, "/shift/"), lambda: handsql.shift(person.service_id)),
        (WRITE, write, lambda: handsql.write(person.pk, world.worker.pk)),
        (TODAY, page(manager, "/"), lambda: handsql.today_page(world.manager.pk)),
        (QUALITY, page(quality, "/"), lambda: handsql.today_page(world.manager.pk)),
        (DASHBOARD, page(manager, "/reviews/"), lambda: handsql.dashboard(world.manager.pk)),
        (PACK_HTML, pack_html, lambda: handsql.pack(person.pk, *span)),
    ]
    found = [
        _measure(figure, years, fn, hand) for figure, fn, hand in figures if _chosen(figure, args)
    ]
    if not args.no_pdf and _chosen(PACK_PDF, args):
        pack_html()
        found.append(_measure(PACK_PDF, years, pack_pdf))
    return found


def _chosen(figure: Figure, args) -> bool:
    words = [w.strip().lower() for w in args.only.split(",") if w.strip()]
    return not words or any(w in figure.label.lower() for w in words)


def _print_growth(results: list[Result], sizes: list[int]) -> None:
    print()
    for years, (rows, days) in sorted(PACK_ROWS.items()):
        print(
            f"The evidence pack at {years} years: {rows:,} of the person's records over {days:,} days."
        )
    if len(sizes) < 2:
        return
    print(f"\nGrowth of the median from {sizes[0]} to {sizes[-1]} years of history:")
    for figure in {r.figure.label: r.figure for r in results}.values():
        first = next(r for r in results if r.figure is figure and r.years == sizes[0])
        last = next(r for r in results if r.figure is figure and r.years == sizes[-1])
        print(f"- {figure.label}: x{last.median / first.median:.2f}")


def _print_fixed_queries(results: list[Result]) -> bool:
    ok = True
    print(
        "\nQueries as history grows (target: fixed whatever the history, for the shift view, "
        "the pack and the dashboard):"
    )
    for figure in (SHIFT_ONE, SHIFT_HOUSE, WRITE, TODAY, QUALITY, DASHBOARD, PACK_HTML):
        counts = [r.queries for r in results if r.figure is figure]
        if not counts:
            continue
        fixed = len(set(counts)) == 1
        ok &= fixed or figure in (WRITE, TODAY, QUALITY)
        print(f"- {figure.label}: {counts} {'fixed' if fixed else 'GROWS'}")
    return ok


def _scan(world, args) -> bool:
    from bench import handsql, scan
    from coplan.accounts.models import Service

    service = Service.objects.create(organisation=world.org, name=f"Scan {uuid.uuid4().hex[:6]}")
    lines = scan.measure(service=service, count=args.scan_people, by=world.manager)
    hand = statistics.median(_timed(lambda: handsql.scan(world.org.pk), 5)) / 1000
    print(f"\nTrigger scan (target <= {scan.TARGET_SECONDS:.0f} s), 28 days of shift records each:")
    ok = True
    for label, seconds, created in lines:
        met = seconds <= scan.TARGET_SECONDS
        ok &= met
        print(
            f"- {label}: {seconds:.2f} s, {created:,} triggers raised, "
            f"{'met' if met else 'MISSED'}; the due decisions in SQL: {hand * 1000:.1f} ms"
        )
    return ok


if __name__ == "__main__":
    sys.exit(main())
