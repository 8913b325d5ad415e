"""Page types of a built site, told apart by URL pattern.

The browser gates (axe, Lighthouse) run on one page of each type in each
edition; a type the site does not have yet (say, no search page) is reported
as absent, and a page that matches no pattern is its own type ("other: ...")
so that a new kind of page is never left unchecked.
"""

import re
from pathlib import Path

# (type, pattern of the path inside an edition), first match wins.
PAGE_TYPES = [
    ("home", r"index\.html"),
    ("404", r"404\.html"),
    ("article", r"\d{4}/\d{2}/\d{2}/[^/]+/index\.html"),
    ("section", r"section/[^/]+/index\.html"),
    ("sections", r"section/index\.html"),
    ("tag", r"tag/[^/]+/index\.html"),
    ("tags", r"tag/index\.html"),
    ("author", r"author/[^/]+/index\.html"),
    ("authors", r"author/index\.html"),
    ("archive", r"archive/index\.html"),
    ("archive-period", r"archive/\d{4}/(?:\d{2}/)?index\.html"),
    ("paper-calendar", r"paper/archive/(?:\d{4}/)?index\.html"),
    ("paper", r"paper/(?:.+/)?index\.html"),
    ("search", r"search/index\.html"),
    ("pagination", r".+/page/\d+/index\.html"),
]
# Folders that hold no readers' page: the CMS (CMS_PATH, plugins/admin_cms.py)
# is checked by the links, vnu and precompressed-copies gates, which read every
# file, but not sampled for the reader-facing gates (axe, Lighthouse, weight...).
NOT_READERS_PAGES = ("admin/",)
# Types every edition must have: their absence fails the gate.
REQUIRED_TYPES = ("home", "article", "section", "tag", "archive", "404")


def page_type(relative):
    for name, pattern in PAGE_TYPES:
        if re.fullmatch(pattern, relative):
            return name
    folder = relative.split("/")[0]
    return f"other: {folder}"


def editions_of(root, edition_paths):
    """{edition folder ("" for the main edition): [page paths relative to it]}."""
    root = Path(root)
    subfolders = [path for path in edition_paths if path]
    editions = {path: [] for path in edition_paths}
    for page in sorted(root.rglob("*.html")):
        relative = page.relative_to(root).as_posix()
        if relative.startswith(NOT_READERS_PAGES):
            continue
        edition = next((path for path in subfolders if relative.startswith(path + "/")), "")
        inner = relative[len(edition) + 1:] if edition else relative
        editions[edition].append(inner)
    return editions


def sample_pages(root, edition_paths):
    """[(edition, type, URL path)], one page per type per edition, and the
    list of (edition, type) required but absent."""
    samples, absent = [], []
    for edition, pages in editions_of(root, edition_paths).items():
        seen = {}
        for relative in pages:
            seen.setdefault(page_type(relative), relative)
        for required in REQUIRED_TYPES:
            if required not in seen:
                absent.append((edition, required))
        for name, relative in seen.items():
            url_path = (f"{edition}/" if edition else "") + relative
            if url_path.endswith("index.html"):
                url_path = url_path[: -len("index.html")]
            samples.append((edition, name, url_path))
    return samples, absent
