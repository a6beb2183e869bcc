"""The trigger engine: every rule fires exactly at its threshold, not before and not twice;
a scan is idempotent, safe to run twice at once, and set-based."""

import io
import threading
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from coplan.notifications.models import Notification
from coplan.people import services as people_services
from coplan.reviews import services
from coplan.reviews.models import ReviewTrigger
from tests.reviews.conftest import active_goal, agreed_decision, monday

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


# Review dates ---------------------------------------------------------------------------


def test_review_date_fires_14_days_before_not_15(world):
    agreed_decision(world.person, world.manager, review_by=today() + timedelta(days=15))
    assert services.scan(today=today()) == []
    created = services.scan(today=today() + timedelta(days=1))
    assert len(created) == 1
    trigger = created[0]
    assert trigger.kind == "review_date"
    assert trigger.due_on == today() + timedelta(days=15)
    assert trigger.owner is None and trigger.is_open
    assert "due for review" in trigger.reason


def test_review_date_fires_once_even_when_past(world):
    decision = agreed_decision(world.person, world.manager, review_by=today() - timedelta(days=3))
    (trigger,) = services.scan()
    assert trigger.decision == decision
    assert "has passed" in trigger.reason
    assert services.scan() == []
    services.trigger_close(trigger=trigger, by=world.team_leader, reason="Waiting for OT")
    assert services.scan(today=today() + timedelta(days=30)) == []


def test_review_date_ignores_drafts_and_superseded_decisions(world):
    agreed_decision(world.person, world.manager, review_by=today(), status="draft")
    agreed_decision(world.person, world.manager, review_by=today(), status="superseded")
    assert services.scan() == []


def test_a_review_kept_as_is_fires_again_near_its_next_review_date(world):
    trigger = services.trigger_open_by_hand(person=world.person, by=world.person_user, reason="x")
    review = services.review_open(person=world.person, by=world.team_leader, triggers=[trigger])
    services.review_conclude(
        review=review,
        by=world.team_leader,
        outcome="keep_as_is",
        keep_reason="Working",
        next_review_on=today() + timedelta(days=30),
        next="Keep going",
    )
    assert services.scan(today=today() + timedelta(days=15)) == []
    (again,) = services.scan(today=today() + timedelta(days=16))
    assert (again.kind, again.subject_kind, again.subject_id) == (
        "review_date",
        "review",
        review.pk,
    )
    assert services.scan(today=today() + timedelta(days=17)) == []


# Check-ins: didn't work two weeks running -------------------------------------------------


def _didnt_work(world, goal, weeks_ago, value="didnt_work", by=None):
    services.checkin_record(
        person=world.person,
        by=by or world.person_user,
        answers=[{"item_kind": "goal", "item_id": goal.pk, "answer": value}],
        week_start=monday(weeks_ago),
    )


def test_checkin_didnt_work_fires_on_the_second_week_running_not_the_first(world, goal):
    _didnt_work(world, goal, 1)
    assert services.scan() == []
    _didnt_work(world, goal, 0)
    (trigger,) = services.scan()
    assert trigger.kind == "checkin_didnt_work"
    assert (trigger.subject_kind, trigger.subject_id) == ("goal", goal.pk)
    assert trigger.evidence == {"weeks": [monday(1).isoformat(), monday(0).isoformat()]}
    assert services.scan() == []


def test_checkin_didnt_work_needs_consecutive_weeks_for_the_same_item(world, goal):
    other = active_goal(world.person, world.manager, "Cook a meal")
    _didnt_work(world, goal, 2)
    _didnt_work(world, goal, 0)
    services.checkin_record(
        person=world.person,
        by=world.person_user,
        week_start=monday(1),
        answers=[
            {"item_kind": "goal", "item_id": other.pk, "answer": "didnt_work"},
            {"item_kind": "goal", "item_id": goal.pk, "answer": "not_sure"},
        ],
    )
    assert services.scan() == []


def test_checkin_a_third_week_does_not_fire_again_but_two_more_after_closing_do(world, goal):
    _didnt_work(world, goal, 3)
    _didnt_work(world, goal, 2)
    (first,) = services.scan(today=monday(2) + timedelta(days=1))
    services.trigger_close(trigger=first, by=world.team_leader, reason="Trying a new time")
    _closed_on(first, monday(2) + timedelta(days=1))
    _didnt_work(world, goal, 1)
    assert services.scan(today=monday(1) + timedelta(days=1)) == []
    _didnt_work(world, goal, 0)
    (second,) = services.scan()
    assert second.evidence["weeks"] == [monday(1).isoformat(), monday(0).isoformat()]


def _closed_on(trigger, day):
    """Pretend the trigger was closed on `day` (the check-in weeks cannot be in the future)."""
    when = timezone.make_aware(datetime.combine(day, time(12)))
    ReviewTrigger.objects.filter(pk=trigger.pk).update(closed_at=when)


def test_checkin_answers_before_a_trigger_was_closed_do_not_count_again(world, goal):
    for weeks_ago in (3, 2, 1, 0):
        _didnt_work(world, goal, weeks_ago)
    (first,) = services.scan(today=monday(2) + timedelta(days=1))
    services.trigger_close(trigger=first, by=world.team_leader, reason="Reviewed at handover")
    assert services.scan() == []


def test_checkin_no_new_trigger_while_one_is_open(world, goal):
    for weeks_ago in (3, 2):
        _didnt_work(world, goal, weeks_ago)
    assert len(services.scan(today=monday(2))) == 1
    for weeks_ago in (1, 0):
        _didnt_work(world, goal, weeks_ago)
    assert services.scan() == []


# The scan as a whole -----------------------------------------------------------------------


def test_scan_is_idempotent(world, goal):
    agreed_decision(world.person, world.manager, review_by=today())
    agreed_decision(world.person_b, world.manager, review_by=today())
    _didnt_work(world, goal, 1)
    _didnt_work(world, goal, 0)
    assert len(services.scan()) == 3
    assert services.scan() == []
    assert ReviewTrigger.objects.count() == 3
    assert ReviewTrigger.history.count() == 3


def test_scan_limited_to_a_service_or_a_person(world):
    agreed_decision(world.person, world.manager, review_by=today())
    agreed_decision(world.person_b, world.manager, review_by=today())
    assert [t.person for t in services.scan(service=world.service_b)] == [world.person_b]
    assert [t.person for t in services.scan(person=world.person)] == [world.person]


def test_scan_skips_people_no_longer_supported(world):
    agreed_decision(world.person, world.manager, review_by=today())
    people_services.person_update(person=world.person, by=world.manager, is_active=False)
    assert services.scan() == []


def test_engine_triggers_go_to_the_key_worker(world):
    people_services.person_update(person=world.person, by=world.manager, key_worker=world.worker)
    agreed_decision(world.person, world.manager, review_by=today())
    (trigger,) = services.scan()
    assert trigger.owner == world.worker


def _many_people(world, n):
    for i in range(n):
        person = people_services.person_create(
            service=world.service_a, by=world.manager, given_name=f"P{i}", family_name="Test"
        )
        agreed_decision(person, world.manager, review_by=today())
        goal = active_goal(person, world.manager)
        for weeks_ago in (1, 0):
            services.checkin_record(
                person=person,
                by=world.worker,
                how="spoken",
                week_start=monday(weeks_ago),
                answers=[{"item_kind": "goal", "item_id": goal.pk, "answer": "didnt_work"}],
            )


# 12 for the rules whatever the number of people; then the inserts, in batches of about 40
# rows on SQLite (its limit on query parameters), so 50 people creating 100 triggers add 4;
# then telling who is responsible: 4 queries, and the notification inserts in batches.
MAX_SCAN_QUERIES = 21
MAX_SCAN_AND_NOTIFY_QUERIES = 34


@pytest.mark.parametrize("n", [5, 50])
def test_scan_queries_do_not_grow_with_the_number_of_people(
    world, n, django_assert_max_num_queries
):
    _many_people(world, n)
    with django_assert_max_num_queries(MAX_SCAN_AND_NOTIFY_QUERIES):
        created = services.scan()
    assert len(created) == 2 * n
    told = Notification.objects.filter(kind="new_trigger")
    assert told.values("event_key").distinct().count() == 2 * n
    with django_assert_max_num_queries(MAX_SCAN_QUERIES):
        assert services.scan() == []


def test_management_command_and_task_scan(world):
    from coplan.reviews.tasks import scan_person_task

    agreed_decision(world.person, world.manager, review_by=today())
    agreed_decision(world.person_b, world.manager, review_by=today())
    call_command("scan_triggers", "--person", str(world.person.pk), stdout=io.StringIO())
    assert list(ReviewTrigger.objects.values_list("person_id", flat=True)) == [world.person.pk]
    result = scan_person_task.enqueue(world.person_b.pk)
    assert result.return_value == 1
    assert ReviewTrigger.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_create_each_trigger_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    for i in range(20):
        person = people_services.person_create(
            service=world.service_a, by=world.manager, given_name=f"R{i}", family_name="Race"
        )
        agreed_decision(person, world.manager, review_by=today())
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            results.append(len(services.scan()))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(results) == 20
    assert ReviewTrigger.objects.count() == 20
    assert ReviewTrigger.history.count() == 20


def test_a_second_didnt_work_check_in_queues_a_scan_that_opens_the_trigger(
    world, goal, django_capture_on_commit_callbacks
):
    _didnt_work(world, goal, 1)
    with django_capture_on_commit_callbacks(execute=True):
        _didnt_work(world, goal, 0)
    assert list(ReviewTrigger.objects.values_list("kind", flat=True)) == ["checkin_didnt_work"]
