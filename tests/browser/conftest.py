"""Headless Chromium (Debian's, never a downloaded one) for the browser checks.

One browser for the whole session; each test gets a fresh context at phone size."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: the loop is not serving requests).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
HAVE_CHROMIUM = Path(CHROMIUM).exists()
MISSING_REASON = (
    "!!!!!!!! /usr/bin/chromium is missing: the browser and accessibility checks were NOT run. "
    "Install Debian's chromium (sudo apt-get install chromium) or run `make browser-deps`."
)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
