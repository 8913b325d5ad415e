"""Weight: what a reader downloads for an article page, measured in Chromium
over every request (cache disabled, served with the precompressed copies):

* the page's HTML plus CSS, gzipped, fits in the first round trip (≤ 14 KB);
* all bytes transferred (and decoded) stay under the edition's budget
  (English 30 KB; Urdu 130 KB, its web font included);
* an article with a lead photo may add `LEAD_PHOTO_BUDGET` (60 KB) for the
  images loaded with the page: the lead photo as this 375 px wide, 1x phone
  screen picks it from its `srcset` (the 400 px WebP; a 1600 px photo
  of a busy scene is 20-40 KB there), and no more than that;
* no request goes to another host;
* every image has width and height, and loading=lazy unless it is the
  page's one lead photo (fetchpriority=high, loaded at once).

1 KB = 1000 bytes here."""

import gzip
from urllib.parse import quote, urlsplit

from . import GateResult
from .links import SiteTree

KB = 1000
HTML_CSS_GZIP_BUDGET = 14 * KB
PAGE_BUDGETS = {"en": 30 * KB, "ur": 130 * KB}
DEFAULT_PAGE_BUDGET = 30 * KB
LEAD_PHOTO_BUDGET = 60 * KB

# Images without width/height, or eager without being the one lead photo.
IMAGES_WITHOUT_SIZE = """() => {
  const leads = Array.from(document.images).filter(image => image.getAttribute('fetchpriority') === 'high');
  return Array.from(document.images)
    .filter(image => !image.getAttribute('width') || !image.getAttribute('height')
      || (image.getAttribute('loading') !== 'lazy' && (leads.length > 1 || image !== leads[0])))
    .map(image => image.getAttribute('src'));
}"""
HAS_LEAD_PHOTO = "() => document.querySelector('.lead-photo img[fetchpriority=high]') !== null"


def measure(browser, url):
    """[{url, type, transferred, decoded}] of every request the page made, and
    the sources of images without width/height/loading=lazy."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        requests = {}
        cdp.on("Network.requestWillBeSent", lambda event: requests.setdefault(
            event["requestId"], {"url": event["request"]["url"], "type": event.get("type", ""), "transferred": 0, "decoded": 0}))
        cdp.on("Network.dataReceived", lambda event: event["requestId"] in requests and requests[event["requestId"]].update(
            decoded=requests[event["requestId"]]["decoded"] + event["dataLength"]))
        cdp.on("Network.loadingFinished", lambda event: event["requestId"] in requests and requests[event["requestId"]].update(
            transferred=event["encodedDataLength"]))
        page.goto(url, wait_until="networkidle")
        page.evaluate("document.fonts.ready")
        page.wait_for_load_state("networkidle")
        images = page.evaluate(IMAGES_WITHOUT_SIZE)
        return list(requests.values()), images, page.evaluate(HAS_LEAD_PHOTO)
    finally:
        context.close()


def gzip_size(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def check_weight(browser, root, site_url, pages, name="weight"):
    """`pages`: [(lang, URL path)] of the pages to weigh."""
    result = GateResult(name)
    tree = SiteTree(root, site_url)
    host = urlsplit(site_url).netloc
    for lang, url_path in pages:
        result.checked += 1
        requests, images, has_lead_photo = measure(browser, f"{site_url}/{quote(url_path)}")
        transferred = sum(request["transferred"] for request in requests)
        decoded = sum(request["decoded"] for request in requests)
        photo_bytes = sum(request["transferred"] for request in requests if request["type"] == "Image")
        html_css = 0
        for request in requests:
            if request["type"] in ("Document", "Stylesheet") and urlsplit(request["url"]).netloc == host:
                path = tree.file_for(request["url"])
                html_css += gzip_size(path) if path else 0
        budget = PAGE_BUDGETS.get(lang, DEFAULT_PAGE_BUDGET) + (LEAD_PHOTO_BUDGET if has_lead_photo else 0)
        where = f"/{url_path}"
        photo_budget = LEAD_PHOTO_BUDGET if has_lead_photo else 0
        if photo_bytes > photo_budget:
            result.failures.append(f"{where}: images loaded with the page are {photo_bytes} bytes > {photo_budget}"
                                   + ("" if has_lead_photo else " (no lead photo: lazy images only)"))
        if html_css > HTML_CSS_GZIP_BUDGET:
            result.failures.append(f"{where}: HTML + CSS gzipped is {html_css} bytes > {HTML_CSS_GZIP_BUDGET}")
        if transferred > budget:
            result.failures.append(f"{where}: {transferred} bytes transferred > {budget}")
        if decoded > budget:
            result.failures.append(f"{where}: {decoded} bytes decoded > {budget}")
        for request in requests:
            split = urlsplit(request["url"])
            if split.scheme in ("http", "https", "ws", "wss") and split.netloc != host:
                result.failures.append(f"{where}: request to another host: {request['url']}")
        result.failures.extend(f"{where}: image without width and height, or not lazy though not the lead photo: {src}"
                               for src in images)
        result.notes.append(
            f"{where}: {len(requests)} requests, {transferred} B transferred, {decoded} B decoded "
            f"(budget {budget}), HTML+CSS gzip {html_css} B" + (f", photos {photo_bytes} B" if photo_bytes else "")
        )
        for request in requests:
            result.notes.append(f"    {request['url'].removeprefix(site_url)}: "
                                f"{request['transferred']} B transferred, {request['decoded']} B decoded")
    return result
