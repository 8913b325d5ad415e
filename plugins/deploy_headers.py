"""The ``_headers`` file of Netlify and Cloudflare Pages, written into the output.

The ``headers`` step of ``pipeline`` copies ``DEPLOY_HEADERS``
(``deploy/_headers``: security headers for every path, a year of immutable
caching for the fingerprinted ``/theme/*`` files and the content-named photos
in ``/media/*``) to ``<OUTPUT_PATH>/_headers`` and appends
``Cache-Control: no-cache`` (revalidate on every visit) and
``Cross-Origin-Resource-Policy: cross-origin`` (other sites, such as feed
readers, may show our pages' images) for every other top-level file and
folder of the built site.

Why the page rules are generated: both hosts apply every rule that matches a
path and join repeated headers with commas, so a ``Cache-Control`` under
``/*`` would be added to the theme's one; the page rules must not overlap
``/theme/*``, and the site's top-level folders (one per year, one per
edition...) are only known once it is built.  deploy/nginx.conf says the same
with two ``location`` blocks.

A folder may have its own rule for a header that ``/*`` sets (``/admin/*``
has its own Content-Security-Policy: the CMS needs more than the pages).  As
nginx's more specific ``location``, the folder's rule wins: the header is
taken out of ``/*`` and written for every other top-level file and folder
(``/theme/*`` and ``/media/*`` included), so that no path gets both values.
(A path that matches no top-level entry, a 404, then goes without that
header.)

Settings read: ``DEPLOY_HEADERS``, ``THEME_STATIC_DIR``, ``PHOTO_OUTPUT_DIR``.
"""

import re
from pathlib import Path

PAGE_CACHE_CONTROL = "no-cache"
# Pages, feeds and photos may be shown by other sites (feed readers); the
# theme's files may not (deploy/_headers sends "same-origin" for /theme/*).
PAGE_RESOURCE_POLICY = "cross-origin"


def page_rules(output, immutable_folders):
    rules = ["/", "/index.html"] if (output / "index.html").exists() else []
    for entry in sorted(output.iterdir(), key=lambda path: path.name):
        if entry.name in (*immutable_folders, "_headers", "index.html") or entry.name.startswith("."):
            continue
        rules.append(f"/{entry.name}/*" if entry.is_dir() else f"/{entry.name}")
    return rules


FOLDER_RULE = re.compile(r"^/([^/*]+)/\*$")


def rules_of(lines):
    """[(path pattern, {header name: line index})] of a _headers file's lines."""
    rules = []
    for index, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
        elif rules and ":" in line:
            rules[-1][1][line.split(":", 1)[0].strip().lower()] = index
    return rules


def folder_overrides(lines):
    """{line index of a /* header that a folder rule also sets: (the header
    line, {folders with their own})}."""
    rules = rules_of(lines)
    overrides = {}
    for pattern, headers in rules:
        if pattern != "/*":
            continue
        for name, index in headers.items():
            folders = {FOLDER_RULE.match(other)[1] for other, other_headers in rules
                       if FOLDER_RULE.match(other) and name in other_headers}
            if folders:
                overrides[index] = (lines[index].strip(), folders)
    return overrides


def write_headers(output, settings):
    """The pipeline's ``headers`` step."""
    source = Path(settings.get("DEPLOY_HEADERS", "deploy/_headers"))
    output = Path(output)
    immutable = (settings["THEME_STATIC_DIR"], settings.get("PHOTO_OUTPUT_DIR", "media"))
    source_lines = source.read_text(encoding="utf-8").rstrip("\n").split("\n")
    overrides = folder_overrides(source_lines)
    lines = [line for index, line in enumerate(source_lines) if index not in overrides]
    lines += ["", "# Pages, feeds and other files without a fingerprint: revalidate on every visit.",
              "# (Written by plugins/deploy_headers.py from the top level of the built site.)"]
    if overrides:
        lines += ["# Also /*'s headers that a folder's own rule replaces there: "
                  + ", ".join(f"{header.split(':', 1)[0]} (not in /{'/, /'.join(sorted(folders))}/)"
                              for header, folders in overrides.values()) + "."]

    def relocated(rule):
        folder = FOLDER_RULE.match(rule)
        return [f"  {header}" for header, folders in overrides.values()
                if not (folder and folder[1] in folders)]

    for rule in page_rules(output, immutable):
        lines += [rule, f"  Cache-Control: {PAGE_CACHE_CONTROL}",
                  f"  Cross-Origin-Resource-Policy: {PAGE_RESOURCE_POLICY}", *relocated(rule)]
    for folder in immutable:
        if relocated(f"/{folder}/*"):
            lines += [f"/{folder}/*", *relocated(f"/{folder}/*")]
    (output / "_headers").write_text("\n".join(lines) + "\n", encoding="utf-8")
