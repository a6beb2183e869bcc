"""The manager's today page, the header and the decision form on a 390 px phone: no serious
or critical accessibility problem (axe-core), no sideways scrolling of the page, the wide
counts table says it scrolls, and the decision form's summary follows what is typed."""

import sys

import pytest

from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON, PHONE

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from tests.access.test_today import Known  # noqa: E402
from tests.browser.test_pages import login, page_problems  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TODAY_PNG = "/tmp/coplan-today-390.png"
HEADER_PNG = "/tmp/coplan-header-390.png"
DECISION_PNG = "/tmp/coplan-decision-form-390.png"
PREFS_PNG = "/tmp/coplan-preferences-390.png"


def test_today_page_at_phone_width(page, live_server, world):
    Known(world, 1)
    login(page, live_server, "manager")
    assert page.get_by_role("heading", level=1).inner_text() == "Today in your services"
    problems = page_problems(page, "today page")
    assert problems == [], problems
    page.screenshot(path=TODAY_PNG, full_page=True)
    page.locator(".site-header").screenshot(path=HEADER_PNG)
    # The header: the logo, and Reviews and Alerts (with the unread count) for a manager.
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Reviews").is_visible()
    assert nav.get_by_role("link", name="Alerts").is_visible()
    assert page.locator(".brand-logo").bounding_box()["width"] >= 32
    # The counts per service are a list that fits a phone: nothing scrolls sideways, and
    # each count is a link to its section, big enough to tap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    counts = page.locator(".glance-count")
    assert counts.count() == 7
    assert counts.first.inner_text().split() == ["2", "Reviews", "due"]  # a decision, a plan
    # Every count and every row is a link to where it is dealt with, big enough to tap.
    links = [*counts.all(), *page.locator(".today-link").all()]
    for box in [link.bounding_box() for link in links]:
        assert box is not None and box["height"] >= 44


def test_the_person_and_their_sister_see_neither_reviews_nor_alerts(page, live_server, world):
    login(page, live_server, "sam")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Reviews").count() == 0
    assert nav.get_by_role("link", name="Alerts").count() == 0


def test_decision_form_in_sections_with_what_is_still_needed(page, live_server, world):
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/plan/people/{world.person.pk}/decisions/add/")
    problems = page_problems(page, "decision form")
    assert problems == [], problems
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, height
    page.screenshot(path=DECISION_PNG, full_page=True)
    needed = page.locator("[data-progress-needed]")
    assert "The question" in needed.inner_text()
    page.get_by_label("The question").fill("How should mornings go?")
    assert "The question" not in needed.inner_text()
    assert "The decision (" in page.locator("[data-progress-filled]").inner_text()
    # The summary stays in view while the form scrolls.
    page.mouse.wheel(0, 1500)
    box = page.locator(".form-progress").bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE["height"]


def test_a_saved_choice_is_confirmed_in_a_banner_that_stays_in_view(page, live_server, world):
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/notifications/choices/")
    for box in [c.bounding_box() for c in page.locator(".check-target").all()]:
        assert box is not None and box["width"] >= 44 and box["height"] >= 44
    save = page.get_by_role("button", name="Save my choices")
    assert save.bounding_box()["height"] >= 44
    save.click()
    banner = page.get_by_role("status")
    assert "saved" in banner.inner_text()
    page.mouse.wheel(0, 2000)
    assert banner.bounding_box()["y"] < PHONE["height"]
    problems = page_problems(page, "notification choices")
    page.screenshot(path=PREFS_PNG, full_page=False)
    assert problems == [], problems
