"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright."""

import os
from pathlib import Path

import pytest

from gates.browser import CHROMIUM, CHROMIUM_ARGS  # one launch recipe for tests and gates
from gates.server import SiteServer
from visits import BROWSER_NOW, Visit, opener

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


@pytest.fixture
def open_page(browser, server):
    contexts = []

    def _open(path, width=1280, height=900, color_scheme="light"):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme)
        context.clock.set_fixed_time(BROWSER_NOW)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page, server)
        page.goto(f"{server}/{path}", wait_until="load")
        return visit

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def published_host(published):
    """The publish build served with its own _headers rules (Netlify, Cloudflare Pages)."""
    with SiteServer() as server:
        server.serve(published.root)
        yield server.url


@pytest.fixture(scope="session")
def scale_host(scale_site):
    """The 300-story publish build served with its own _headers rules."""
    with SiteServer() as server:
        server.serve(scale_site.root)
        yield server.url


@pytest.fixture
def open_published(browser, published_host):
    with opener(browser, published_host) as open_page:
        yield open_page


@pytest.fixture
def open_scale(browser, scale_host):
    with opener(browser, scale_host) as open_page:
        yield open_page


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
