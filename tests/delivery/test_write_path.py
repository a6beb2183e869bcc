"""The write path a phone on shift uses most: what each record costs the database, and that
only a record that can open a review trigger sets off a scan."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coplan.delivery.models import ActivityRecord, DailyNote, IdempotencyKey, RoutineRun
from tests.delivery.helpers import Api
from tests.support.factories import morning_routine, week_rhythm

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan(world):
    routine = morning_routine(world.person, world.team_leader)
    rhythm = week_rhythm(world.person, world.team_leader)
    steps = [s.pk for s in routine.versions.get(is_current=True).steps.all()]
    return routine, rhythm, steps


def _bodies(world, plan):
    routine, rhythm, steps = plan
    base = f"/delivery/people/{world.person.pk}"
    return {
        "note": (f"{base}/daily-notes", {"text": "Chose the blue mug."}),
        "run": (
            f"{base}/routine-runs",
            {"routine_id": routine.pk, "outcome": "completed", "steps_used": steps},
        ),
        "activity": (
            f"{base}/activity-records",
            {
                "rhythm_id": rhythm.pk,
                "offered": "Swimming or the library",
                "outcome": "took_part",
                "chosen": "Swimming",
            },
        ),
    }


def _statements(queries) -> list[str]:
    return [q["sql"].split()[0].upper() for q in queries]


# Token with its user and their memberships (one statement); the person (for a run, the
# routine with its person); own person and circle (one statement); the booking; the record, its history row and the
# key, in one savepoint; for a routine or a rhythm the version in force with its steps or
# entries (one statement); for a rhythm the rhythm itself. BEGIN/COMMIT come on top. The
# reads are hand-written (coplan/lib/rows.py; tests/delivery/test_hand_reads.py).
READS_AND_WRITES = {"note": 7, "run": 8, "activity": 9}


@pytest.mark.parametrize("kind", ["note", "run", "activity"])
def test_a_record_costs_a_fixed_few_statements_and_one_savepoint(world, plan, kind):
    api = Api(world.worker)
    path, body = _bodies(world, plan)[kind]
    assert api.post(path, body).status_code == 201  # the token's first use is written once
    with CaptureQueriesContext(connection) as queries:
        assert api.post(path, body).status_code == 201
    statements = _statements(queries.captured_queries)
    assert statements.count("SAVEPOINT") == 1 and statements.count("RELEASE") == 1
    work = [s for s in statements if s in ("SELECT", "INSERT", "UPDATE", "DELETE")]
    assert len(work) == READS_AND_WRITES[kind], queries.captured_queries
    assert work.count("INSERT") == 3  # the record, its history and the idempotency key


def test_a_resend_answers_the_first_record_and_stores_nothing_more(world, plan):
    api = Api(world.worker)
    path, body = _bodies(world, plan)["note"]
    first = api.post(path, body, key="7b0c4a52-6f1d-4f3e-9a55-1c2d3e4f5a6b")
    again = api.post(path, body, key="7b0c4a52-6f1d-4f3e-9a55-1c2d3e4f5a6b")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert DailyNote.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def test_a_refused_answer_leaves_nothing_behind(world, plan):
    api = Api(world.worker)
    routine, _, steps = plan
    path = f"/delivery/people/{world.person.pk}/routine-runs"
    bad = api.post(path, {"routine_id": routine.pk, "outcome": "completed", "steps_used": []})
    assert bad.status_code == 422
    assert not RoutineRun.objects.exists() and not IdempotencyKey.objects.exists()


def test_only_a_refusal_or_a_decline_sets_off_a_trigger_scan(world, plan):
    api = Api(world.worker)
    routine, rhythm, steps = plan
    base = f"/delivery/people/{world.person.pk}"
    with mock.patch("coplan.reviews.receivers.scan_person_task") as task:
        enqueue = task.enqueue
        for path, body in _bodies(world, plan).values():
            assert api.post(path, body).status_code == 201
        assert enqueue.call_count == 0
        refused = {"routine_id": routine.pk, "outcome": "refused"}
        assert api.post(f"{base}/routine-runs", refused).status_code == 201
        declined = {
            "rhythm_id": rhythm.pk,
            "offered": "Swimming",
            "outcome": "declined",
            "decline_reason": "Said the pool is too loud on Tuesdays.",
        }
        assert api.post(f"{base}/activity-records", declined).status_code == 201
    assert [c.args for c in enqueue.call_args_list] == [(world.person.pk,), (world.person.pk,)]
    assert ActivityRecord.objects.filter(outcome="declined").count() == 1


def test_the_history_manager_class_is_built_once_per_model(world, plan):
    """coplan/lib/history.py: simple-history reads `record.history` on every save; the class
    behind it is made once per model, and the history it reads is still the record's own."""
    api = Api(world.worker)
    path, body = _bodies(world, plan)["note"]
    first = DailyNote.objects.get(pk=api.post(path, body).json()["id"])
    second = DailyNote.objects.get(pk=api.post(path, {"text": "Went out."}).json()["id"])
    assert type(first.history) is type(second.history)
    assert [h.text for h in first.history.all()] == ["Chose the blue mug."]
    assert [h.text for h in second.history.all()] == ["Went out."]
