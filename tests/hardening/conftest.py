"""Records of every kind for Sam (service A), so a sweep can aim at real ids, and a
fingerprint of every table, so a refusal can be shown to have changed nothing."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from coplan.delivery import services as delivery_services
from coplan.delivery.idempotency import new_key
from coplan.lib import rows
from coplan.people import services as people_services
from coplan.planning import services as planning_services
from coplan.reviews import services as review_services
from coplan.risk.services import plans as risk_services
from coplan.support import services as support_services
from tests.risk.conftest import STAGES, risk_decision
from tests.support.factories import morning_routine, week_rhythm


def fingerprint() -> dict[str, tuple]:
    """Rows and the latest change of every Coplan table (history tables included), read in
    one statement: a sweep takes this before and after each of its hundreds of requests."""
    labels, parts = [], []
    for model in apps.get_models():
        if not model.__module__.startswith(("coplan.", "axes.", "django.contrib.auth")):
            continue
        if model._meta.label == "access.AccessLog":
            continue  # a refused request may still log that it was made
        table = rows.table(model)
        has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        latest = (
            f"(SELECT MAX({rows.column(model, 'updated_at')}) FROM {table})"
            if has_updated_at
            else "NULL"
        )
        labels.append(model._meta.label)
        parts.append(f"(SELECT COUNT(*) FROM {table}), {latest}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return {label: (row[2 * i], row[2 * i + 1]) for i, label in enumerate(labels)}


@pytest.fixture
def records(world):
    by = world.team_leader
    person = world.person
    decision = planning_services.decision_agree(
        decision=risk_decision(world), by=by, confirmed=True
    )
    plan = risk_services.risk_plan_create(
        decision=decision, by=by, title="Travelling to college", stages=STAGES
    )
    routine = morning_routine(person, by)
    rhythm = week_rhythm(person, by)
    instruction = support_services.instruction_create(
        person=person,
        category="communication",
        title="Speak slowly",
        text="Give Sam time to answer.",
        decisions=[decision],
        by=by,
    )
    session = planning_services.session_create(
        person=person,
        by=by,
        purpose="Plan the week",
        domain="support",
        scheduled_for=timezone.now() + timedelta(days=3),
    )
    draft = planning_services.decision_create(
        person=person, by=by, domain="support", question="How should evenings go?"
    )
    goal = planning_services.goal_create(
        person=person,
        by=by,
        in_own_words="Cook a meal",
        success_looks_like="I cook once a week",
        measure="count",
    )
    need = people_services.communication_need_create(
        person=person,
        by=by,
        category="information_format",
        information_format="pictures",
        need="Photos",
        review_on=timezone.localdate() + timedelta(days=90),
    )
    trigger = review_services.trigger_open_by_hand(
        person=person, by=by, reason="Sam asked", kind="person_asked"
    )
    review = review_services.review_open(person=person, by=by, triggers=[trigger])
    booking = world.agency_now.shift_bookings.get()
    tick = delivery_services.routine_step_tick(
        person=person,
        routine=routine,
        step_id=routine.versions.get().steps.first().pk,
        idempotency_key=new_key(),
        by=by,
    )
    return {
        "checklist_id": tick.checklist_id,
        "person_id": person.pk,
        "service_id": person.service_id,
        "plan_id": plan.pk,
        "routine_id": routine.pk,
        "rhythm_id": rhythm.pk,
        "instruction_id": instruction.pk,
        "session_id": session.pk,
        "decision_id": draft.pk,
        "goal_id": goal.pk,
        "need_id": need.pk,
        "member_id": world.sister.pk,
        "trigger_id": trigger.pk,
        "review_id": review.pk,
        "booking_id": booking.pk,
        "log_id": 0,
        "check_in_id": 0,
        "spot_check_id": 0,
    }
