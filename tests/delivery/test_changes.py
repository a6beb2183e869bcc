"""Plan changes reach the staff on shift: the shift view marks what changed since a worker
last recorded for the person, and an agency worker's briefing is due again when a newer
version of anything in it comes into force."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from coplan.accounts.models import ShiftBooking
from coplan.delivery import selectors, services
from coplan.delivery.models import BriefingAcknowledgement, DailyNote
from tests.delivery.helpers import Api, clock, today_at
from tests.support.factories import (
    MORNING_STEPS,
    morning_routine,
    revise_morning,
    staff_instruction,
    tomorrow_at,
)

SHOWER_FIRST = [
    {**MORNING_STEPS[2], "title": "Warm shower, fan off"},
    MORNING_STEPS[0],
    {"title": "Cream on", "picture": "cream"},
]


@pytest.fixture
def day_shift(world):
    """Len, an agency worker, booked today from 07:00 to 19:00."""
    return ShiftBooking.objects.create(
        user=world.agency_later,
        service=world.service_a,
        starts_at=today_at(7),
        ends_at=today_at(19),
    )


def _note(world, user, text="All well."):
    return services.daily_note_create(
        person=world.person, text=text, idempotency_key=uuid.uuid4(), by=user
    )


def _run(world, routine, user):
    version = routine.versions.get(is_current=True)
    return services.routine_run_record(
        person=world.person,
        routine=routine,
        outcome="completed",
        steps_used=[s.pk for s in version.steps.all()],
        idempotency_key=uuid.uuid4(),
        by=user,
    )


def test_routine_changed_at_1400_is_marked_and_makes_the_briefing_due_again(world, day_shift):
    with clock(today_at(6)):
        routine = morning_routine(world.person, world.team_leader)
    with clock(today_at(8, 30)):
        services.briefing_acknowledge(booking=day_shift, by=world.agency_later)
        _note(world, world.agency_later, "Read the briefing, all calm.")
    with clock(today_at(9)):
        _run(world, routine, world.worker)
    with clock(today_at(14)):
        revise_morning(
            routine,
            world.team_leader,
            steps=SHOWER_FIRST,
            agency_summary="Shower first now, warm not hot.",
            change_reason="Sam asked for the shower first.",
        )
    with clock(today_at(14, 30)):
        html = world.client_for(world.worker).get("/shift/").content.decode()
        assert "Changed since you last recorded for Sam" in html
        assert "Morning routine</a>, version 2, in force from" in html
        assert "Step added: \u201cCream on\u201d" in html
        assert "Step removed: \u201cPut on the clothes chosen last night\u201d" in html
        assert "\u201cShower, later\u201d is now \u201cWarm shower, fan off\u201d" in html

        agency = world.client_for(world.agency_later)
        refused = agency.get(f"/people/{world.person.pk}/record/note/", follow=True)
        web_message = [str(m) for m in refused.context["messages"]][0]
        assert web_message == services.BRIEFING_AGAIN.format(changed="Morning routine, version 2")
        api = Api(world.agency_later).post(
            f"/delivery/people/{world.person.pk}/daily-notes", {"text": "Lunch."}
        )
        assert api.status_code == 403
        assert api.json()["message"] == web_message
        assert DailyNote.objects.count() == 1

        shift = agency.get("/shift/").content.decode()
        assert "The plan changed: read the briefing again" in shift
        assert "Shower first now, warm not hot." in shift
        agency.post(f"/shift/briefing/{day_shift.pk}/")
        latest = selectors.latest_acknowledgement(day_shift)
        assert [v.number for v in latest.routine_versions.all()] == [2]
        assert BriefingAcknowledgement.objects.filter(booking=day_shift).count() == 2
        assert _note(world, world.agency_later, "Read it again.").booking == day_shift


def test_no_mark_once_the_worker_has_recorded_under_the_new_version(world):
    with clock(today_at(6)):
        routine = morning_routine(world.person, world.team_leader)
        _note(world, world.worker)
    with clock(today_at(14)):
        revise_morning(routine, world.team_leader, steps=SHOWER_FIRST, summary_confirmed=True)
    with clock(today_at(14, 10)):
        assert "Changed since you last recorded" in world.client_for(world.worker).get(
            "/shift/"
        ).content.decode("utf-8")
        _note(world, world.worker, "Seen the new routine.")
    with clock(today_at(14, 20)):
        html = world.client_for(world.worker).get("/shift/").content.decode()
        assert "Changed since you last recorded" not in html
        assert 'tag-warn">changed' not in html


def test_shift_api_says_what_changed(world):
    with clock(today_at(6)):
        routine = morning_routine(world.person, world.team_leader)
        _note(world, world.worker)
    with clock(today_at(14)):
        revise_morning(routine, world.team_leader, steps=SHOWER_FIRST, summary_confirmed=True)
    with clock(today_at(14, 30)):
        (sam,) = Api(world.worker).get("/delivery/shift").json()["people"]
    (morning,) = sam["routines"]
    assert morning["version_number"] == 2
    assert {"what": "added", "text": "Step added: \u201cCream on\u201d"} in morning["changes"]


def test_a_version_in_force_from_tomorrow_does_not_make_todays_briefing_due(world, day_shift):
    with clock(today_at(6)):
        routine = morning_routine(world.person, world.team_leader)
    with clock(today_at(8)):
        services.briefing_acknowledge(booking=day_shift, by=world.agency_later)
        _note(world, world.worker)
    with clock(today_at(14)):
        revise_morning(
            routine,
            world.team_leader,
            steps=SHOWER_FIRST,
            agency_summary="From tomorrow: shower first.",
            effective_from=tomorrow_at(7),
        )
        assert selectors.briefing_state(day_shift).due is False
        assert _note(world, world.agency_later).booking == day_shift
        html = world.client_for(world.worker).get("/shift/").content.decode()
        assert "Changed since you last recorded" not in html
        assert "Breakfast is ready when you are." in html


def test_agency_worker_booked_tomorrow_must_read_the_briefing_again(world):
    # Len's only booking is this one, 09:00 to 17:00: the world's booking for him starts
    # a day from now, which, run before 09:30, would still be running at 09:30 tomorrow.
    ShiftBooking.objects.filter(user=world.agency_later).delete()
    booking = ShiftBooking.objects.create(
        user=world.agency_later,
        service=world.service_a,
        starts_at=tomorrow_at(9),
        ends_at=tomorrow_at(17),
    )
    routine = morning_routine(world.person, world.team_leader)
    api = Api(world.agency_later)
    url = f"/delivery/bookings/{booking.pk}/briefing"
    # The briefing opens two hours before the shift.
    with clock(tomorrow_at(7, 30)):
        assert api.post(url).status_code == 201
        assert api.get(url).json()["due"] is False
    revise_morning(
        routine,
        world.team_leader,
        steps=SHOWER_FIRST,
        agency_summary="Shower first.",
        effective_from=tomorrow_at(7),
    )
    with clock(tomorrow_at(7, 45)):
        briefing = api.get(url).json()
    assert briefing["due"] is True and briefing["acknowledged"] is False
    assert briefing["message"] == services.BRIEFING_AGAIN.format(
        changed="Morning routine, version 2"
    )
    (sam,) = briefing["people"]
    assert sam["routines"] == [
        {
            "kind": "routine",
            "element_id": routine.pk,
            "name": "Morning routine",
            "version_id": routine.versions.get(number=2).pk,
            "version_number": 2,
            "changed": True,
            "summary": ["Shower first."],
        }
    ]
    with clock(tomorrow_at(7, 50)):
        again = api.post(url)
    assert again.status_code == 201
    assert again.json()["routine_versions"] == [routine.versions.get(number=2).pk]
    with clock(tomorrow_at(9, 30)):
        assert _note(world, world.agency_later, "Tomorrow.").booking == booking


def test_briefing_covers_staff_instructions_too(world, day_shift):
    from coplan.support import services as support_services

    with clock(today_at(6)):
        routine = morning_routine(world.person, world.team_leader)
        decision = routine.versions.get().decisions.get()
        instruction = staff_instruction(
            world.person, world.team_leader, decision, title="Light", text="Use the lamp."
        )
    with clock(today_at(8)):
        ack = services.briefing_acknowledge(booking=day_shift, by=world.agency_later)
        assert [v.text for v in ack.instruction_versions.all()] == ["Use the lamp."]
    with clock(today_at(12)):
        support_services.instruction_revise(
            instruction=instruction,
            based_on=instruction.version,
            decisions=[decision],
            text="Use the lamp; never the big light.",
            change_reason="The big light upsets Sam.",
            by=world.team_leader,
        )
        with pytest.raises(PermissionDenied, match="Light, version 2"):
            _note(world, world.agency_later)


def test_briefings_page_lists_every_confirmation(world, day_shift):
    with clock(today_at(6)):
        routine = morning_routine(world.person, world.team_leader)
    with clock(today_at(8)):
        services.briefing_acknowledge(booking=day_shift, by=world.agency_later)
    with clock(today_at(14)):
        revise_morning(routine, world.team_leader, steps=SHOWER_FIRST, summary_confirmed=True)
    with clock(today_at(14, 5)):
        services.briefing_acknowledge(booking=day_shift, by=world.agency_later)
        html = world.client_for(world.manager).get(f"/services/{world.service_a.pk}/briefings/")
    text = html.content.decode()
    assert text.count("read ") >= 2
    assert "08:00" in text and "14:05" in text


def test_confirming_twice_while_nothing_changed_is_one_acknowledgement(world, day_shift):
    morning_routine(world.person, world.team_leader)
    with clock(today_at(8) + timedelta(minutes=1)):
        first = services.briefing_acknowledge(booking=day_shift, by=world.agency_later)
        again = services.briefing_acknowledge(booking=day_shift, by=world.agency_later)
    assert first.pk == again.pk
    assert BriefingAcknowledgement.objects.count() == 1


def test_last_recorded_is_the_latest_record_of_any_kind_by_this_worker(world):
    with clock(today_at(6)):
        _note(world, world.worker)
    with clock(today_at(9, 15)):
        services.handover_note_create(
            person=world.person, summary="Calm.", idempotency_key=uuid.uuid4(), by=world.worker
        )
    with clock(today_at(11)):
        _note(world, world.team_leader, "Someone else's note does not count.")
    found = selectors.last_recorded(world.worker, [world.person.pk, world.person_b.pk])
    assert found == {world.person.pk: today_at(9, 15)}
    assert found[world.person.pk].tzinfo is not None
    assert selectors.last_recorded(world.worker, []) == {}
