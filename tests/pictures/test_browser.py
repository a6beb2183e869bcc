"""The picture picker on a 390 px phone: no serious accessibility problems, no sideways
scrolling, results large enough to tap; and a routine and a session's choices drawn with
real pictures (screenshots in /tmp/pictures-*.png to look at)."""

import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from coplan.pictures import services as picture_services
from coplan.planning import services as planning_services
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON
from tests.pictures.conftest import png
from tests.support.factories import morning_routine

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from tests.browser.test_pages import login, page_problems  # noqa: E402, I001

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def page(page):
    # The first page from a fresh live server can be slow on a shared, busy machine.
    page.context.set_default_timeout(30_000)
    return page


def test_team_leader_picks_a_picture_by_word_on_a_phone(page, live_server, world):
    login(page, live_server, "teamlead")
    page.goto(f"{live_server.url}/people/{world.person.pk}/support/routine/add/")
    problems = page_problems(page, "routine form with picker")
    search = page.locator("#id_steps-0-picture_q")
    search.fill("shower")
    result = page.locator("#id_steps-0-picture_results .picture-result").first
    result.wait_for()
    box = result.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    problems += page_problems(page, "picker with results")
    page.screenshot(path="/tmp/pictures-picker.png", full_page=False)
    result.click()
    assert page.locator("#id_steps-0-picture").input_value() == "openmoji:1F6BF"
    assert result.get_attribute("aria-pressed") == "true"
    assert page.locator("#id_steps-0-picture_picker .picker-current-label").inner_text() == (
        "Chosen: shower"
    )
    assert search.input_value() == ""
    assert problems == []


def test_routine_and_session_choices_show_real_pictures(page, live_server, world):
    routine = morning_routine(world.person, world.team_leader)
    picture_services.person_photo_add(
        person=world.person,
        label="Sam's own shower",
        image=png(colour="#c62828"),
        stands_for="shower",
        by=world.manager,
    )
    session = planning_services.session_create(
        person=world.person,
        by=world.team_leader,
        purpose="What makes a good morning",
        domain="support",
        scheduled_for=timezone.now() + timedelta(days=3),
        prompts=["What does a good morning look like for you?"],
        choices=[
            {"label": "Breakfast first, then shower", "picture": "openmoji:1F963"},
            {"label": "Shower first, then breakfast", "picture": "openmoji:1F6BF"},
            {"label": "Music while I get ready", "picture": "music"},
        ],
        invitees=[{"kind": "person", "name": "Sam"}],
    )
    login(page, live_server, "teamlead")
    problems = []
    for url, name in [
        (f"/people/{world.person.pk}/support/routine/{routine.pk}/", "routine"),
        (f"/plan/people/{world.person.pk}/sessions/{session.pk}/", "session"),
    ]:
        response = page.goto(live_server.url + url)
        assert response.status == 200, name
        problems += page_problems(page, name)
        images = page.locator("main img.picture")
        assert images.count() >= 1
        for i in range(images.count()):
            src = images.nth(i).get_attribute("src")
            fetched = page.request.get(live_server.url + src)
            assert fetched.ok and fetched.headers["content-type"].startswith("image/"), src
        assert "Pictures: OpenMoji, CC BY-SA 4.0" in page.locator("footer").inner_text()
        page.screenshot(path=f"/tmp/pictures-{name}.png", full_page=True)
    assert problems == []
