"""The weekly check-in on a 390 px phone: the person taps the picture tiles themselves, and
the review pages have no serious accessibility problems and do not scroll sideways."""

import sys

import pytest

from coplan.reviews import services
from coplan.reviews.models import CheckIn
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON
from tests.reviews.conftest import active_goal, agreed_decision

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from tests.browser.test_pages import login, page_problems  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_person_checks_in_by_tapping_faces_on_a_phone(page, live_server, world):  # noqa: F811
    goal = active_goal(world.person, world.manager, "Go to the café on my own")
    login(page, live_server, "sam")
    page.goto(f"{live_server.url}/reviews/people/{world.person.pk}/check-in/")
    assert page_problems(page, "check-in") == []
    # Sam's profile takes two choices at a time: two faces, "Didn't work" the second.
    assert page.locator(f"label[for^='id_answer_goal-{goal.pk}_']").count() == 2
    tile = page.locator(f"label[for='id_answer_goal-{goal.pk}_1']")
    box = tile.bounding_box()
    assert box["width"] >= 64 and box["height"] >= 64
    tile.click()
    page.get_by_label("In your own words (if you want)").first.fill("Too busy")
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(f"{live_server.url}/reviews/people/{world.person.pk}/")
    checkin = CheckIn.objects.get()
    assert (checkin.answered_by, checkin.on_behalf) == ("person", False)
    assert list(checkin.answers.values_list("answer", "words")) == [("didnt_work", "Too busy")]
    assert page_problems(page, "reviews page") == []


def test_review_pages_are_accessible_at_phone_width(page, live_server, world):  # noqa: F811
    decision = agreed_decision(world.person, world.manager)
    trigger = services.trigger_open_by_hand(
        person=world.person, by=world.worker, kind="not_practical", reason="Rota", decision=decision
    )
    review = services.review_open(person=world.person, by=world.manager, triggers=[trigger])
    services.review_contribute(review=review, by=world.person_user, pleased="Breakfast first")
    services.working_not_working_add(
        person=world.person, by=world.sister_user, working="Sunday visits"
    )
    login(page, live_server, "teamlead")
    problems = []
    for url in [
        f"/reviews/people/{world.person.pk}/",
        f"/reviews/people/{world.person.pk}/reviews/{review.pk}/",
        "/reviews/",
        f"/reviews/people/{world.person.pk}/check-in/",
    ]:
        assert page.goto(live_server.url + url).status == 200
        problems += page_problems(page, url)
    assert problems == []
