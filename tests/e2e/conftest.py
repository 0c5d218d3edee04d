"""Browser tests: real headless Chromium (Debian's package) driven by Playwright against a
live Django server. Screenshots of key pages land in test-artifacts/ for people to look at."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail(
            "chromium is not installed: `make test` installs it (scripts/ensure-chromium.sh)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """screenshot("name") saves a full-page PNG under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def browser_as(browser, live_server):
    """browser_as(user) opens a separate browser window signed in as that user, so several
    people can work on the same initiative side by side."""
    contexts = []

    def open_for(user, password: str = "pw"):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        contexts.append(context)
        window = context.new_page()
        window.set_default_timeout(15_000)
        window.goto(f"{live_server.url}/login/")
        window.fill("#id_username", user.username)
        window.fill("#id_password", password)
        window.click("button[type=submit]")
        window.wait_for_load_state("networkidle")
        assert "/login/" not in window.url, f"login of {user.username} failed"
        return window

    yield open_for
    for context in contexts:
        context.close()


@pytest.fixture
def login(page, live_server):
    """login(user) signs the user in through the real login form (password "pw")."""

    def sign_in(user, password: str = "pw"):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/login/" not in page.url, "login failed"
        return page

    return sign_in
