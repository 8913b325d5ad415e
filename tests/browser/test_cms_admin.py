"""The deployed /admin/ (publish build, served with its own _headers): Decap
starts under /admin/'s Content-Security-Policy and offers the GitHub login,
with no policy violation, no console error and no request to another host.
(Logging in needs GitHub: the editing itself is tested with the local
backend, test_cms_editing.py.)"""

import json
from urllib.parse import urlsplit

from gates.server import SiteServer

RECORD = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
"""
SITE_HOST = "lantern-gazette.example"  # the published fixture's SITEURL: the site itself


def test_the_deployed_cms_starts_under_its_policy(browser, published):
    config = json.loads(published.text("admin/config.json"))
    config["backend"]["repo"] = "example/lantern-gazette"  # CMS_GITHUB_REPO of a real deployment
    with SiteServer() as server:
        server.serve(published.root)
        context = browser.new_context()
        context.add_init_script(RECORD)
        page = context.new_page()
        problems, foreign = [], []
        page.on("console", lambda message: message.type == "error" and problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        host = urlsplit(server.url).netloc
        context.on("request", lambda request: urlsplit(request.url).netloc not in (host, SITE_HOST, "")
                   and foreign.append(request.url))
        page.route("**/admin/config.json", lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(config)))
        page.route(f"https://{SITE_HOST}/**", lambda route: route.abort())
        try:
            response = page.goto(f"{server.url}/admin/", wait_until="load")
            assert "unsafe-eval" in response.headers["content-security-policy"]
            assert response.headers["x-robots-tag"] == "noindex, nofollow"
            page.get_by_role("button", name="Login with GitHub").wait_for(timeout=120_000)
            assert page.evaluate("window.__violations") == []
        finally:
            context.close()
    assert problems == [] and foreign == []
