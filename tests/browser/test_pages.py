"""Each role, signed in through the login form on a 390 px wide phone: the pages they use
load, have no serious or critical accessibility problems (axe-core), and do not scroll
sideways."""

import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from coplan.people import services as people_services
from coplan.people.models import CommunicationNeed
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON, PHONE
from tests.conftest import PASSWORD

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOT = "/tmp/coplan-person-390.png"

# role -> (username, pages they should be able to open)
ROLES = {
    "support worker": ("worker", ["home", "person", "list", "profile"]),
    "manager": ("manager", ["home", "person", "list", "add", "profile", "history", "log"]),
    "team leader": ("teamlead", ["home", "person", "list", "add", "profile", "history"]),
    "quality lead": ("quality", ["home", "person", "list", "profile", "history", "log"]),
    "agency worker on shift": ("agency_now", ["home", "person", "list", "profile"]),
    "admin": ("admin", ["home"]),
    "the person": ("sam", ["home", "person", "profile"]),
    "the sister": ("sister", ["home", "person", "profile"]),
}


def _urls(person_id: int) -> dict[str, str]:
    return {
        "home": "/",
        "person": f"/people/{person_id}/",
        "list": "/people/",
        "add": "/people/add/",
        "profile": f"/people/{person_id}/profile/",
        "history": f"/people/{person_id}/history/",
        "log": f"/people/{person_id}/access-log/",
    }


@pytest.fixture
def sam(world):
    """Sam with a filled-in record, so the pages show what they show in real use."""
    person = world.person
    by = world.manager
    people_services.person_update(
        person=person,
        by=by,
        pronouns="he/him",
        strengths="Remembers everyone's birthday\nGreat at jigsaws",
        most_important="My morning tea in the blue mug\nSeeing my sister Jo on Sundays",
        how_i_communicate="I use short sentences. Give me time to answer.",
        please_do="Knock and wait",
        please_do_not="Rush me in the morning",
        like_and_admire="Funny, kind, notices when someone is sad",
        how_best_to_support="Show me the picture card for the next thing",
        important_to="Tea first\nQuiet mornings",
        important_for="Taking my tablets with breakfast",
        good_day="Slow start, a walk by the river",
        bad_day="Being woken suddenly",
    )
    people_services.communication_need_create(
        person=person,
        by=by,
        category=CommunicationNeed.Category.INFORMATION_FORMAT,
        information_format=CommunicationNeed.Format.EASY_READ,
        need="Easy read with pictures for anything important",
        how_to_meet="Use the easy-read template and go through it together",
        review_on=timezone.localdate() + timedelta(days=90),
    )
    people_services.chart_entry_create(
        person=person,
        by=by,
        happening="Shower offered before breakfast",
        person_does="Pulls the duvet over his head",
        we_think="Not ready yet; mornings are hard",
        we_should="Come back in 20 minutes with tea and the picture card",
    )
    people_services.agreement_entry_create(
        person=person,
        by=by,
        decision_kind="What I do at the weekend",
        how_involved="Choose from two photos on Friday evening",
        final_say="Me",
    )
    return person


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Home: staff stay on it; a person's login goes on to their space, a circle member's to
    # the page of the person they support.
    page.wait_for_url(lambda url: url.startswith(f"{live_server.url}/") and "/accounts/" not in url)


def page_problems(page, label: str) -> list[str]:
    """Serious or critical axe violations, and sideways scrolling, on the current page."""
    problems = []
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in v["nodes"]][:5]
            problems.append(f"{label}: axe {v['impact']} {v['id']} – {v['help']} at {targets}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{label}: scrolls sideways ({width}px wide at {PHONE['width']}px)")
    return problems


@pytest.mark.parametrize("role", list(ROLES))
def test_role_pages_are_accessible_at_phone_width(page, live_server, world, sam, role):
    username, pages = ROLES[role]
    login(page, live_server, username)
    urls = _urls(sam.pk)
    problems = []
    for name in pages:
        response = page.goto(live_server.url + urls[name])
        assert response.status == 200, f"{role} {name}: {response.status}"
        problems += page_problems(page, f"{role} {name}")
    for problem in problems:
        print(problem)
    assert problems == []


def test_person_page_screenshot_at_phone_width(page, live_server, world, sam):
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/people/{sam.pk}/")
    page.screenshot(path=SCREENSHOT, full_page=True)
    # The flag sits above the record's sections, inside the first screenful.
    flag = page.locator(".flag-box")
    box = flag.bounding_box()
    assert box is not None and box["y"] < PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_manager_adds_a_person_with_a_need_and_sees_the_flag_at_the_top(page, live_server, world):
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("What is most important to me").fill("Quiet places; the same route")
    page.get_by_role("button", name="Add person").click()
    page.wait_for_url(f"{live_server.url}/people/*/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Priya Shah")
    assert page.locator(".flag-box").count() == 0

    page.get_by_role("link", name="Add a need").click()
    page.get_by_label("Category").select_option(label="Requires a specific information format")
    page.get_by_label("Information format").select_option(label="Pictures")
    page.locator("#id_need").fill("Pictures for choices")
    page.get_by_label("Review by").fill("2030-01-31")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/people/*/#communication")

    flag = page.locator(".flag-box")
    assert "Pictures for choices" in flag.inner_text()
    # At the top: before the page's first section.
    first_card_y = page.locator("section.card").first.bounding_box()["y"]
    assert flag.bounding_box()["y"] < first_card_y
    problems = page_problems(page, "person page after adding a need")
    for problem in problems:
        print(problem)
    assert problems == []


def test_the_accessibility_check_catches_a_real_problem(page):
    """Guards the checks above: axe runs and a field without a label fails."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head>'
        '<body><main><h1>Form</h1><input type="text"></main></body></html>'
    )
    problems = page_problems(page, "unlabelled field")
    assert any("label" in p for p in problems), problems


def test_login_and_two_factor_pages_are_accessible(page, live_server, world):
    world.org.require_two_factor = True
    world.org.save(update_fields=["require_two_factor"])
    page.goto(f"{live_server.url}/accounts/login/")
    problems = page_problems(page, "login")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("not the password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    problems += page_problems(page, "login with an error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/**")
    problems += page_problems(page, "two-factor set-up")
    page.get_by_label("6-digit code from your authenticator app").fill("12")
    with page.expect_navigation():
        page.get_by_role("button", name="Verify").click()
    problems += page_problems(page, "two-factor with an error")
    for problem in problems:
        print(problem)
    assert problems == []
