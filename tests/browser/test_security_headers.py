"""Every page works under the Content-Security-Policy of deploy/_headers.

The built site is served with the headers its own output/_headers file gives
each path (parsed, not copied into the test), and Chromium must report no
policy violation while the stylesheet and the Urdu font still load.
"""

import pytest

from headers_rules import serve_with_headers

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
"""


@pytest.fixture(scope="module")
def headers_server(site):
    with serve_with_headers(site.root) as url:
        yield url


def test_every_page_loads_without_policy_violations(browser, headers_server, site):
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    pages = [path.removesuffix("index.html") for path in site.pages()]
    assert len(pages) > 20
    try:
        for path in pages:
            response = page.goto(f"{headers_server}/{path}", wait_until="load")
            assert response.status == 200, path
            policy = response.headers["content-security-policy"]
            assert "default-src 'self'" in policy and "unsafe-inline" not in policy
            assert response.headers["cache-control"] == "no-cache", path
            page.evaluate("document.fonts.ready")
            assert page.evaluate("window.__violations") == [], path
            assert page.evaluate("document.styleSheets.length === 1 && document.styleSheets[0].cssRules.length > 20"), \
                f"{path}: the stylesheet did not load"
            if path.startswith("ur/"):
                faces = page.evaluate("[...document.fonts].map((face) => [face.family, face.status])")
                assert ['"Noto Nastaliq Urdu"', "loaded"] in faces or ["Noto Nastaliq Urdu", "loaded"] in faces, path
        assert console == []
    finally:
        context.close()


def test_theme_files_are_served_as_immutable(browser, headers_server):
    context = browser.new_context()
    page = context.new_page()
    assets = {}
    page.on("response", lambda response: "/theme/" in response.url and assets.update(
        {response.url: response.headers.get("cache-control")}))
    try:
        page.goto(f"{headers_server}/ur/", wait_until="load")
        page.evaluate("document.fonts.ready")
    finally:
        context.close()
    assert sorted(url.rsplit(".", 1)[-1] for url in assets) == ["css", "js", "woff2"]
    assert set(assets.values()) == {"public, max-age=31536000, immutable"}
