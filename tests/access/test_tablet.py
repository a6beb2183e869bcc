"""Shared-tablet mode: staff hand their signed-in tablet to a person without a login; it
then shows only that person's space, refuses everything else, and ends with one tap (or
after a while unused), signing the tablet out. Start and end are in the access log."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coplan.access import tablet
from coplan.access.models import AccessLog
from coplan.people import services as people_services
from coplan.reviews.models import CheckIn
from tests.factories import RoutineFactory


@pytest.fixture
def priya(world):
    """Priya has no login of her own."""
    person = people_services.person_create(
        service=world.service_a, by=world.manager, given_name="Priya", family_name="Shah"
    )
    people_services.decision_profile_update(person=person, by=world.manager, choices_at_once=2)
    return person


def _start(world, person, who="worker"):
    client = world.client_for(world.staff[who])
    response = client.post(reverse("tablet_start", args=[person.pk]))
    return client, response


def test_tablet_shows_only_that_persons_space(world, priya):
    client, response = _start(world, priya)
    assert response.status_code == 302 and response["Location"] == reverse("space:home")
    home = client.get(reverse("space:home"))
    html = home.content.decode()
    assert home.status_code == 200
    assert "Hello Priya" in html
    assert "Finish" in html
    # No staff tools: not the main menu, not the people list, not the shift.
    assert reverse("people:list") not in html and reverse("delivery:shift") not in html
    assert AccessLog.objects.filter(person=priya, action=AccessLog.Action.TABLET_START).exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda w, p: reverse("home"),
        lambda w, p: reverse("people:list"),
        lambda w, p: reverse("people:detail", args=[p.pk]),
        lambda w, p: reverse("people:detail", args=[w.person.pk]),
        lambda w, p: reverse("reviews:checkin", args=[p.pk]),
        lambda w, p: reverse("delivery:shift"),
        lambda w, p: reverse("notifications:list"),
        lambda w, p: "/admin/",
    ],
)
def test_every_other_page_is_sent_back_to_the_space(world, priya, url):
    client, _ = _start(world, priya)
    response = client.get(url(world, priya))
    assert response.status_code == 302
    assert response["Location"] == reverse("space:home")


def test_my_plan_on_the_tablet_is_the_persons_page_not_the_staff_members(world, priya):
    RoutineFactory(person=priya, by=world.team_leader)
    client, _ = _start(world, priya, who="team_leader")
    response = client.get(reverse("space:plan"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("easyread:plan", args=[priya.pk])
    assert "My morning routine" in html
    # The tablet's own chrome: Finish and the way back, the picture credit; none of the
    # staff member's menu, alerts or sign-out, and not the box only staff see.
    assert "Finish" in html and reverse("space:home") in html
    assert "OpenMoji" in html
    assert f'href="{reverse("people:list")}"' not in html
    assert reverse("notifications:list") not in html and reverse("delivery:shift") not in html
    assert "Check this easy read" not in html and "Sign out" not in html
    assert reverse("easyread:words", args=[priya.pk]) not in html
    # Big writing works on the tablet; the staff page for writing easy-read words does not.
    switch = client.post(
        reverse("easyread:display"),
        {"large": "on", "next": reverse("easyread:plan", args=[priya.pk])},
    )
    assert switch.status_code == 302
    body = client.get(switch["Location"]).content.decode().split("<body", 1)[1].split(">")[0]
    assert "large-print" in body
    words = client.get(reverse("easyread:words", args=[priya.pk]))
    assert words.status_code == 302 and words["Location"] == reverse("space:home")


def test_a_talk_request_on_the_tablet_is_the_persons_given_on_staff_tablet(world, priya):
    client, _ = _start(world, priya)
    assert client.post(reverse("space:talk"), {"about": "goals"}).status_code == 302
    page = world.client_for(world.manager).get(reverse("reviews:person", args=[priya.pk]))
    assert f"asked by Priya, on {world.worker}'s tablet" in page.content.decode()


def test_the_api_refuses_a_tablet_in_json(world, priya):
    client, _ = _start(world, priya)
    response = client.get("/api/v1/people/")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_write_elsewhere_is_refused(world, priya):
    client, _ = _start(world, priya)
    before = AccessLog.objects.count()
    response = client.post(reverse("reviews:trigger_add", args=[priya.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert AccessLog.objects.count() == before


def test_one_tap_ends_the_mode_and_signs_the_tablet_out(world, priya):
    client, _ = _start(world, priya)
    response = client.post(reverse("tablet_end"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302  # signed out: to the sign-in page
    assert "/accounts/login/" in client.get(reverse("people:list"))["Location"]
    ended = AccessLog.objects.get(person=priya, action=AccessLog.Action.TABLET_END)
    assert ended.user == world.worker and "tap" in ended.what


def test_the_mode_ends_after_a_while_unused(world, priya):
    client, _ = _start(world, priya)
    session = client.session
    session[tablet.SESSION_SEEN] = (
        timezone.now() - timedelta(minutes=tablet.IDLE_MINUTES + 1)
    ).isoformat()
    session.save()
    response = client.get(reverse("space:home"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "/accounts/login/" in client.get(reverse("space:home"))["Location"]
    assert AccessLog.objects.filter(
        person=priya, action=AccessLog.Action.TABLET_END, what__contains="no use"
    ).exists()


def test_a_check_in_on_the_tablet_is_the_persons_given_with_staff(world, priya):
    routine = RoutineFactory(person=priya, by=world.manager)
    client, _ = _start(world, priya)
    page = client.get(reverse("space:checkin"))
    assert page.content.decode().count('type="radio"') == 2  # two faces, two choices
    response = client.post(reverse("space:checkin"), {f"answer_routine-{routine.pk}": "worked"})
    assert response.status_code == 302
    checkin = CheckIn.objects.get(person=priya)
    assert checkin.answered_by == CheckIn.AnsweredBy.STAFF_WITH_PERSON
    assert checkin.recorded_by == world.worker
    assert checkin.how == CheckIn.How.PICTURES


def test_not_for_someone_with_their_own_login(world):
    client, response = _start(world, world.person)  # Sam has his own login
    assert response.status_code == 403
    assert tablet.SESSION_PERSON not in client.session


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("agency_now", 403), ("admin", 404)]
)
def test_only_staff_who_take_check_ins_here_may_start_it(world, priya, who, status):
    client, response = _start(world, priya, who=who)
    assert response.status_code == status
    assert tablet.SESSION_PERSON not in client.session
    assert not AccessLog.objects.filter(action=AccessLog.Action.TABLET_START).exists()


def test_the_person_page_offers_the_tablet_to_staff(world, priya):
    html = world.client_for(world.worker).get(reverse("people:detail", args=[priya.pk]))
    assert reverse("tablet_start", args=[priya.pk]) in html.content.decode()
    sam = world.client_for(world.worker).get(reverse("people:detail", args=[world.person.pk]))
    assert reverse("tablet_start", args=[world.person.pk]) not in sam.content.decode()
