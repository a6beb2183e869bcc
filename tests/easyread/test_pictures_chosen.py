"""Staff choose every picture the person sees with the picker, never by typing a picture's
name: a week's activities, a goal and an easy-read line each carry the picture chosen, and
that picture is the one on My week, the easy read and the weekly check-in."""

from datetime import time

import pytest
from django.urls import reverse

from coplan.easyread.models import EasyWords
from coplan.planning.models import Goal
from coplan.support.models import RhythmEntry
from tests.factories import RoutineFactory
from tests.planning.helpers import formset
from tests.support.factories import agreed_decision

pytestmark = pytest.mark.django_db

LIBRARY = "openmoji:1F4DA"  # books
BUS = "openmoji:1F68C"


def _week_form(decision) -> dict:
    return {
        "name": "Sam's week",
        "decisions": [decision.pk],
        "activate": "on",
        **formset(
            "entries",
            [
                # Tapped in the picker: the hidden field holds the reference.
                {"day": "1", "time": "10:30", "activity": "Quiet room", "kind": "priority",
                 "picture": LIBRARY},
                # Typed in the picker's search box and not tapped: its best match.
                {"day": "4", "activity": "Trip out", "kind": "priority", "picture_q": "bus"},
            ],
        ),
    }  # fmt: skip


def test_the_pictures_staff_choose_are_the_ones_the_person_sees(world):
    leader = world.client_for(world.team_leader)
    decision = agreed_decision(world.person, world.manager, "What should my week be?")
    response = leader.post(f"/people/{world.person.pk}/support/rhythm/add/", _week_form(decision))
    assert response.status_code == 302
    stored = dict(RhythmEntry.objects.values_list("activity", "picture"))
    assert stored == {"Quiet room": LIBRARY, "Trip out": BUS}

    response = leader.post(
        reverse("planning:goal_add", args=[world.person.pk]),
        {
            "in_own_words": "Make a cake",
            "picture_q": "cake",
            "importance": "3",
            "success_looks_like": "A cake I made",
            "measure": "checklist",
            "checklist_text": "Buy eggs",
            "status": "active",
            **formset("actions", []),
        },
    )
    assert response.status_code == 302
    cake = Goal.objects.get(in_own_words="Make a cake").picture
    assert cake.startswith("openmoji:")

    # Sam's own pages draw those pictures, not a picture guessed from the words.
    sam = world.client_for(world.person_user)
    week = sam.get(reverse("space:week")).content.decode()
    assert "/1F4DA." in week and "/1F68C." in week
    checkin = sam.get(reverse("space:checkin")).content.decode()
    code = cake.split(":")[1]
    assert "/1F4DA." in checkin and "/1F68C." in checkin and f"/{code}." in checkin
    easy = sam.get(reverse("easyread:plan", args=[world.person.pk])).content.decode()
    assert "/1F4DA." in easy and f"/{code}." in easy


def test_a_routine_is_asked_about_with_its_first_steps_picture(world):
    RoutineFactory(
        person=world.person,
        by=world.team_leader,
        name="Getting ready",
        steps=[
            {"title": "Wake up", "window_start": time(7, 0)},
            {"title": "Shower", "window_start": time(7, 15), "picture": "openmoji:1F6BF"},
        ],
    )
    checkin = world.client_for(world.person_user).get(reverse("space:checkin")).content
    # The legend for "Getting ready" shows the shower: the first step that has a picture.
    legend = checkin.decode().split("Getting ready")[0].rsplit("<legend>", 1)[1]
    assert "/1F6BF." in legend


def test_easy_read_words_take_their_picture_from_the_picker(world):
    RoutineFactory(
        person=world.person,
        by=world.team_leader,
        steps=[{"title": "Put on the clothes chosen last night"}, {"title": "Breakfast"}],
    )
    url = reverse("easyread:words", args=[world.person.pk])
    leader = world.client_for(world.team_leader)
    html = leader.get(url).content.decode()
    # A picker on each row, each with its own ids; no box to type a picture's name into.
    assert "Picture name" not in html
    assert html.count("data-picture-picker") >= 2
    assert 'id="row2-picture_q"' in html and 'id="row3-picture_q"' in html

    response = leader.post(
        url,
        {
            "source": "Put on the clothes chosen last night",
            "words": "I put on the clothes I picked.",
            "picture": "openmoji:1F455",
        },
    )
    assert response.status_code == 302
    words = EasyWords.objects.get()
    assert (words.words, words.picture) == ("I put on the clothes I picked.", "openmoji:1F455")

    # A picture that does not exist is refused on the row it was sent from, and not kept.
    response = leader.post(
        url,
        {"source": "Breakfast", "words": "I have breakfast.", "picture": "openmoji:FFFFF"},
    )
    assert response.status_code == 200
    assert "There is no such picture" in response.content.decode()
    assert EasyWords.objects.count() == 1
