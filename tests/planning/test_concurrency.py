"""Two people press "Supersede" on the same agreed decision at the same moment."""

import threading

import pytest
from django.db import connection, connections

from coplan.lib.errors import Conflict
from coplan.planning import services
from coplan.planning.models import Decision

from .conftest import make_draft

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs real concurrent transactions and row locks (PostgreSQL); SQLite "
    "serialises writers, so there is no race to test.",
)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_supersedes_leave_exactly_one_successor(world):
    agreed = services.decision_agree(decision=make_draft(world), by=world.manager, confirmed=True)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def supersede(user):
        try:
            barrier.wait(timeout=10)
            services.decision_supersede(decision=agreed, by=user)
            result = "created"
        except Conflict as exc:
            result = f"conflict: {exc.code}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=supersede, args=(user,))
        for user in (world.manager, world.team_leader)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict: already_superseded", "created"]
    assert Decision.objects.filter(supersedes=agreed).count() == 1
    agreed.refresh_from_db()
    assert agreed.status == Decision.Status.AGREED
