"""Pages opened in Chromium, and waiting for what they show."""

import contextlib
import time
from datetime import datetime, timezone
from urllib.parse import urlparse

from served import SITEURL, route_site
from sitebuild import REFERENCE_EPOCH

# The browser's clock in the tests: the builds' date (SOURCE_DATE_EPOCH), at
# 17:00 in Karachi, so that the masthead's date (theme/static/js/today.js) is
# the day the reference page shows.
BROWSER_NOW = datetime.fromtimestamp(int(REFERENCE_EPOCH) + 12 * 3600, tz=timezone.utc)


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


def wait_until(page, expression, deadline=30):
    """Poll `expression` in the page until it is truthy (page.wait_for_function
    evaluates a string, which our Content-Security-Policy forbids)."""
    end = time.monotonic() + deadline
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"not true within {deadline} s: {expression}")
        time.sleep(0.1)


@contextlib.contextmanager
def opener(browser, local_url):
    """open(path, width): a page of the publish build at its own address,
    answered by `local_url` (see tests/served.py); every browser context it
    opened is closed on leaving."""
    contexts = []

    def _open(path, width=1280, height=900, color_scheme="light", **options):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme, **options)
        context.clock.set_fixed_time(BROWSER_NOW)
        route_site(context, local_url)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page, SITEURL)
        visit.response = page.goto(f"{SITEURL}/{path}", wait_until="load")
        return visit
    try:
        yield _open
    finally:
        for context in contexts:
            context.close()


