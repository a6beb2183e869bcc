"""The load: staff recording on shift through the API, managers reading the web pages.

Run by `python -m bench.load`, which makes the data and passes it in LOAD_PLAN (a JSON file);
every write's (kind, key, status, id) goes to LOAD_LOG (JSON lines), so the runner can
compare what was acknowledged with what the database holds.

Staff send daily notes, routine runs and activity records, each with its own idempotency
key; about one in ten is sent again with the same key, as a phone on a weak signal does.
Managers open the today page, the service dashboard and an evidence pack.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from itertools import count

from locust import FastHttpUser, between, constant, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
RESEND_SHARE = 0.1
_log = open(os.environ["LOAD_LOG"], "a", buffering=1)  # noqa: SIM115
_staff = count()


@events.quitting.add_listener
def _close_log(environment, **kwargs) -> None:
    _log.close()


class Staff(FastHttpUser):
    """A support worker's phone: records as fast as the server answers."""

    weight = 10
    wait_time = constant(0)

    def on_start(self) -> None:
        me = PLAN["staff"][next(_staff) % len(PLAN["staff"])]
        self.headers = {"Authorization": f"Bearer {me['token']}"}

    def _write(self, kind: str, path: str, body: dict) -> None:
        key = str(uuid.uuid4())
        self._send(kind, path, body, key, resend=False)
        if random.random() < RESEND_SHARE:  # noqa: S311
            self._send(kind, path, body, key, resend=True)

    def _send(self, kind: str, path: str, body: dict, key: str, *, resend: bool) -> None:
        name = f"POST {kind}" + (" (resend)" if resend else "")
        with self.client.post(
            f"/api/v1{path}",
            json=body,
            headers={**self.headers, "Idempotency-Key": key},
            name=name,
            catch_response=True,
        ) as response:
            record_id = None
            if response.status_code == 201:
                record_id = response.json().get("id")
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            line = {"kind": kind, "key": key, "status": response.status_code, "id": record_id}
            _log.write(json.dumps({**line, "resend": resend}) + "\n")

    @task(4)
    def daily_note(self) -> None:
        person = random.choice(PLAN["people"])  # noqa: S311
        self._write(
            "daily-note",
            f"/delivery/people/{person['id']}/daily-notes",
            {"text": "Had breakfast in the garden and chose the blue mug."},
        )

    @task(3)
    def routine_run(self) -> None:
        person = random.choice(PLAN["people"])  # noqa: S311
        if random.random() < 0.2:  # noqa: S311
            body = {"routine_id": person["routine"], "outcome": "refused"}
        else:
            body = {
                "routine_id": person["routine"],
                "outcome": "completed",
                "steps_used": person["steps"],
            }
        self._write("routine-run", f"/delivery/people/{person['id']}/routine-runs", body)

    @task(3)
    def activity_record(self) -> None:
        person = random.choice(PLAN["people"])  # noqa: S311
        self._write(
            "activity-record",
            f"/delivery/people/{person['id']}/activity-records",
            {
                "rhythm_id": person["rhythm"],
                "offered": "Swimming or the library",
                "outcome": "took_part",
                "chosen": "Swimming",
            },
        )


class Manager(FastHttpUser):
    """A manager at a desk, looking at what needs dealing with."""

    fixed_count = len(PLAN["manager_sessions"])
    wait_time = between(1, 3)

    def on_start(self) -> None:
        session = PLAN["manager_sessions"].pop()
        self.headers = {"Cookie": f"sessionid={session}"}

    def _get(self, path: str, name: str) -> None:
        with self.client.get(
            path, headers=self.headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task(3)
    def today(self) -> None:
        self._get("/", "GET today page")

    @task(2)
    def dashboard(self) -> None:
        self._get("/reviews/", "GET service dashboard")

    @task(1)
    def evidence_pack(self) -> None:
        self._get(f"/assurance/packs/{PLAN['pack']}/", "GET evidence pack")
