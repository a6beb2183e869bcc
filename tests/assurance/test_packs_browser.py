"""Trends and evidence packs on a 390 px phone: no serious accessibility problems, no
sideways scrolling. A manager makes Sam's pack; Ines, an inspector, signs in with her
authenticator and reads it."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.access.models import AccessLog, InspectorGrant
from coplan.assurance import inspectors
from coplan.assurance.models.packs import EvidencePack
from tests.browser.conftest import HAVE_CHROMIUM, MISSING_REASON
from tests.conftest import PASSWORD, make_user

if not HAVE_CHROMIUM:
    sys.stderr.write(f"\n{MISSING_REASON}\n")
    pytest.skip(MISSING_REASON, allow_module_level=True)

from tests.assurance.test_trends import history  # noqa: E402, F401 (a fixture)
from tests.browser.test_pages import login, page_problems  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
SHOTS = Path("/tmp/coplan-shots")
KEY = b"12345678901234567890"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_trend_chart_text_is_drawn_at_least_12_px_tall_on_a_phone(
    page,
    live_server,
    world,
    history,  # noqa: F811
):
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/assurance/services/{world.service_a.pk}/trends/")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.trend-chart text')].map(t =>
            parseFloat(getComputedStyle(t).fontSize) *
                Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b))"""
    )
    assert len(sizes) > 20 and min(sizes) >= 12
    legend = page.locator(".trend-legend").first.bounding_box()
    chart = page.locator("svg.trend-chart").first.bounding_box()
    assert legend["y"] + legend["height"] <= chart["y"]  # above the plot, never over it
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_manager_reads_trends_and_makes_a_pack_inspector_reads_it(
    page,
    live_server,
    world,
    history,  # noqa: F811
):
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/assurance/people/{world.person.pk}/trends/")
    problems = page_problems(page, "trends")
    assert page.locator("svg.trend-chart").count() >= 2
    page.get_by_text("The figures as a table").first.click()
    shot(page, "trends")
    page.goto(f"{live_server.url}/assurance/people/{world.person.pk}/packs/")
    problems += page_problems(page, "packs")
    # The test settings run tasks at once: the pack is made before the redirect.
    with page.expect_navigation(url=f"{live_server.url}/assurance/packs/*/", timeout=180_000):
        page.get_by_role("button", name="Make the pack").click(no_wait_after=True)
    pack = EvidencePack.objects.get()
    page.reload()
    assert pack.__class__.objects.get().is_ready
    page.get_by_role("link", name="Download the PDF").wait_for()
    problems += page_problems(page, "pack")
    shot(page, "pack")
    page.context.clear_cookies()

    ines = make_user("ines", "Ines Carter")
    TOTPDevice.objects.create(user=ines, name="Authenticator", key=KEY.hex(), confirmed=True)
    inspectors.grant_create(
        by=world.manager,
        service=world.service_a,
        grantee=ines,
        kind=InspectorGrant.Kind.INSPECTOR,
        grantee_organisation="CQC",
        until=timezone.localdate() + timedelta(days=2),
        reason="Inspection",
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/")
    assert "/accounts/two-factor/" in page.url
    page.get_by_label("6-digit code from your authenticator app").fill(
        f"{totp(KEY, t0=0, step=30):06d}"
    )
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/assurance/inspect/")
    problems += page_problems(page, "inspector home")
    shot(page, "inspector-home")
    page.goto(f"{live_server.url}/assurance/packs/{pack.pk}/")
    assert page.get_by_role("heading", name="Evidence pack: Sam Taylor").is_visible()
    assert AccessLog.objects.filter(
        user=ines, person=world.person, what__contains="Evidence pack"
    ).exists()
    page.goto(f"{live_server.url}/shift/")
    assert "evidence only" in page.content()
    assert problems == []
