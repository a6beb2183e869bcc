"""On a 390 px phone, one-handed: a support worker ticks Daniel's morning routine step by
step as it happens and finishes it, without the page ever reloading; then records Priya's
activity choice by tapping. The taps and page loads are counted (README.md states them)."""

import re
import sys

import pytest

from coplan.delivery.models import ActivityRecord, RoutineChecklist, RoutineRun, RoutineStepTick
from coplan.people import services as people_services
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON
from tests.delivery.helpers import clock, today_at
from tests.support.factories import morning_routine, week_rhythm

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_pages import login, page_problems  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
SCREENSHOT = "/tmp/coplan-shift-checklist-390.png"


@pytest.fixture
def house(world):
    """Daniel (a morning routine) and Priya (a weekly rhythm) at Elm House."""
    daniel = people_services.person_create(
        service=world.service_a, by=world.manager, given_name="Daniel", family_name="Brooks"
    )
    priya = people_services.person_create(
        service=world.service_a, by=world.manager, given_name="Priya", family_name="Shah"
    )
    with clock(today_at(0, 1)):
        routine = morning_routine(daniel, world.team_leader)
        rhythm = week_rhythm(priya, world.team_leader)
    return daniel, routine, priya, rhythm


class Counter:
    """Counts the taps a worker makes and the pages the browser loads."""

    def __init__(self, page):
        self.taps = 0
        self.loads = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def tap(self, locator):
        self.taps += 1
        locator.click()


def _open(counter, details):
    """Unfold an item on the shift (and the "later today" fold around it, if it is there:
    which depends on the time of day the test runs)."""
    fold = details.page.locator("details.clock-fold", has=details)
    if fold.count() and not fold.first.evaluate("d => d.open"):
        counter.tap(fold.first.locator("> summary"))
    if not details.evaluate("d => d.open"):
        counter.tap(details.locator("> summary"))


def test_worker_ticks_daniels_routine_as_it_happens_then_records_priyas_choice(
    page, live_server, world, house
):
    daniel, routine, priya, rhythm = house
    breakfast, clothes, shower = routine.versions.get().steps.order_by("position")
    login(page, live_server, "worker")
    counter = Counter(page)
    page.goto(f"{live_server.url}/shift/")
    assert counter.loads == 1
    problems = page_problems(page, "shift view")
    page.screenshot(path="/tmp/coplan-shift-top-390.png")
    page.evaluate("window.__noReload = 'still here'")

    item = page.locator(f"#item-routine-{routine.pk}")
    _open(counter, item)
    checklist = page.locator(f"#checklist-{routine.pk}")
    for step in (breakfast, shower, clothes):  # the shower before dressing, as Daniel chose
        button = checklist.locator(".step-button", has_text=step.title)
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300
        counter.tap(button)
        expect(checklist.locator(".live-step.is-done", has_text=step.title)).to_be_visible()
    expect(checklist.locator("[data-live-status]")).to_contain_text("3 of 3 steps done")
    problems += page_problems(page, "shift view, checklist ticked")
    checklist.locator(".finish-form").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/coplan-shift-ticked-390.png")
    counter.tap(checklist.get_by_label("Completed", exact=True))
    counter.tap(checklist.get_by_label("What was different, and why"))
    page.keyboard.type("Daniel wanted his shower before getting dressed.")
    counter.tap(checklist.get_by_role("button", name="Finish and save"))
    expect(checklist.locator(".done-box")).to_contain_text("completed")
    checklist.locator(".done-box").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT, full_page=False)
    assert page.evaluate("window.__noReload") == "still here"  # no reload between taps
    routine_taps, routine_loads = counter.taps, counter.loads
    assert routine_loads == 1

    run = RoutineRun.objects.get()
    assert run.steps_used == [breakfast.pk, shower.pk, clothes.pk]
    assert run.outcome == "completed" and run.recorded_by == world.worker
    ticks = list(RoutineStepTick.objects.order_by("position"))
    assert [t.step_id for t in ticks] == run.steps_used
    assert ticks[0].ticked_at <= ticks[1].ticked_at <= ticks[2].ticked_at
    assert RoutineChecklist.objects.get().run == run

    # Priya's activity: the option she chose is one tap among big radio buttons.
    activity = page.locator(".shift-item", has_text="Priya: Library quiet room")
    _open(counter, activity)
    counter.tap(activity.get_by_role("link", name="Record what Priya chose"))
    page.wait_for_url(re.compile(r"/record/activity/"))
    problems += page_problems(page, "activity form")
    page.screenshot(path="/tmp/coplan-activity-390.png", full_page=True)
    picked = 'input[name="chosen_pick"][value="Garden centre cafe if the library is closed"]'
    choice = page.locator("label.big-choice").filter(has=page.locator(picked))
    assert choice.bounding_box()["height"] >= 44
    counter.tap(choice)
    counter.tap(page.get_by_role("button", name="Save"))
    page.wait_for_url(re.compile(r"/shift/"))
    record = ActivityRecord.objects.get()
    assert record.person == priya and record.outcome == "took_part"
    assert record.chosen == "Garden centre cafe if the library is closed"
    activity_taps = counter.taps - routine_taps
    activity_loads = counter.loads - routine_loads
    sys.stdout.write(
        f"\nTAPS routine={routine_taps} loads={routine_loads}; "
        f"activity taps={activity_taps} loads={activity_loads}\n"
    )
    # Unfolding the item is a tap only when it is not the first thing due now.
    assert routine_taps <= 8 and activity_taps <= 5 and activity_loads == 2
    assert problems == []


def test_a_tap_lost_on_a_weak_signal_is_retried_and_saved_once(page, live_server, world, house):
    daniel, routine, *_ = house
    breakfast = routine.versions.get().steps.order_by("position").first()
    login(page, live_server, "worker")
    page.goto(f"{live_server.url}/shift/")
    _open(Counter(page), page.locator(f"#item-routine-{routine.pk}"))
    checklist = page.locator(f"#checklist-{routine.pk}")
    sent = []

    def drop_after_saving(route):
        sent.append(route.request.post_data)
        route.fetch()  # the server saves it ...
        route.abort()  # ... but the answer never reaches the phone

    page.route("**/tick/", drop_after_saving)
    checklist.locator(".step-button", has_text=breakfast.title).click()
    error = checklist.locator("[data-live-error]")
    expect(error).to_contain_text("Not saved")
    assert RoutineStepTick.objects.count() == 1
    page.unroute("**/tick/")
    page.route("**/tick/", lambda route: (sent.append(route.request.post_data), route.continue_()))
    error.get_by_role("button", name="Try again").click()
    expect(checklist.locator(".live-step.is-done", has_text=breakfast.title)).to_be_visible()
    assert RoutineStepTick.objects.count() == 1  # the retry sent the same key
    key = re.search(r"idempotency_key=([0-9a-f-]+)", sent[0]).group(1)
    assert key in sent[1]
