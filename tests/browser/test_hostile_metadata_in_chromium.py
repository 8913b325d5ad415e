"""Hostile metadata (tests/hostile.py) runs no script in Chromium, under the real CSP
and, separately, with no CSP at all (so escaping alone is tested)."""

import pytest

from headers_rules import serve_with_headers
from hostile import SLUG, TITLE

PAGES = ["", f"2018/05/02/{SLUG}/", f"ur/2018/05/02/{SLUG}/", "section/world/", "tag/window__pwned1/",
         "tag/", "archive/", "ur/", "2018/05/01/long-headline/"]


@pytest.fixture(scope="module")
def hostile_servers(hostile_site):
    with serve_with_headers(hostile_site.root) as with_csp, \
            serve_with_headers(hostile_site.root, use_headers_file=False) as without_csp:
        yield {"csp": with_csp, "no-csp": without_csp}


@pytest.mark.parametrize("server_kind", ["no-csp", "csp"])
def test_no_script_runs_and_no_dialog_opens(browser, hostile_servers, server_kind):
    context = browser.new_context()
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        for path in PAGES:
            response = page.goto(f"{hostile_servers[server_kind]}/{path}", wait_until="load")
            assert response.status == 200, path
            page.wait_for_timeout(50)
            assert page.evaluate("typeof window.__pwned") == "undefined", path
            # No script but the theme's own (the masthead's date, search).
            assert page.evaluate("document.querySelectorAll('script:not([type=\"application/ld+json\"]):not([src^=\"/theme/js/\"])').length") == 0, path
            assert page.evaluate("document.querySelectorAll('img, plaintext, textarea').length") == 0, path
            if path == f"2018/05/02/{SLUG}/":
                assert page.title() == f"{TITLE} — The Lantern Gazette"
                assert "<script>window.__pwned=1</script>" in page.inner_text("h1")
                assert page.locator("footer.site-footer").count() == 1, "the page after the title parsed"
        assert dialogs == [] and errors == []
    finally:
        context.close()


def test_long_unbroken_metadata_does_not_widen_a_phone_screen(browser, hostile_servers):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        for path in PAGES:
            page.goto(f"{hostile_servers['csp']}/{path}", wait_until="load")
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    finally:
        context.close()
