"""Photos in headless Chromium, on the publish build of the photo newsroom
(tests/photo_fixture.py) served with its own _headers (the CSP included)."""

import time
from urllib.parse import urlparse

import pytest

from gates.accessibility import axe_violations
from gates.weight import LEAD_PHOTO_BUDGET, check_weight
from photo_fixture import LEAD_ARTICLE, URDU_ARTICLE

ARTICLE = LEAD_ARTICLE.removesuffix("index.html")
URDU = URDU_ARTICLE.removesuffix("index.html")
INLINE_PHOTOS = ("logo-", "sideways-", "cmyk-", "palette-", "map-")


def wait_until(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class PhotoVisit:
    """A page of the photo site in Chromium, with its requests and console."""

    def __init__(self, browser, site_url, path, width=1280, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.host = urlparse(site_url).netloc
        self.requests, self.console_errors, self.failed = [], [], []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type in ("error", "warning") and self.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("requestfailed", lambda request: self.failed.append(request.url))
        self.page.on("response", lambda response: response.status >= 400 and self.failed.append(response.url))
        self.page.goto(f"{site_url}/{path}", wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def photo_requests(self, *prefixes):
        return [url for url in self.requests if "/media/" in url and url.rsplit("/", 1)[-1].startswith(prefixes)]

    def foreign(self):
        return [url for url in self.requests if urlparse(url).scheme in ("http", "https") and urlparse(url).netloc != self.host]


@pytest.fixture
def visit(browser, photo_sites):
    opened = []

    def _visit(path, **kwargs):
        opened.append(PhotoVisit(browser, photo_sites.url, path, **kwargs))
        return opened[-1]

    yield _visit
    for page in opened:
        page.context.close()


@pytest.mark.parametrize("path", [ARTICLE, URDU, "", "ur/", "section/world/"])
def test_a_4000_px_photo_never_makes_a_320_px_page_scroll_sideways(visit, path):
    page = visit(path, width=320, height=640).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    widest = page.evaluate("Math.max(...Array.from(document.images, image => image.getBoundingClientRect().right))")
    assert widest <= 320


@pytest.mark.parametrize("path", [ARTICLE, URDU])
def test_the_lead_photo_loads_as_webp_and_the_lazy_ones_wait_for_the_reader(visit, path):
    shown = visit(path, width=375, height=800)
    page = shown.page
    lead = page.locator("figure.lead-photo img")
    assert lead.evaluate("image => image.complete && image.naturalWidth > 0")
    assert lead.evaluate("image => image.currentSrc").endswith(".webp")
    assert shown.photo_requests("market-"), "the lead photo was requested with the page"
    assert shown.photo_requests(*INLINE_PHOTOS) == [], "photos far down the story wait until they are near"
    last = page.locator(".story-body figure img").last
    last.scroll_into_view_if_needed()
    assert wait_until(lambda: last.evaluate("image => image.complete && image.naturalWidth > 0"))
    assert shown.photo_requests(*INLINE_PHOTOS), "scrolling down loaded them"
    assert shown.console_errors == [] and shown.failed == [] and shown.foreign() == []


@pytest.mark.parametrize("path", ["", "ur/", "section/world/"])
def test_front_pages_show_their_photos_cleanly(visit, path):
    shown = visit(path, width=1280, height=900)
    page = shown.page
    first = page.locator("picture.story-card-photo img").first
    first.scroll_into_view_if_needed()
    assert wait_until(lambda: first.evaluate("image => image.complete && image.naturalWidth > 0"))
    assert shown.console_errors == [] and shown.failed == [] and shown.foreign() == []


@pytest.mark.parametrize("path", [ARTICLE, URDU])
def test_an_article_with_photos_has_no_accessibility_violations(photo_sites, browser, path):
    for scheme in ("light", "dark"):
        assert axe_violations(browser, f"{photo_sites.url}/{path}", scheme) == [], scheme


def test_an_article_with_a_lead_photo_stays_within_its_weight_budget(photo_sites, browser):
    result = check_weight(browser, photo_sites.root.root, photo_sites.url, [("en", LEAD_ARTICLE.removesuffix("index.html")),
                                                                             ("ur", URDU)])
    assert result.failures == [], result.notes
    assert all("photos " in note and "budget" in note for note in result.notes if note.startswith("/"))
    assert LEAD_PHOTO_BUDGET == 60_000


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path, name", [(ARTICLE, "en-photo-article"), (URDU, "ur-photo-article"),
                                        ("", "en-photo-home"), ("ur/", "ur-photo-home")])
def test_screenshots_of_photo_pages(visit, screenshots_dir, width, path, name):
    page = visit(path, width=width, height=900).page
    page.evaluate("document.fonts.ready")
    # Load every lazy photo for the picture, scrolling as a reader would.
    page.evaluate("""async () => {
      for (let y = 0; y < document.body.scrollHeight; y += 600) { window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); }
      window.scrollTo(0, 0);
    }""")
    assert wait_until(lambda: page.evaluate("Array.from(document.images).every(image => image.complete)"))
    page.screenshot(path=str(screenshots_dir / f"{name}-{width}.png"), full_page=True)
