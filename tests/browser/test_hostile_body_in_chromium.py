"""The hostile body (tests/hostile.py), as published, runs nothing and reaches no other host in Chromium.

The publish build is served twice: with the headers of its own _headers file
(our Content-Security-Policy) and with no extra header at all, as GitHub
Pages would serve it, so that the sanitized HTML alone is tested.  The
attacks point at `attacker`, a server on another port that records every
request; a sanitizer that let one through would make Chromium ask it.
"""

import pytest

from headers_rules import serve_with_headers
from hostile import BODY_SLUG, MARKER

BODY_PAGE = f"2018/05/02/{BODY_SLUG}/"
# Pages that show the story or its summary.
PAGES = [BODY_PAGE, "", "section/world/", "archive/"]  # the feed: tests/test_hostile_body.py


@pytest.fixture(scope="module")
def servers(hostile_site):
    with serve_with_headers(hostile_site.root) as with_headers, \
            serve_with_headers(hostile_site.root, use_headers_file=False) as without_headers:
        yield {"our headers": with_headers, "no headers": without_headers}


@pytest.mark.parametrize("served_with", ["no headers", "our headers"])
def test_nothing_runs_and_no_other_host_is_asked(browser, servers, attacker, served_with, screenshots_dir):
    base = servers[served_with]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs, console, foreign = [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.on("response", lambda response: response.status >= 400 and console.append(f"{response.status} {response.url}"))
    page.on("request", lambda request: request.url.startswith(base) or request.url.startswith("data:")
            or foreign.append(request.url))
    before = len(attacker.requests)
    try:
        for path in PAGES:
            response = page.goto(f"{base}/{path}", wait_until="load")
            assert response.status == 200, path
            page.wait_for_load_state("networkidle")
            assert page.evaluate("typeof window.__pwned") == "undefined", path
            if path == BODY_PAGE:
                # Focus and click what an attack could hang a handler on.
                page.keyboard.press("Tab")
                for selector in (".story-body p", ".story-body img", ".story-body summary"):
                    page.locator(selector).first.click(timeout=2000)
                page.wait_for_timeout(100)
                assert page.evaluate("typeof window.__pwned") == "undefined"
                assert page.locator(".story-body table").count() == 1
                assert page.locator(".story-body figure img").evaluate("img => img.complete && img.naturalWidth > 0")
                page.screenshot(path=str(screenshots_dir / f"hostile-body-{served_with.replace(' ', '-')}.png"),
                                full_page=True)
        assert dialogs == []
        assert not any(MARKER in line for line in console), console
        assert console == [], console
        assert foreign == []
        assert attacker.requests[before:] == []
    finally:
        context.close()
