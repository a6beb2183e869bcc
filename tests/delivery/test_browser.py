"""The shift view and the plan pages on a 390 px phone: no serious accessibility problems,
no sideways scrolling, large touch targets; the agency briefing and a routine recorded by
tapping, one-handed."""

import sys

import pytest

from coplan.delivery.models import BriefingAcknowledgement, RoutineRun
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON
from tests.support.factories import morning_routine, week_rhythm

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from tests.browser.test_pages import login, page_problems  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def plan(world):
    return morning_routine(world.person, world.team_leader), week_rhythm(
        world.person, world.team_leader
    )


def test_worker_records_the_morning_routine_on_a_phone(page, live_server, world, plan):  # noqa: F811
    routine, _ = plan
    login(page, live_server, "worker")
    # A link to an item opens its fold (whatever the time of day has folded).
    page.goto(f"{live_server.url}/shift/#item-routine-{routine.pk}")
    problems = page_problems(page, "shift view")
    record = page.get_by_role("link", name="Record morning routine")
    box = record.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300
    with page.expect_navigation():
        record.click()
    problems += page_problems(page, "routine form")
    # Used in another order than agreed: the shower first. Ticking numbers the steps.
    page.get_by_role("checkbox", name="Shower, later").check()
    page.get_by_role("checkbox", name="Breakfast first").check()
    page.get_by_role("checkbox", name="Put on the clothes chosen last night").check()
    breakfast, clothes, shower = (s.pk for s in routine.versions.get().steps.order_by("position"))
    assert page.locator(f"#id_order_{shower}").input_value() == "1"
    page.get_by_role("checkbox", name="Breakfast first").uncheck()
    page.get_by_role("checkbox", name="Breakfast first").check()
    assert page.locator(f"#id_order_{breakfast}").input_value() == "3"
    assert page.locator(f"#id_order_{clothes}").input_value() == "2"
    page.get_by_label("Completed", exact=True).check()
    page.get_by_label("What was different, and why").fill("Sam chose the shower first.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/shift/#person-{world.person.pk}")
    run = RoutineRun.objects.get()
    assert run.routine_version == routine.versions.get()
    assert run.steps_used == [shower, clothes, breakfast]
    for url, label in [
        (f"/people/{world.person.pk}/record/activity/", "activity form"),
        (f"/people/{world.person.pk}/handover/", "handover"),
        (f"/people/{world.person.pk}/support/", "support plan"),
        (f"/people/{world.person.pk}/support/routine/{routine.pk}/", "routine"),
    ]:
        page.goto(live_server.url + url)
        problems += page_problems(page, label)
    assert problems == []


def test_agency_worker_reads_the_briefing_first(page, live_server, world, plan):  # noqa: F811
    routine, _ = plan
    login(page, live_server, "agency_now")
    page.goto(f"{live_server.url}/shift/")
    problems = page_problems(page, "briefing")
    page.get_by_role("button", name="I have read the briefing for this shift").click()
    page.wait_for_url(f"{live_server.url}/shift/")
    assert BriefingAcknowledgement.objects.filter(user=world.agency_now).count() == 1
    page.goto(f"{live_server.url}/shift/#item-routine-{routine.pk}")
    assert page.get_by_role("link", name="Record morning routine").is_visible()
    assert problems == []


def test_planner_pages_are_accessible(page, live_server, world, plan):  # noqa: F811
    routine, _ = plan
    login(page, live_server, "manager")
    problems = []
    for url, label in [
        (f"/people/{world.person.pk}/support/routine/{routine.pk}/change/", "change routine"),
        (f"/people/{world.person.pk}/support/rhythm/add/", "add rhythm"),
        (f"/people/{world.person.pk}/delivery/", "delivery report"),
        (f"/services/{world.service_a.pk}/briefings/", "briefings"),
    ]:
        page.goto(live_server.url + url)
        problems += page_problems(page, label)
    assert problems == []
