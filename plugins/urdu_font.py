"""Self-hosted Noto Nastaliq Urdu, subset to what the Urdu edition prints.

When the whole build has been written (the ``finalized`` signal of the main
site, which comes after every subsite), this plugin collects every character
of visible text in the Urdu edition's HTML (``output/ur/``), adds the space,
the Urdu digits and the Arabic-script punctuation, and writes a WOFF2 subset of
the source font to ``<THEME_STATIC_DIR>/fonts/<URDU_FONT_FILE>``.  The
stylesheet's ``@font-face`` loads it for ``:lang(ur)`` text only, with
``font-display: swap``; English pages never download it.

Subsets are cached in ``CACHE_PATH/fonts/`` by source font and character set;
they keep the source font's timestamp, so they do not depend on the build time.
The subset is made in a second process that starts when the Urdu subsite
has been written, while the main edition renders.  Pages' characters are
remembered by path, mtime and size, so ``make serve`` reads again only the
pages it rewrote.

Settings read: ``URDU_FONT_SOURCE`` (the OFL source TTF, in ``THEME``),
``URDU_FONT_FILE`` (output file name), ``EDITIONS``, ``OUTPUT_PATH``,
``THEME``, ``THEME_STATIC_DIR``, ``CACHE_PATH``.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from pelican import signals

from editions import is_main_site

ALWAYS_INCLUDED = (
    " \u00a0"  # space, no-break space (typogrify's widont)
    "۰۱۲۳۴۵۶۷۸۹"  # Urdu digits
    "،؛؟۔٪٫٬"  # Arabic-script punctuation
    "\u200c\u200d\u200e\u200f"  # joiners and direction marks
    "‘’“”…"
)
SKIPPED_ELEMENTS = {"script", "style", "title", "head"}


class TextCollector(HTMLParser):
    """Characters of the text a reader sees (not the head, scripts or styles)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.characters = set()
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.characters.update(data)


# (path, mtime_ns, size) -> characters of that page: `make serve` re-reads
# only the pages it rewrote.
_PAGE_CHARACTERS = {}


def characters_of(html_files):
    collector = TextCollector()
    found = set()
    for path in html_files:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        characters = _PAGE_CHARACTERS.get(key)
        if characters is None:
            collector.characters = set()
            collector.feed(path.read_text(encoding="utf-8"))
            collector.close()
            collector.reset()
            characters = _PAGE_CHARACTERS[key] = frozenset(collector.characters)
        found |= characters
    return found


def write_subset(source, destination, characters):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # Nastaliq needs all of its shaping rules
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    # The source's own head.modified, not the time of the build: the same text
    # gives the same bytes, with or without SOURCE_DATE_EPOCH.
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(char) for char in characters})
    subsetter.subset(font)
    destination.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff2"
    font.save(destination)


def cached_subset(urdu_root, source, cache_dir):
    """Subset `source` to the text of the HTML under `urdu_root`; returns the
    cached WOFF2 (the same text gives the same font)."""
    import fontTools  # only here: the build process itself never loads fontTools

    urdu_pages = sorted(Path(urdu_root).rglob("*.html"))
    characters = {char for char in characters_of(urdu_pages) if ord(char) > 0x7F} | set(ALWAYS_INCLUDED)
    # Subsetting Nastaliq takes seconds; the same text gives the same font.
    key = hashlib.sha256(source.read_bytes() + fontTools.version.encode() + b"source-timestamp"
                         + "".join(sorted(characters)).encode())
    cached = Path(cache_dir) / "fonts" / f"{key.hexdigest()[:24]}.woff2"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        # A private temporary name: concurrent builds never share it.
        descriptor, temporary = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        os.close(descriptor)
        write_subset(source, Path(temporary), characters)
        os.replace(temporary, cached)
    return str(cached)


# The subset runs in a second process as soon as the Urdu edition is written,
# while the main edition renders its pages (two cores, half the wait).  A
# fresh interpreter (`python urdu_font.py`), not a fork: a fork's peak memory
# would count the whole build's pages again.
_PENDING = {}


def start_subset(pelican):
    """At the end of the Urdu edition's build (a subsite writing into
    OUTPUT_PATH/<path>), start subsetting in the background."""
    settings = pelican.settings
    if settings["DEFAULT_LANG"] != "ur" or is_main_site(settings):
        return
    source = Path(settings["THEME"]) / settings["URDU_FONT_SOURCE"]
    _PENDING["job"] = subprocess.Popen(
        [sys.executable, __file__, str(settings["OUTPUT_PATH"]), str(source), str(settings["CACHE_PATH"])],
        stdout=subprocess.PIPE, text=True)


def subset_urdu_font(pelican):
    settings = pelican.settings
    editions = settings["EDITIONS"]
    if not is_main_site(settings) or "ur" not in editions:
        return
    output = Path(settings["OUTPUT_PATH"])
    job = _PENDING.pop("job", None)
    if job:
        cached, _ = job.communicate()
        if job.returncode != 0:
            raise RuntimeError(f"subsetting the Urdu font failed (exit status {job.returncode})")
        cached = cached.strip()
    else:
        source = Path(settings["THEME"]) / settings["URDU_FONT_SOURCE"]
        cached = cached_subset(output / editions["ur"]["path"], source, settings["CACHE_PATH"])
    destination = output / settings["THEME_STATIC_DIR"] / "fonts" / settings["URDU_FONT_FILE"]
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, destination)


def register():
    signals.finalized.connect(start_subset)
    signals.finalized.connect(subset_urdu_font)


if __name__ == "__main__":
    # python urdu_font.py URDU_OUTPUT SOURCE_FONT CACHE_PATH: prints the cached subset
    print(cached_subset(sys.argv[1], Path(sys.argv[2]), sys.argv[3]))
