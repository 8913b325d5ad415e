"""Fingerprinted names for the stylesheet, the theme's scripts and the Urdu font.

``theme/css/site.css`` becomes ``theme/css/site.<hash>.css`` and
``theme/fonts/noto-nastaliq-urdu.woff2`` becomes
``theme/fonts/noto-nastaliq-urdu.<hash>.woff2`` (``<hash>``: the first 12 hex
digits of the file's SHA-256), so hosts can cache them for a year as
immutable while pages revalidate (deploy/_headers, deploy/nginx.conf).

Why after the pages are written, and why it edits them: the font is subset
from the text of the rendered Urdu pages (plugins/urdu_font.py), the
stylesheet names the font, and every page names the stylesheet, so neither
name can be known while templates render.  The ``fingerprint`` step of
``pipeline`` (after ``urdu_font`` and ``minify``, before
``compressed_copies``), inside the build's output folder:

1. renames the font to its hashed name;
2. rewrites ``url("../fonts/<font>")`` in the stylesheet to the hashed name,
   then renames the stylesheet to its own hash;
3. in every ``.html`` file, replaces the exact attribute value
   ``href="{THEME_URL}/{STYLESHEET}"`` that base.html writes (quoted or, once
   minified, unquoted) with the hashed URL.
   Scripts in ``theme/js/`` are renamed the same way and their exact
   ``src="{THEME_URL}/js/<name>"`` attributes replaced, and so is the
   font's ``href`` in the Urdu pages' ``<link rel="preload">``.
   Nothing else in a page is touched; the build fails if a page that
   links the stylesheet is missed or the font reference is not found.
   The pages are shared among one process per CPU (plugins/processes.py).

The hashes depend only on the files' bytes, so reproducible builds stay
byte-identical.

``make serve``, which renders pages again in place, has no ``fingerprint``
step.

Settings read: ``THEME_STATIC_DIR``, ``CSS_FILE``, ``URDU_FONT_FILE``, and ``THEME_URL`` and
``STYLESHEET`` (set by ``editions``).
"""

import hashlib
import re
from pathlib import Path

import unchanged_pages
from processes import chunks, files_under, map_on_every_core

PAGES_PER_TASK = 64  # pages are shared among the processes in tasks of this many

HASH_LENGTH = 12


class FingerprintError(RuntimeError):
    pass


def fingerprinted(path):
    """Rename ``path`` to ``<stem>.<hash><suffix>``; returns the new path."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
    target = path.with_name(f"{path.stem}.{digest}{path.suffix}")
    path.replace(target)
    return target


def fingerprint_assets(output, settings):
    """The pipeline's ``fingerprint`` step (the editions share the main site's theme folder)."""
    output = Path(output)
    theme = output / settings["THEME_STATIC_DIR"]
    stylesheet = theme / "css" / settings["CSS_FILE"]
    css = stylesheet.read_text(encoding="utf-8")

    theme_url = settings["THEME_URL"]
    renames = {}
    font = theme / "fonts" / settings.get("URDU_FONT_FILE", "")
    if settings.get("URDU_FONT_FILE") and font.is_file():
        reference = f"../fonts/{font.name}"
        if reference not in css:
            raise FingerprintError(f"{stylesheet} does not load {reference}")
        hashed = fingerprinted(font).name
        css = css.replace(reference, f"../fonts/{hashed}")
        stylesheet.write_text(css, encoding="utf-8")
        renames[f"{theme_url}/fonts/{font.name}"] = f"{theme_url}/fonts/{hashed}"  # the Urdu pages' preload

    renames[f"{theme_url}/{settings['STYLESHEET']}"] = f"{theme_url}/css/{fingerprinted(stylesheet).name}"
    for script in sorted((theme / "js").glob("*.js")):
        renames[f"{theme_url}/js/{script.name}"] = f"{theme_url}/js/{fingerprinted(script).name}"
    finished = unchanged_pages.unchanged(output)  # the live site's, relinked to the same names
    pages = [page for page in files_under(output, [".html"]) if page not in finished]
    stylesheet_url = f"{theme_url}/{settings['STYLESHEET']}"
    map_on_every_core(relink_pages, [(share, renames, stylesheet_url) for share in chunks(pages, PAGES_PER_TASK)])


def relink_pages(task):
    """Each page of the task with the hashed names in place of ``renames``' keys."""
    pages, renames, stylesheet_url = task
    # The attribute value exactly, quoted or (after minification) not.
    attribute = re.compile(
        r"""(?P<name>\b(?:href|src)=)(?P<quote>["']?)(?P<url>%s)(?P=quote)(?=[\s>"'/])"""
        % "|".join(re.escape(url) for url in renames)
    )
    stylesheet_link = re.compile(r"""rel=["']?stylesheet\b""")
    for page in pages:
        html = page.read_text(encoding="utf-8")
        changed, count = attribute.subn(
            lambda match: match["name"] + match["quote"] + renames[match["url"]] + match["quote"], html)
        if stylesheet_link.search(html) and renames[stylesheet_url] not in changed:
            raise FingerprintError(f"{page} links a stylesheet other than {stylesheet_url}")
        if count:
            page.write_text(changed, encoding="utf-8")
