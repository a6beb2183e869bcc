"""The easy-read plan in a real browser (Debian's chromium): no serious or critical axe-core
violation at phone (390 px) and tablet (768 px) width, in every display, no sideways
scrolling; Listen plays the lines in order and highlights each; the plain-language check
answers as staff type. Screenshots are kept in tests/artefacts/ (git-ignored)."""

import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from coplan.people import services as people_services
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON
from tests.conftest import PASSWORD

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts"
WIDTHS = {"phone": 390, "tablet": 768}


def login(page, live_server, username: str) -> None:
    # The machine running the suite may be busy: give pages longer than the default.
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Staff land on "/"; the person and their circle are sent on to their own space (/me/).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def problems_on(page, label: str, width: int) -> list[str]:
    found = []
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in v["nodes"]][:5]
            found.append(f"{label}: axe {v['impact']} {v['id']} – {v['help']} at {targets}")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        found.append(f"{label}: scrolls sideways ({scroll}px at {width}px)")
    return found


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_easy_read_plan_is_accessible(page, live_server, world, sam_plan, size):
    width = WIDTHS[size]
    page.set_viewport_size({"width": width, "height": 900})
    ARTEFACTS.mkdir(exist_ok=True)
    login(page, live_server, "sam")
    url = live_server.url + reverse("easyread:plan", args=[world.person.pk])
    problems = []
    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text() == "Sam’s plan"
    problems += problems_on(page, f"plan {size}", width)
    page.screenshot(path=str(ARTEFACTS / f"easyread-plan-{width}.png"), full_page=True)
    # Large print and high contrast, switched on with the toggles.
    page.get_by_role("button", name="Big writing").click()
    page.wait_for_load_state()
    assert "large-print" in page.evaluate("document.body.className")
    page.get_by_role("button", name="Strong colours").click()
    page.wait_for_load_state()
    assert "high-contrast" in page.evaluate("document.body.className")
    problems += problems_on(page, f"plan large print, high contrast {size}", width)
    page.screenshot(
        path=str(ARTEFACTS / f"easyread-plan-large-contrast-{width}.png"), full_page=True
    )
    # Line text at least 1.25rem (20px) on screen.
    size_px = page.locator("li.easy-line").first.evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert size_px >= 20
    for problem in problems:
        print(problem)
    assert problems == []


def test_staff_view_and_decision_are_accessible(page, live_server, world, sam_plan):
    from tests.factories import AgreedDecisionFactory

    decision = AgreedDecisionFactory(person=world.person, by=world.team_leader)
    login(page, live_server, "teamlead")
    problems = []
    page.goto(live_server.url + reverse("easyread:plan", args=[world.person.pk]))
    assert page.get_by_role("heading", name="Check this easy read").is_visible()
    problems += problems_on(page, "staff plan", 390)
    page.goto(live_server.url + reverse("easyread:decision", args=[decision.pk]))
    problems += problems_on(page, "decision", 390)
    page.screenshot(path=str(ARTEFACTS / "easyread-decision-390.png"), full_page=True)
    page.goto(live_server.url + reverse("easyread:words", args=[world.person.pk]))
    problems += problems_on(page, "words", 390)
    for problem in problems:
        print(problem)
    assert problems == []


def test_listen_plays_the_lines_in_order_and_highlights_each(
    page, live_server, world, sam_plan, tmp_path
):
    with override_settings(EASYREAD_AUDIO_DIR=tmp_path / "audio"):
        login(page, live_server, "sam")
        page.goto(live_server.url + reverse("easyread:plan", args=[world.person.pk]))
        page.get_by_role("button", name="Listen").click()
        # (Locators, not wait_for_function: the CSP forbids evaluating strings.)
        page.locator('[data-line="0"].is-speaking').wait_for()
        page.screenshot(path=str(ARTEFACTS / "easyread-plan-playing-390.png"))
        page.locator('[data-line="1"].is-speaking').wait_for()
        assert page.locator(".is-speaking").count() == 1
        # The one button now stops it (its name says what it does, not a pressed state).
        assert page.get_by_role("button", name="Stop").is_visible()


def test_the_plain_words_check_answers_as_staff_type(page, live_server, world, sam_plan):
    people_services.person_update(person=world.person, by=world.manager)
    login(page, live_server, "teamlead")
    page.goto(live_server.url + reverse("easyread:words", args=[world.person.pk]))
    field = page.locator("[data-plain-check]").first
    field.fill("")
    field.press_sequentially("Staff facilitate personal care.")
    box = page.locator(".plain-check").first
    box.get_by_text("“facilitate” is a staff word. Try “help”.").wait_for()
    assert "washing and dressing" in box.inner_text()
    box.locator("xpath=..").screenshot(path=str(ARTEFACTS / "easyread-check-390.png"))
