"""The distress pages and the house handover on a 390 px phone: no serious accessibility
problems, no sideways scrolling; a distress episode recorded and the house handover written
by tapping, and the next shift reading it first."""

import sys
import uuid

import pytest

from coplan.delivery import distress
from coplan.delivery.models import DistressRecord, HouseHandover
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON
from tests.support.factories import morning_routine

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from tests.browser.test_pages import login, page_problems  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOTS = "/tmp/coplan-distress-{name}-390.png"


def test_distress_and_house_handover_pages_on_a_phone(page, live_server, world):
    routine = morning_routine(world.person, world.team_leader)
    shower = routine.versions.get().steps.get(title="Shower, later")
    for intensity in (4, 2):
        distress.distress_record_create(
            person=world.person,
            intensity=intensity,
            before="Shower mentioned before breakfast",
            what_person_did="Shouted and left the bathroom",
            what_helped="Space, music, breakfast first",
            duration_minutes=20,
            routine=routine,
            step=shower,
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
    # On a loaded machine the first page of a fresh browser can take longer than 10 s.
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/accounts/login/")
    login(page, live_server, "worker")
    problems = []
    person = world.person.pk
    page.goto(
        f"{live_server.url}/people/{person}/distress/new/?routine={routine.pk}&step={shower.pk}"
    )
    problems += page_problems(page, "distress form")
    page.screenshot(path=SCREENSHOTS.format(name="form"), full_page=True)
    page.get_by_label("3: Distressed", exact=False).check()
    page.get_by_label("What happened before").fill("The fan came on during breakfast.")
    page.get_by_label("What the person did").fill("Covered his ears and left the table.")
    page.get_by_label("What helped afterwards").fill("Fan off; finished breakfast with music.")
    page.get_by_label("How long it lasted (minutes)").fill("8")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/people/{person}/distress/*/")
    record = DistressRecord.objects.order_by("-id").first()
    assert record.routine_step == shower and record.intensity == 3
    problems += page_problems(page, "distress detail")
    with page.expect_navigation():
        page.get_by_role("link", name="Start an incident from this").click()
    problems += page_problems(page, "incident from distress")
    for url, name in (
        (f"/people/{person}/distress/", "list"),
        (f"/people/{person}/", "person"),
    ):
        page.goto(live_server.url + url)
        problems += page_problems(page, f"distress {name}")
        page.screenshot(path=SCREENSHOTS.format(name=name), full_page=True)

    # The house handover: one tap from the shift view, one to save.
    page.goto(f"{live_server.url}/shift/")
    problems += page_problems(page, "shift view with the house panel")
    with page.expect_navigation():
        page.get_by_role("link", name="Elm House: the whole shift and its handover").click()
    problems += page_problems(page, "house handover")
    page.get_by_label("How the shift went in the house").fill("Calm. Sam upset by the fan.")
    page.get_by_label("For the next shift").fill("Keep the fan off at breakfast.")
    page.screenshot(path=SCREENSHOTS.format(name="house"), full_page=True)
    page.get_by_role("button", name="Save the house handover").click()
    page.wait_for_url(f"{live_server.url}/shift/")
    assert HouseHandover.objects.get().summary == "Calm. Sam upset by the fan."
    top = page.locator("#house-handover")
    assert "Keep the fan off at breakfast." in top.inner_text()
    first_person = page.locator(f"#person-{person}").bounding_box()
    assert top.bounding_box()["y"] < first_person["y"]
    page.screenshot(path=SCREENSHOTS.format(name="shift"), full_page=True)
    for problem in problems:
        print(problem)
    assert problems == []
