"""Feeds, the sitemap and robots.txt: well-formed, absolute URLs that resolve.

Every `.xml`/`.atom`/`.rss` file of the tree must parse as XML.  In the
sitemap every `<loc>` and hreflang alternate, in Atom and RSS feeds every link
and the feed's self link, and robots.txt's `Sitemap:` line must be absolute
URLs under the deployed `site_url` that map to a file of the tree.

The sitemap protocol's limits: a sitemap file holds at most 50,000 URLs and
50 MB; a sitemap index lists sitemap files (not pages), and every sitemap
file of the tree other than ``sitemap.xml`` itself must be listed by an
index (a part nobody lists is never read by a search engine).
"""

from xml.etree import ElementTree as ET

from . import GateResult
from .links import SiteTree

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
FEED_SUFFIXES = {".xml", ".atom", ".rss"}
SITEMAP_MAX_URLS = 50_000
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


def urls_in(document):
    """(what, url) of every URL a crawler or feed reader follows."""
    root = document.getroot()
    if root.tag == f"{SITEMAP}urlset":
        for url in root.iter(f"{SITEMAP}url"):
            yield "loc", url.findtext(f"{SITEMAP}loc", "").strip()
            for link in url.iter(f"{XHTML}link"):
                yield f"alternate {link.get('hreflang')}", link.get("href", "")
    elif root.tag == f"{SITEMAP}sitemapindex":
        for loc in root.iter(f"{SITEMAP}loc"):
            yield "sitemap", (loc.text or "").strip()
    elif root.tag == f"{ATOM}feed":
        for link in root.iter(f"{ATOM}link"):
            yield f"link rel={link.get('rel', 'alternate')}", link.get("href", "")
    elif root.tag == "rss":
        for link in root.iter("link"):
            yield "link", (link.text or "").strip()


def check_feeds(root, site_url, name="feeds+sitemap"):
    tree = SiteTree(root, site_url)
    result = GateResult(name)
    urls = 0
    documents = sorted(path for path in tree.root.rglob("*") if path.suffix in FEED_SUFFIXES)
    if not any(path.name == "sitemap.xml" for path in documents):
        result.failures.append("no sitemap.xml")

    def check_url(path, what, url):
        nonlocal urls
        urls += 1
        where = path.relative_to(tree.root).as_posix()
        if not url.startswith(("http://", "https://")):
            result.failures.append(f"{where}: {what} is not an absolute URL: {url!r}")
        elif not url.startswith(tree.site_url.rstrip("/")):
            result.failures.append(f"{where}: {what} is not under {tree.site_url}: {url}")
        elif tree.file_for(url) is None:
            result.failures.append(f"{where}: {what} leads to no file: {url}")

    sitemap_files, listed = {}, {}  # urlset files -> where; index entries -> (index, url)
    for path in documents:
        result.checked += 1
        where = path.relative_to(tree.root).as_posix()
        try:
            document = ET.parse(path)
        except ET.ParseError as error:
            result.failures.append(f"{where}: not well-formed XML: {error}")
            continue
        root_tag = document.getroot().tag
        if root_tag == f"{SITEMAP}urlset":
            sitemap_files[path.resolve()] = where
            count = sum(1 for _ in document.getroot().iter(f"{SITEMAP}url"))
            if count > SITEMAP_MAX_URLS:
                result.failures.append(f"{where}: {count:,} URLs, more than a sitemap may hold ({SITEMAP_MAX_URLS:,})")
            if path.stat().st_size > SITEMAP_MAX_BYTES:
                result.failures.append(f"{where}: {path.stat().st_size:,} bytes, more than a sitemap may hold (50 MB)")
        for what, url in urls_in(document):
            check_url(path, what, url)
            if root_tag == f"{SITEMAP}sitemapindex" and (target := tree.file_for(url)) is not None:
                listed[target.resolve()] = (where, url)
    for target, (where, url) in sorted(listed.items()):
        if target not in sitemap_files:
            result.failures.append(f"{where}: sitemap {url} is not a sitemap (<urlset>)")
    for path, where in sorted(sitemap_files.items()):
        if path.name != "sitemap.xml" and path not in listed:
            result.failures.append(f"{where}: a sitemap that no sitemap index lists")
    for robots in sorted(tree.root.rglob("robots.txt")):
        result.checked += 1
        for line in robots.read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("sitemap:"):
                check_url(robots, "Sitemap", line.split(":", 1)[1].strip())
    result.notes.append(f"{urls} URLs")
    return result
