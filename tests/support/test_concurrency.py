"""Two planners change the same routine at the same moment, both from the version they
read: one change is stored, the other is told (409) and overwrites nothing."""

import threading

import pytest
from django.db import connection, connections

from coplan.support.models import Routine
from tests.delivery.helpers import Api
from tests.support.factories import morning_routine

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs real concurrent transactions and row locks (PostgreSQL); SQLite "
        "serialises writers, so there is no race to test.",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_changes_from_one_version_store_one_and_refuse_the_other(world):
    routine = morning_routine(world.person, world.team_leader)
    decision = routine.versions.get().decisions.get()
    url = f"/support/people/{world.person.pk}/routines/{routine.pk}/versions"
    apis = {"team_leader": Api(world.team_leader), "manager": Api(world.manager)}
    barrier = threading.Barrier(2)
    answers: dict[str, tuple[int, dict]] = {}
    lock = threading.Lock()

    def change(who: str) -> None:
        body = {
            "version": 1,
            "decisions": [decision.pk],
            "steps": [{"title": f"Wake, as {who} wrote it"}],
            "agency_summary": f"Summary by {who}.",
            "change_reason": f"Changed by {who}.",
        }
        try:
            barrier.wait(timeout=10)
            response = apis[who].post(url, body)
            with lock:
                answers[who] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=change, args=(who,)) for who in apis]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(status for status, _ in answers.values())
    assert statuses == [201, 409]
    (winner,) = [who for who, (status, _) in answers.items() if status == 201]
    (loser,) = [who for who, (status, _) in answers.items() if status == 409]
    assert answers[loser][1]["code"] == "stale_version"
    routine = Routine.objects.get(pk=routine.pk)
    assert routine.version == 2  # up by exactly one
    assert routine.versions.count() == 2
    current = routine.versions.get(is_current=True)
    assert current.change_reason == f"Changed by {winner}."
    assert [s.title for s in current.steps.all()] == [f"Wake, as {winner} wrote it"]
    assert routine.versions.get(number=1).steps.count() == 3  # the first version is intact
