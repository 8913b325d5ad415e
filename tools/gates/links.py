"""Every internal link, #fragment and asset of a built site resolves.

Reads every HTML page (links, stylesheets, icons, images, scripts, srcset,
inline `style` url()) and every stylesheet (url(), @import) of the tree,
resolves each reference against the page's public URL (`site_url` + path) and
maps URLs under `site_url` back to files:

* a link under `site_url` must reach a file (a folder URL its `index.html`),
  and its #fragment an element with that id in the target page;
* a URL on the site's host but outside `site_url`'s path is broken once the
  site is deployed under a sub-path;
* an asset (stylesheet, icon, image, script, font...) must come from the
  site itself: no request to another host.  Links (`<a href>`) to other
  sites are not followed (no network here);
* URLs for other sites' crawlers (OpenGraph/Twitter `<meta>`, JSON-LD) must
  be absolute, and resolve when they are on the site's host (JSON-LD `@id`
  fragments name nodes, not elements, so fragments are not followed there).
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from . import GateResult

SKIPPED_SCHEMES = {"mailto", "tel", "data", "javascript", "about", "blob"}
ASSET_LINK_RELS = {"stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload", "manifest", "mask-icon"}
META_URL_PROPERTIES = {"og:url", "og:image", "og:image:url", "og:image:secure_url", "og:audio", "og:video",
                      "twitter:image", "twitter:url"}
JSON_LD_URL_KEYS = {"url", "image", "logo", "contentUrl", "thumbnailUrl", "mainEntityOfPage", "@id"}
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")


def css_references(text):
    for match in CSS_URL.finditer(text):
        yield next(group for group in match.groups() if group is not None)


class PageReader(HTMLParser):
    """Ids of a page and (kind, url) of what it references; kind is 'link' or 'asset'."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.references = []
        self.base_href = None
        self._in_style = False
        self._json_ld = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        if tag == "base" and attrs.get("href"):
            self.base_href = attrs["href"]
        if tag in ("a", "area") and "href" in attrs:
            self.references.append(("link", attrs["href"]))
        elif tag == "link" and "href" in attrs:
            rels = set(attrs.get("rel", "").lower().split())
            self.references.append(("asset" if rels & ASSET_LINK_RELS else "link", attrs["href"]))
        for name in ("src", "poster", "data"):
            if name in attrs and tag in ("img", "script", "source", "iframe", "video", "audio", "track", "embed", "input", "object"):
                self.references.append(("asset", attrs[name]))
        if "srcset" in attrs:
            for candidate in attrs["srcset"].split(","):
                if candidate.strip():
                    self.references.append(("asset", candidate.split()[0]))
        if "style" in attrs:
            self.references.extend(("asset", url) for url in css_references(attrs["style"]))
        if tag == "meta" and (attrs.get("property") or attrs.get("name", "")).lower() in META_URL_PROPERTIES:
            self.references.append(("absolute", attrs.get("content", "")))
        if tag == "style":
            self._in_style = True
        if tag == "script" and attrs.get("type", "").lower() == "application/ld+json":
            self._json_ld = []

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        if tag == "script" and self._json_ld is not None:
            try:
                self.references.extend(("structured", url) for url in json_ld_urls(json.loads("".join(self._json_ld))))
            except json.JSONDecodeError as error:
                self.references.append(("invalid", f"JSON-LD is not JSON: {error}"))
            self._json_ld = None

    def handle_data(self, data):
        if self._in_style:
            self.references.extend(("asset", url) for url in css_references(data))
        if self._json_ld is not None:
            self._json_ld.append(data)


def json_ld_urls(node):
    """URL-valued strings of a JSON-LD document."""
    if isinstance(node, list):
        for item in node:
            yield from json_ld_urls(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in JSON_LD_URL_KEYS and isinstance(value, str):
                yield value
            else:
                yield from json_ld_urls(value)


class SiteTree:
    """A built folder and the public URL it is deployed at."""

    def __init__(self, root, site_url):
        self.root = Path(root)
        split = urlsplit(site_url.rstrip("/") + "/")
        self.scheme, self.host, self.base_path = split.scheme, split.netloc, split.path
        self.site_url = f"{self.scheme}://{self.host}{self.base_path}"
        self._ids = {}

    def url_of(self, path):
        relative = path.relative_to(self.root).as_posix()
        if relative == "index.html":
            relative = ""
        elif relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        return self.site_url + relative

    def file_for(self, url):
        """The file a URL of this site is served from; None when there is none."""
        path = unquote(urlsplit(url).path)
        relative = path[len(self.base_path):]
        target = self.root / relative
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def ids_of(self, path):
        if path not in self._ids:
            reader = PageReader()
            reader.feed(path.read_text(encoding="utf-8"))
            self._ids[path] = reader.ids
        return self._ids[path]

    def check_reference(self, source_url, kind, reference, source_path):
        """A problem with one reference, or None."""
        if kind == "invalid":
            return reference
        reference = reference.strip()
        if kind in ("absolute", "structured"):
            if not urlsplit(reference).scheme:
                return f"not an absolute URL (crawlers need one): {reference!r}"
            if kind == "structured":
                reference = urldefrag(reference)[0]
            kind = "link"
        if not reference or reference == "#":
            return None
        absolute = urljoin(source_url, reference)
        split = urlsplit(absolute)
        if split.scheme in SKIPPED_SCHEMES:
            return None
        if split.scheme not in ("http", "https", ""):
            return f"unknown URL scheme: {reference}"
        if split.netloc != self.host or split.scheme != self.scheme:
            return f"asset from another host: {reference}" if kind == "asset" else None
        if not split.path.startswith(self.base_path):
            return f"outside the site's path {self.base_path}: {reference}"
        url, fragment = urldefrag(absolute)
        target = source_path if url == urldefrag(source_url)[0] else self.file_for(url)
        if target is None:
            return f"broken {kind}: {reference}"
        if fragment and target.suffix == ".html" and unquote(fragment) not in self.ids_of(target):
            return f"no element with id {unquote(fragment)!r} in {target.relative_to(self.root).as_posix()}: {reference}"
        return None


def html_files(root):
    return sorted(Path(root).rglob("*.html"))


def check_links(root, site_url, name="links"):
    """Gate: internal links, fragments and assets of every page and stylesheet."""
    tree = SiteTree(root, site_url)
    result = GateResult(name)
    checked_references = 0
    for path in html_files(tree.root):
        reader = PageReader()
        reader.feed(path.read_text(encoding="utf-8"))
        tree._ids[path] = reader.ids
        page_url = tree.url_of(path)
        base = urljoin(page_url, reader.base_href) if reader.base_href else page_url
        result.checked += 1
        for kind, reference in reader.references:
            checked_references += 1
            problem = tree.check_reference(base, kind, reference, path)
            if problem:
                result.failures.append(f"{path.relative_to(tree.root).as_posix()}: {problem}")
    for path in sorted(tree.root.rglob("*.css")):
        result.checked += 1
        for reference in css_references(path.read_text(encoding="utf-8")):
            checked_references += 1
            problem = tree.check_reference(tree.url_of(path), "asset", reference, path)
            if problem:
                result.failures.append(f"{path.relative_to(tree.root).as_posix()}: {problem}")
    result.notes.append(f"{checked_references} references resolved against {tree.site_url}")
    return result
