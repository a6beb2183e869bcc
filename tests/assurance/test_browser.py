"""The assurance pages on a 390 px phone: no serious accessibility problems (axe), no
sideways scrolling; screenshots kept in /tmp for a person to look at."""

from __future__ import annotations

import sys

import pytest

from coplan.assurance import spotchecks
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from tests.assurance.helpers import check_with  # noqa: E402
from tests.browser.test_pages import login, page_problems  # noqa: E402
from tests.factories import ActivityRecordFactory, RoutineRunFactory  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
SHOTS = "/tmp/assurance-shots"


@pytest.fixture
def data(world, plan, period):
    for outcome in ("completed", "refused", "refused", "completed"):
        RoutineRunFactory(routine=plan["routine"], by=world.worker, outcome=outcome)
    ActivityRecordFactory(rhythm=plan["rhythm"], by=world.worker, outcome="declined")
    check = check_with(world, aligned=False, routine=plan["routine"])
    done = spotchecks.spot_check_draw(
        service=world.service_a, by=world.quality_lead, period_start=period[0], period_end=period[1]
    )
    spotchecks.spot_check_record(
        spot_check=done,
        by=world.quality_lead,
        results={
            s.item.pk: {line.key: line.suggested or "pass" for line in s.lines}
            for s in spotchecks.sample_records(done)
        },
    )
    drawn = spotchecks.spot_check_draw(
        service=world.service_a, by=world.quality_lead, period_start=period[0], period_end=period[1]
    )
    return {"check": check, "drawn": drawn, "done": done}


def _visit(page, live_server, url: str, name: str) -> list[str]:
    response = page.goto(live_server.url + url)
    assert response.status == 200, f"{name}: {response.status}"
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    return page_problems(page, name)


def test_quality_lead_pages_at_phone_width(page, live_server, world, data):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    login(page, live_server, "quality")
    problems = []
    for url, name in [
        ("/assurance/", "home"),
        (f"/assurance/services/{world.service_a.pk}/", "service"),
        (f"/assurance/people/{world.person.pk}/index/", "person_index"),
        (f"/assurance/services/{world.service_a.pk}/spot-checks/new/", "spot_check_new"),
        (f"/assurance/spot-checks/{data['drawn'].pk}/", "spot_check_drawn"),
        (f"/assurance/spot-checks/{data['done'].pk}/", "spot_check_done"),
        (f"/assurance/alignment/{data['check'].pk}/", "alignment_detail"),
    ]:
        problems += _visit(page, live_server, url, name)
    assert problems == []


def test_manager_and_worker_pages_at_phone_width(page, live_server, world, data):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    login(page, live_server, "manager")
    problems = _visit(page, live_server, "/", "manager_home")
    problems += _visit(
        page, live_server, f"/assurance/people/{world.person.pk}/alignment/new/", "alignment_setup"
    )
    problems += _visit(
        page,
        live_server,
        f"/assurance/people/{world.person.pk}/alignment/new/?staff={world.worker.pk}&kind=observation&routine={data['check'].routine_id}",
        "alignment_observation",
    )
    problems += _visit(
        page,
        live_server,
        f"/assurance/people/{world.person.pk}/alignment/new/?staff={world.worker.pk}&kind=supervision",
        "alignment_supervision",
    )
    page.context.clear_cookies()
    login(page, live_server, "worker")
    problems += _visit(page, live_server, "/assurance/alignment/mine/", "worker_mine")
    assert problems == []
