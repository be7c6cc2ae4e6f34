"""Browser tests: Debian's Chromium driven through Playwright against pytest-django's live server.

The tests are skipped (never failed) where /usr/bin/chromium is absent. Screenshots go to
``test-artifacts/browser/<test name>/`` at the project root (git-ignored).
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread, so Django's ORM would refuse
# the queries the tests make to build their data (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"


def _no_chromium_reason() -> str:
    return f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped"


def pytest_collection_modifyitems(config, items):
    """Without Chromium, skip the browser tests before their database is even set up."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=_no_chromium_reason())
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, a test database of this run's own (var/test-browser-<pid>.sqlite3), so that a
    browser run never deletes the var/test.sqlite3 another pytest process is using.

    Applies when the browser tests are run on their own; in a whole-suite run the database is
    set up by the first test and shared."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(
            PROJECT_ROOT / "var" / f"test-browser-{os.getpid()}.sqlite3"
        )


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(_no_chromium_reason())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) per test, in Vietnamese, 1280x900."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.live_server_url = live_server.url
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture
def artifacts_dir(request) -> Path:
    """``test-artifacts/browser/<test name>/``, created and emptied of earlier screenshots."""
    name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


@pytest.fixture
def screenshot(page, artifacts_dir):
    """``screenshot("login")`` saves ``NN-login.png`` (full page) and returns its path."""
    counter = {"n": 0}

    def take(label: str) -> Path:
        counter["n"] += 1
        path = artifacts_dir / f"{counter['n']:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
