"""Shift records written through a real gunicorn server stay exactly-once when things go
wrong between the phone and the database: a worker process killed with SIGKILL while it
answers, and an answer lost on the way back. Every acknowledged record is stored once, with
its idempotency key and its history row, and nothing half-written is left behind.

(tests/delivery/test_records.py checks the idempotency rules in-process; these send the
same requests through sockets and processes that die.)"""

import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest

from coplan.accounts.services import api_token_create
from coplan.delivery.models import ActivityRecord, DailyNote, IdempotencyKey, RoutineRun
from tests.faults.conftest import LOST, call, send_and_hang_up
from tests.support.factories import morning_routine

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Write:
    """One submission and everything the client saw of it."""

    path: str
    body: dict
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    statuses: list[int | str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return bool(self.ids)


def send_until_acknowledged(server, token: str, write: Write, *, give_up_after: float = 15):
    """Send, and resend with the same key whenever the answer is lost or the server is not
    ready (a weak signal, a worker being replaced), until it is acknowledged."""
    deadline = time.monotonic() + give_up_after
    while time.monotonic() < deadline:
        try:
            status, body = call(
                server, "POST", write.path, token=token, body=write.body, key=write.key
            )
        except LOST as error:
            write.statuses.append(type(error).__name__)
            time.sleep(0.05)
            continue
        write.statuses.append(status)
        if status in (200, 201):
            write.ids.append(body["id"])
            return
        if status != 503:
            raise AssertionError(f"{write.path}: {status} {body}")
        time.sleep(0.05)


def assert_stored_exactly_once(model, writes: list[Write], user) -> None:
    """Every acknowledged write is one row, the one the client was given, with its key and
    one creation history row; no other row exists."""
    for write in writes:
        assert write.acknowledged, (write.key, write.statuses)
        assert len(set(write.ids)) == 1, (write.key, write.ids)
    given = {write.key: write.ids[0] for write in writes}
    rows = set(model.objects.values_list("pk", flat=True))
    assert rows == set(given.values())
    keys = dict(
        IdempotencyKey.objects.filter(user=user, scope=model._meta.label_lower).values_list(
            "key", "result_id"
        )
    )
    assert {str(k): v for k, v in keys.items()} == given
    created = list(
        model.history.filter(history_type="+").values_list("id", flat=True).order_by("id")
    )
    assert created == sorted(rows)


def test_kill_9_of_a_worker_mid_stream_loses_and_doubles_nothing(world, served):
    _, token = api_token_create(user=world.worker, name="phone")
    url = f"/delivery/people/{world.person.pk}/daily-notes"
    writes: list[Write] = []
    lock = threading.Lock()
    stop = threading.Event()

    def stream(phone: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            write = Write(url, {"text": f"Phone {phone}, note {n}."})
            with lock:
                writes.append(write)
            send_until_acknowledged(server, token, write)

    with served(workers=2) as server:
        # More phones than workers, so both workers are always answering someone.
        phones = [threading.Thread(target=stream, args=(i,)) for i in range(4)]
        for phone in phones:
            phone.start()
        killed = []
        for _ in range(3):
            time.sleep(1.5)
            victim = server.workers()[0]
            server.kill_worker(victim)
            killed.append(victim)
        time.sleep(1.5)
        stop.set()
        for phone in phones:
            phone.join(timeout=30)
        assert not any(phone.is_alive() for phone in phones)
        assert not set(killed) & set(server.workers())  # they died and were replaced

    lost = [w for w in writes if any(isinstance(s, str) for s in w.statuses)]
    print(f"{len(writes)} writes, {len(lost)} answers lost and resent, killed {killed}")
    assert lost, "no answer was lost: the kills hit no request under way"
    assert len(writes) > 20
    assert_stored_exactly_once(DailyNote, writes, world.worker)
    assert DailyNote.history.count() == len(writes)  # no change rows, only creations


def test_replayed_submissions_after_lost_answers_return_the_original_records(world, served):
    _, token = api_token_create(user=world.worker, name="phone")
    routine = morning_routine(world.person, world.team_leader)
    base = f"/delivery/people/{world.person.pk}"
    writes = {
        DailyNote: [Write(f"{base}/daily-notes", {"text": f"Note {i}."}) for i in range(4)],
        ActivityRecord: [
            Write(
                f"{base}/activity-records",
                {"offered": "Library quiet room", "outcome": "took_part", "chosen": f"Book {i}"},
            )
            for i in range(4)
        ],
        RoutineRun: [
            Write(
                f"{base}/routine-runs",
                {"routine_id": routine.pk, "outcome": "refused", "deviations": f"Tired {i}."},
            )
            for i in range(4)
        ],
    }
    everything = [w for group in writes.values() for w in group]

    with served(workers=2) as server:
        # Each is sent and the phone hangs up before the answer comes back...
        for write in everything:
            send_and_hang_up(server, write.path, token=token, body=write.body, key=write.key)
        # ...then resent with the same key (perhaps while the first is still being saved).
        for write in everything:
            send_until_acknowledged(server, token, write)
        # And once more, as a phone that never heard back might.
        for write in everything:
            send_until_acknowledged(server, token, write)

    for write in everything:
        assert write.statuses == [201, 201], write.statuses
    for model, group in writes.items():
        assert_stored_exactly_once(model, group, world.worker)
    note = DailyNote.objects.get(pk=writes[DailyNote][0].ids[0])
    assert note.text == "Note 0."
