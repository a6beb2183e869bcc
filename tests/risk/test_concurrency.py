"""Two phones sending the same practice session at the same moment store one session."""

import threading

import pytest
from django.db import connection, connections

from coplan.delivery.idempotency import new_key
from coplan.risk.models import CompetencyResult, PracticeSession

from .conftest import practice


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)"
)
def test_racing_resends_store_one_session(world, plan):
    key = new_key()
    barrier = threading.Barrier(2)
    saved: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait()
            saved.append(practice(plan, world.worker, "ii", key=key).pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(saved)) == 1
    assert PracticeSession.objects.count() == 1
    assert CompetencyResult.objects.count() == 2
