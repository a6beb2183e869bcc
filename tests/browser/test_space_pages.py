"""The person's own space, the check-in, the circle member's pages, the invitation and the
shared tablet, in a real browser at phone (390 px) and tablet (768 px) width: no serious or
critical axe-core violation, no sideways scrolling, and a screenshot of each kept in
test-artefacts/ (git-ignored) to look at. The person taps two faces to answer."""

import sys
from pathlib import Path

import pytest
from django.urls import reverse

from coplan.access import invitations
from coplan.people import services as people_services
from coplan.people.models import CircleMember
from coplan.reviews import services as review_services
from coplan.reviews.models import CheckIn, ReviewTrigger
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON
from tests.conftest import PASSWORD
from tests.factories import RhythmFactory, RoutineFactory

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"
WIDTHS = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 768, "height": 1024}}


@pytest.fixture
def story(world):
    """Sam takes two choices at a time; his sister Jo may see his reviews; a review is open."""
    person = world.person
    people_services.decision_profile_update(person=person, by=world.manager, choices_at_once=2)
    RoutineFactory(person=person, by=world.manager)
    RhythmFactory(person=person, by=world.manager)
    people_services.circle_member_update(
        member=world.sister, by=world.manager, may_see_reviews=True
    )
    trigger = review_services.trigger_open_by_hand(
        person=person,
        by=world.team_leader,
        reason="Mornings rushed",
        kind=ReviewTrigger.Kind.NOT_PRACTICAL,
    )
    review = review_services.review_open(person=person, by=world.manager, triggers=[trigger])
    return review


def _problems(page, label: str, width: int) -> list[str]:
    problems = []
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in v["nodes"]][:5]
            problems.append(f"{label}: axe {v['impact']} {v['id']} – {v['help']} at {targets}")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{label}: scrolls sideways ({scroll}px wide at {width}px)")
    return problems


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _check(page, live_server, label: str, path: str, size: str) -> list[str]:
    response = page.goto(live_server.url + path)
    assert response.status == 200, f"{label}: {response.status}"
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{label}-{size}.png"), full_page=True)
    return _problems(page, f"{label} at {size}", WIDTHS[size]["width"])


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_persons_space_is_accessible(browser, live_server, world, story, size):
    context = browser.new_context(viewport=WIDTHS[size], locale="en-GB")
    page = context.new_page()
    _login(page, live_server, "sam")
    assert page.url == f"{live_server.url}/me/"
    problems = []
    for label, path in [
        ("space-home", "/me/"),
        ("space-week", "/me/week/"),
        ("space-checkin", "/me/check-in/"),
        ("space-talk", "/me/talk/"),
        ("space-plan", "/me/plan/"),
    ]:
        problems += _check(page, live_server, label, path, size)
    context.close()
    for p in problems:
        print(p)
    assert problems == []


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_circle_members_pages_are_accessible(browser, live_server, world, story, size):
    context = browser.new_context(viewport=WIDTHS[size], locale="en-GB")
    page = context.new_page()
    _login(page, live_server, "sister")
    pid = world.person.pk
    problems = []
    for label, path in [
        ("circle-home", f"/me/circle/{pid}/"),
        ("circle-review", reverse("reviews:review", args=[pid, story.pk])),
        ("circle-views", reverse("planning:views_home", args=[pid])),
        ("circle-working", reverse("reviews:working_add", args=[pid])),
    ]:
        problems += _check(page, live_server, label, path, size)
    context.close()
    for p in problems:
        print(p)
    assert problems == []


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_invitation_and_the_tablet_are_accessible(browser, live_server, world, size):
    member = people_services.circle_member_create(
        person=world.person,
        by=world.manager,
        name="Ruth Okafor",
        relationship_type=CircleMember.Relationship.FAMILY,
    )
    made = invitations.invitation_create(
        person=world.person, by=world.manager, circle_member=member
    )
    priya = people_services.person_create(
        service=world.service_a, by=world.manager, given_name="Priya", family_name="Shah"
    )
    context = browser.new_context(viewport=WIDTHS[size], locale="en-GB")
    page = context.new_page()
    problems = _check(page, live_server, "invite-accept", f"/invite/{made.token}/", size)
    _login(page, live_server, "manager")
    problems += _check(
        page, live_server, "invite-people", f"/people/{world.person.pk}/logins/", size
    )
    page.get_by_label("Ruth Okafor").check()
    page.get_by_role("button", name="Make the invitation").click()
    page.wait_for_load_state()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"invite-made-{size}.png"), full_page=True)
    problems += _problems(page, f"invite made at {size}", WIDTHS[size]["width"])
    page.goto(f"{live_server.url}/people/{priya.pk}/")
    page.get_by_role("button", name="Hand Priya the tablet").click()
    page.wait_for_url(f"{live_server.url}/me/")
    problems += _check(page, live_server, "tablet-home", "/me/", size)
    page.get_by_role("button", name="Finish").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    context.close()
    for p in problems:
        print(p)
    assert problems == []


def test_the_person_answers_by_tapping_two_faces(browser, live_server, world, story):
    context = browser.new_context(viewport=WIDTHS["tablet"], locale="en-GB")
    page = context.new_page()
    _login(page, live_server, "sam")
    with page.expect_navigation():
        page.get_by_role("link", name="How was my week?").click()
    items = page.locator("fieldset.space-item")
    assert items.count() == 2
    for i in range(items.count()):
        assert items.nth(i).locator(".face-tile").count() == 2
    items.nth(0).get_by_text("Worked").click()
    items.nth(1).get_by_text("Didn't work").click()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "space-checkin-tapped-tablet.png"), full_page=True)
    page.get_by_role("button", name="Done").click()
    page.wait_for_url(f"{live_server.url}/me/")
    assert "Thank you" in page.content()
    context.close()
    checkin = CheckIn.objects.get(person=world.person)
    assert checkin.answered_by == CheckIn.AnsweredBy.PERSON
    assert sorted(checkin.answers.values_list("answer", flat=True)) == ["didnt_work", "worked"]
