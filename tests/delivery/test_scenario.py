"""A change to Sam's morning routine, walked as its users walk it: the decision behind it is
replaced; the planner sees the routine still cites the old one and re-cites it with a new
version in force from tomorrow 07:00; today's shift goes on under today's version; the
agency worker booked tomorrow must read the briefing again; tomorrow the shift view shows
what changed."""

import uuid

from coplan.accounts.models import ShiftBooking
from coplan.delivery import services
from coplan.planning.models import Decision
from tests.delivery.helpers import Api, clock, today_at
from tests.support.factories import MORNING_STEPS, agreed_decision, morning_routine, tomorrow_at

NEW_STEPS = [
    {"title": "Wake with music", "agreed_words": "Your music is on. Take your time."},
    MORNING_STEPS[0],
    {**MORNING_STEPS[2], "title": "Warm shower, fan off"},
]


def test_a_replaced_decision_reaches_the_plan_the_briefing_and_the_shift(world):
    # A sleep-in: today 08:00 to tomorrow 15:00 (the briefing opens two hours before it).
    tomorrow = ShiftBooking.objects.create(
        user=world.agency_later,
        service=world.service_a,
        starts_at=today_at(8),
        ends_at=tomorrow_at(15),
    )
    with clock(today_at(6)):
        routine = morning_routine(world.person, world.team_leader)
        old = routine.versions.get().decisions.get()
    agency = Api(world.agency_later)
    briefing_url = f"/delivery/bookings/{tomorrow.pk}/briefing"
    with clock(today_at(9)):
        assert agency.post(briefing_url).status_code == 201  # read as the shift starts
        services.routine_run_record(
            person=world.person,
            routine=routine,
            outcome="refused",
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )

    with clock(today_at(11)):  # the review's new decision replaces the old one
        # The manager logs in now, not when the test starts: a login at 00:50 would have
        # expired (12-hour sessions) by the 14:00 change below.
        manager = world.client_for(world.manager)
        new = agreed_decision(world.person, world.manager, "Music first, shower later?")
        new.supersedes = old
        new.save()
        old.status = Decision.Status.SUPERSEDED
        old.save()
        home = manager.get("/").content.decode()
        assert "To re-cite or retire" in home and "Music first, shower later?" in home

    with clock(today_at(14)):
        page = manager.get(f"/people/{world.person.pk}/support/routine/{routine.pk}/change/")
        assert 'name="version" value="1"' in page.content.decode()
        response = manager.post(
            f"/people/{world.person.pk}/support/routine/{routine.pk}/change/",
            {
                "name": "Morning routine",
                "decisions": [new.pk],
                "agency_summary": "Music on first.\nShower later, warm, fan off.",
                "change_reason": "Decided with Sam at the review.",
                "effective_from": tomorrow_at(7).strftime("%Y-%m-%dT%H:%M"),
                "version": "1",
                "steps-TOTAL_FORMS": "3",
                "steps-INITIAL_FORMS": "3",
                "steps-MIN_NUM_FORMS": "0",
                "steps-MAX_NUM_FORMS": "30",
                **{
                    f"steps-{i}-{name}": value
                    for i, step in enumerate(NEW_STEPS)
                    for name, value in step.items()
                    if isinstance(value, str)
                },
            },
        )
        assert response.status_code == 302
        assert "To re-cite or retire" not in manager.get("/").content.decode()

    with clock(today_at(15)):  # today goes on under today's version
        shift = world.client_for(world.worker).get("/shift/").content.decode()
        assert "Put on the clothes chosen last night" in shift
        assert "Wake with music" not in shift
        assert "Changed since you last recorded" not in shift

    with clock(tomorrow_at(8)):
        shift = world.client_for(world.worker).get("/shift/").content.decode()
        assert "Changed since you last recorded for Sam" in shift
        assert "Step added: \u201cWake with music\u201d" in shift
        assert "\u201cShower, later\u201d is now \u201cWarm shower, fan off\u201d" in shift
        briefing = agency.get(briefing_url).json()  # version 2 is now in force on the shift
        assert briefing["due"] is True
        assert briefing["message"] == services.BRIEFING_AGAIN.format(
            changed="Morning routine, version 2"
        )
        refused = Api(world.agency_later).post(
            f"/delivery/people/{world.person.pk}/daily-notes", {"text": "Morning."}
        )
        assert refused.status_code == 403
        assert refused.json()["message"] == briefing["message"]
        assert agency.post(briefing_url).status_code == 201
        assert (
            Api(world.agency_later)
            .post(f"/delivery/people/{world.person.pk}/daily-notes", {"text": "Morning."})
            .status_code
            == 201
        )
