"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

Chromium is not downloaded by Playwright: Debian's ``/usr/bin/chromium`` is used through
``executable_path``. Without it the tests are skipped, unless ``NURI_REQUIRE_BROWSER=1`` (CI),
which turns the skip into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
# one unless told that it is safe (it is: the loop does not run our code concurrently).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("NURI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (install Debian's `chromium` package)"
        if os.environ.get("NURI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}; NURI_REQUIRE_BROWSER=1 makes this an error.")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """A factory of pages, each in its own browser context (own cookies), on the live server."""
    contexts = []

    def _new_page():
        context = browser.new_context(
            base_url=live_server.url, locale="ko-KR", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
