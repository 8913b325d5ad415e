"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright."""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from gates.browser import CHROMIUM, CHROMIUM_ARGS  # one launch recipe for tests and gates
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", Path(__file__).resolve().parents[2] / "screenshots"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened in Chromium, with what it logged and requested."""

    def __init__(self, page, server):
        self.page = page
        self.server_host = urlparse(server).netloc
        self.console_errors = []
        self.failed_requests = []
        self.foreign_requests = []
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("requestfailed", lambda request: self.failed_requests.append(request.url))
        page.on("response", lambda response: response.status >= 400 and self.failed_requests.append(response.url))
        page.on("request", self._record_request)

    def _record_request(self, request):
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https") and parsed.netloc != self.server_host:
            self.foreign_requests.append(request.url)


@pytest.fixture
def open_page(browser, server):
    contexts = []

    def _open(path, width=1280, height=900, color_scheme="light"):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page, server)
        page.goto(f"{server}/{path}", wait_until="load")
        return visit

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
