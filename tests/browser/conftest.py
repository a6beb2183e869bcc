"""Headless Chromium (Debian's, never a downloaded one) for the browser checks.

One browser for the whole session; each test gets a fresh context at phone size."""

from pathlib import Path

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

# The `browser` and `page` fixtures live in tests/conftest.py, so every browser test in every
# folder shares one Playwright instance (two sync instances in one thread cannot coexist).
