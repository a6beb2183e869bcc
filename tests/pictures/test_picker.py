"""The picture picker in the routine-step and session-choice forms, and the journey of a
team leader giving a routine's steps pictures that the person then sees as their own."""

import re

import pytest

from coplan.planning.forms import ChoiceRowForm
from coplan.support.forms import StepForm
from coplan.support.models import Routine
from tests.pictures.conftest import png
from tests.support.factories import agreed_decision

pytestmark = pytest.mark.django_db


def hidden_value(html: str, name: str) -> str:
    return re.search(rf'type="hidden" name="{re.escape(name)}" id="[^"]+" value="([^"]*)"', html)[1]


def test_step_form_round_trips_the_picker_value():
    form = StepForm(initial={"title": "Shower", "picture": "openmoji:1F6BF"}, prefix="steps-0")
    html = str(form["picture"])
    assert hidden_value(html, "steps-0-picture") == "openmoji:1F6BF"
    assert 'alt="shower"' in html and "Chosen: <strong>shower</strong>" in html
    assert 'id="id_steps-0-picture_q"' in html and 'hx-get="/pictures/search/"' in html
    # Posted back as it was shown: the same reference.
    posted = StepForm(
        {"steps-0-title": "Shower", "steps-0-picture": "openmoji:1F6BF"}, prefix="steps-0"
    )
    assert posted.is_valid() and posted.cleaned_data["picture"] == "openmoji:1F6BF"


def test_step_form_without_javascript_chooses_by_word():
    data = {"title": "Bus", "picture": "openmoji:1F6BF", "picture_word": "bus"}
    form = StepForm(data)
    assert form.is_valid() and form.cleaned_data["picture"] == "openmoji:1F68C"
    form = StepForm({"title": "Bus", "picture": "openmoji:1F6BF", "picture_word": "-"})
    assert form.is_valid() and form.cleaned_data["picture"] == ""


def test_a_typed_search_word_not_tapped_takes_the_best_match():
    form = StepForm({"title": "Teeth", "picture": "", "picture_q": "toothbrush"})
    assert form.is_valid() and form.cleaned_data["picture"] == "openmoji:1FAA5"


def test_a_pictogram_that_does_not_exist_is_refused():
    form = StepForm({"title": "X", "picture": "openmoji:FFFFF"})
    assert not form.is_valid()
    assert form.errors["picture"] == ["There is no such picture. Please search again."]


def test_session_choice_form_uses_the_picker():
    form = ChoiceRowForm({"label": "Library garden", "picture_word": "library"})
    assert form.is_valid() and form.cleaned_data["picture"] == "openmoji:1F4DA"
    assert 'class="picture-picker"' in str(ChoiceRowForm()["picture"])


def test_team_leader_gives_steps_pictures_and_the_person_sees_their_own_photo(world):
    decision = agreed_decision(world.person, world.manager)
    leader = world.client_for(world.team_leader)
    add_page = leader.get(f"/people/{world.person.pk}/support/routine/add/").content.decode()
    assert 'id="id_steps-0-picture_q"' in add_page
    found = leader.get("/pictures/search/?steps-0-picture_q=shower&for=id_steps-0-picture")
    ref = re.search(r'data-ref="(openmoji:[0-9A-F-]+)"', found.content.decode())[1]
    data = {
        "name": "Evening routine",
        "decisions": [decision.pk],
        "activate": "on",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-title": "Shower",
        "steps-0-picture": ref,  # tapped in the picker
        "steps-1-title": "Music",
        "steps-1-picture_word": "music",  # chosen by word, without JavaScript
    }
    response = leader.post(f"/people/{world.person.pk}/support/routine/add/", data)
    assert response.status_code == 302
    routine = Routine.objects.get(name="Evening routine")
    steps = list(routine.versions.get().steps.order_by("position"))
    assert [s.picture for s in steps] == ["openmoji:1F6BF", "openmoji:1F3B5"]

    # Sam wants his own shower on his checklist.
    leader.post(
        f"/pictures/people/{world.person.pk}/photos/",
        {"label": "My shower", "image": png(), "stands_for_word": "shower"},
    )
    photo = world.person.photos.get()
    page = world.client_for(world.person_user).get(
        f"/people/{world.person.pk}/support/routine/{routine.pk}/"
    )
    html = page.content.decode()
    assert f'src="/pictures/photos/{photo.pk}/file/" alt="Shower"' in html
    assert 'src="/pictograms/openmoji/17.0.0/1F3B5.svg" alt="Music"' in html
    assert "Pictures: OpenMoji, CC BY-SA 4.0" in html
    assert (
        world.client_for(world.person_user).get(f"/pictures/photos/{photo.pk}/file/").status_code
        == 200
    )
