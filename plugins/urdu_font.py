"""Self-hosted Noto Nastaliq Urdu, subset to the Urdu alphabet and what the edition prints.

The subset always holds ``URDU_CHARACTERS``: every letter of the Urdu
alphabet (with the Arabic letters Urdu text quotes: ك ي ه ة ى إ), its
diacritics and honorifics, its punctuation, Urdu and Arabic-Indic digits,
and the Latin digits and punctuation the font draws to sit with Nastaliq.  So
whatever a reader types into search and whatever tomorrow's story says is
drawn in Nastaliq, not in a fallback face, without a new build.  To that it
adds any other character of visible text in the Urdu edition's HTML
(``output/ur/``) that the stylesheet's ``unicode-range`` sends to the font
(``URDU_FONT_RANGES``; characters outside it are never drawn by the font):
so the subset of an ordinary day is always the same file, made once and then
taken from the cache.

When the whole build has been written (the ``urdu_font`` step of
``pipeline``, after both editions), this module writes the WOFF2 subset
of the source font to ``<THEME_STATIC_DIR>/fonts/<URDU_FONT_FILE>``.  The
stylesheet's ``@font-face`` loads it for ``:lang(ur)`` text only, with
``font-display: swap``; English pages never download it.  The source font
(Noto Nastaliq Urdu 2.000, Regular) has one weight; the stylesheet never asks
for another.

Subsets are cached in ``CACHE_PATH/fonts/`` by source font and character set;
they keep the source font's timestamp, so they do not depend on the build time.
The subset is made in a second process that starts when the Urdu subsite
has been written, while the main edition renders.  A build that reads the
Urdu pages nowhere else (``make html``, ``make publish``) starts that process
sooner, once the main edition's sources are read: it first subsets the font
to the characters the sources foretell (`guessed_characters`: the
alphabet's and those of the Urdu stories' files) while Pelican makes the
editions on the other core, then waits for the Urdu pages; when their
characters are those, as on an ordinary day, the subset is already in the
cache (the steps waited 4.7 s for it, a build of 100 stories with an empty
cache).  Otherwise it subsets again, to the pages' characters.  Pages'
characters are remembered by path, mtime and size in the process that read them: ``make
serve``, once it has read the Urdu pages (after its first build), subsets in
its own process when a build rewrote few of them (``READ_HERE_AT_MOST``),
reading only those, and in the second process otherwise (a template edit
rewrites them all, and the second process reads them while the main edition
renders).  With ``URDU_FONT_REMEMBER_PAGES`` (``make serve``'s setting) the
second process hands back what it read of each page, so that the server
does not read every Urdu page again after its first build.

Every page of the Urdu edition asks for the font at once
(``<link rel="preload">``, from the ``URDU_FONT_PRELOAD`` setting this plugin
gives the Urdu edition) rather than when the stylesheet has been read, so that
Nastaliq replaces the fallback face sooner.

Settings read: ``URDU_FONT_SOURCE`` (the OFL source TTF, in ``THEME``),
``URDU_FONT_FILE`` (output file name), ``URDU_FONT_REMEMBER_PAGES`` (default
False), ``PAGES_AFTER_SERVING`` (``pipeline``), ``EDITIONS``, ``OUTPUT_PATH``,
``THEME``, ``THEME_STATIC_DIR``, ``CACHE_PATH``, ``THEME_URL`` (from ``editions``),
``PATH``, ``TYPOGRIFY``, ``TYPOGRIFY_DASHES`` (the guess).
"""

import filecmp
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from pelican import signals

from editions import is_main_site
from processes import files_under

URDU_LETTERS = (
    "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيٹپچڈڑژکگںھہۂۃیےۓ"
)
URDU_MARKS = (
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"  # tanwin, zabar, zer, pesh, tashdid, jazm
    "\u0654\u0655\u0656\u0657\u0658\u0670"  # hamza above and below, khari zabar…
    "\u0610\u0611\u0612\u0613\u0614"  # honorifics (ؐ ؑ ؒ ؓ ؔ)
)
URDU_PUNCTUATION = "،؛؟۔٪٫٬" + "«»‘’“”" + "!():-.,/[]·"
URDU_DIGITS = "۰۱۲۳۴۵۶۷۸۹" + "٠١٢٣٤٥٦٧٨٩" + "0123456789"
SPACES_AND_JOINERS = " \u00a0\u200b\u200c\u200d\u200e\u200f"  # typogrify's widont, ZWNJ, direction marks
# Always in the subset, whatever the pages say.
URDU_CHARACTERS = URDU_LETTERS + URDU_MARKS + URDU_PUNCTUATION + URDU_DIGITS + SPACES_AND_JOINERS
# The stylesheet's unicode-range (theme/static/css/site.css): the characters
# the browser may ask the font for; a test keeps the two alike.
URDU_FONT_RANGES = (
    (0x20, 0x21), (0x28, 0x29), (0x2B, 0x3A), (0x3D, 0x3D), (0x5B, 0x5D),
    (0xA0, 0xA0), (0xAB, 0xAB), (0xB7, 0xB7), (0xBB, 0xBB), (0xD7, 0xD7), (0xF7, 0xF7),
    (0x600, 0x6FF), (0x750, 0x77F), (0x200B, 0x2011), (0x2013, 0x2014), (0x2018, 0x2019),
    (0x201C, 0x201D), (0x2039, 0x203A), (0x2212, 0x2212), (0x25CC, 0x25CC),
    (0xFB50, 0xFDFF), (0xFE70, 0xFEFF),
)


def in_font_ranges(character):
    code = ord(character)
    return any(low <= code <= high for low, high in URDU_FONT_RANGES)
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


# path -> ((mtime_ns, size), characters) of the page as last read: `make serve`
# re-reads only the pages it rewrote, and keeps one entry a page.  The
# characters are one sorted string (a set of one-letter strings took about
# 10 kB a page).
_PAGE_CHARACTERS = {}


def page_stamp(path):
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def known_characters(path, stamp=None):
    """The characters of the page at `path` as read before, or None if it was
    not read or changed since (`stamp`: its `page_stamp`, when known)."""
    entry = _PAGE_CHARACTERS.get(str(path))
    if entry is None:
        return None
    return entry[1] if entry[0] == (stamp or page_stamp(path)) else None


def characters_of(html_files):
    collector = TextCollector()
    found = set()
    for path in html_files:
        stamp = page_stamp(path)  # before reading: a later write makes the entry stale
        characters = known_characters(path, stamp)
        if characters is None:
            collector.characters = set()
            collector.feed(path.read_text(encoding="utf-8"))
            collector.close()
            collector.reset()
            characters = "".join(sorted(collector.characters))
            _PAGE_CHARACTERS[str(path)] = (stamp, characters)
        found.update(characters)
    return found


PAGES_READ = "pages read: "  # the second process's line of `pages_read`


def pages_read(html_files):
    """What `characters_of` remembers of each of `html_files` it read, as
    JSON: [[path, mtime_ns, size, characters], ...]."""
    entries = ((str(path), _PAGE_CHARACTERS.get(str(path))) for path in html_files)
    return json.dumps([[path, *entry[0], entry[1]] for path, entry in entries if entry is not None],
                      ensure_ascii=False)


def remember_pages_read(text):
    """Take in `pages_read`'s JSON, from another process: each entry counts
    only while its page's stamp stays the same."""
    for path, mtime_ns, size, characters in json.loads(text):
        _PAGE_CHARACTERS[path] = ((mtime_ns, size), characters)


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


def cached_subset(urdu_root, source, cache_dir, urdu_pages=None):
    """Subset `source` to the text of the HTML under `urdu_root`; returns the
    cached WOFF2 (the same text gives the same font)."""
    urdu_pages = files_under(urdu_root, [".html"]) if urdu_pages is None else urdu_pages
    characters = {char for char in characters_of(urdu_pages) if in_font_ranges(char)} | set(URDU_CHARACTERS)
    return cached_subset_of(characters, source, cache_dir)


# Metadata that pages do not show as text (dates, file names, addresses).
NOT_SHOWN = {"date", "modified", "correction_date", "slug", "lang", "translated_from", "status", "template",
             "image", "save_as", "url"}


# The dashes smartypants makes of "--" and "---" (TYPOGRIFY_DASHES).
DASH_RUN = re.compile(r"-{2,}")
NO_DASHES = "none"  # TYPOGRIFY off
DASHES = {"default": ("\u2014", "\u2014"), "oldschool": ("\u2013", "\u2014"), "oldschool_inverted": ("\u2014", "\u2013")}


def guessed_characters(content, dashes="default"):
    """What the subset will most likely hold, from the sources alone:
    ``URDU_CHARACTERS`` and every character in the font's ranges of the
    Markdown files under `content` that say ``Lang: ur``, their HTML entities
    decoded and their "--" made dashes as typogrify makes them (the rest of an
    Urdu page's text is the theme's Urdu, which those cover)."""
    from validation import parse_markdown  # the checks' reading of a story's metadata and body

    characters = set(URDU_CHARACTERS)
    two, three = DASHES.get(dashes, DASHES["default"])
    for path in Path(content).rglob("*.md"):
        try:
            metadata, _, body, _ = parse_markdown(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if (metadata.get("lang", (None, ""))[1] or "").lower() == "ur":
            text = "\n".join([value for key, (_, value) in metadata.items() if key not in NOT_SHOWN]  # not "+05:00"
                             + [line for _, line in body])
            found = set(html.unescape(text))
            if dashes != NO_DASHES:
                found.update(three if len(run) >= 3 else two for run in set(DASH_RUN.findall(text)))
            characters.update(char for char in found if in_font_ranges(char))
    return characters


def cached_subset_of(characters, source, cache_dir):
    """The cached WOFF2 of `source` subset to `characters`, made if missing."""
    import fontTools  # only here: the build process itself never loads fontTools

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
GUESS = "--guess"


def source_font(settings):
    return Path(settings["THEME"]) / settings["URDU_FONT_SOURCE"]


def in_pipeline(settings):
    return "urdu_font" in settings.get("PIPELINE_STEPS", ())


# A process that has read the Urdu pages before (make serve, after its first
# build) and finds at most this many it has not read subsets in the step
# itself: it reads only those, where a second process would read every page.
READ_HERE_AT_MOST = 200


def unread_pages(urdu_pages, limit):
    """How many of `urdu_pages` this process has not read (counting stops past `limit`)."""
    unread = 0
    for path in urdu_pages:
        if known_characters(path) is None:
            unread += 1
            if unread > limit:
                break
    return unread


def start_subset(pelican):
    """At the end of the Urdu edition's build (a subsite writing into
    OUTPUT_PATH/<path>), start subsetting in the background, unless the
    pipeline's step will do it sooner here (`READ_HERE_AT_MOST`)."""
    settings = pelican.settings
    if settings["DEFAULT_LANG"] != "ur" or is_main_site(settings) or not in_pipeline(settings):
        return
    if settings.get("PAGES_AFTER_SERVING"):
        return  # no page written yet: make serve starts it once they are (tools/incremental.py)
    start_subset_unless_few_unread(settings["OUTPUT_PATH"], settings)


def start_subset_unless_few_unread(urdu_output, settings):
    """`start_subset_process`, unless this process read the Urdu pages before
    and at most `READ_HERE_AT_MOST` of them are new to it (the step reads those)."""
    if _PAGE_CHARACTERS and unread_pages(files_under(urdu_output, [".html"]),
                                         READ_HERE_AT_MOST) <= READ_HERE_AT_MOST:
        return
    start_subset_process(urdu_output, settings)


def guess_subset(generator):
    """Once the main edition's generators exist (its sources read, on every
    core), start the second process on the subset the sources foretell
    (`guessed_characters`); the Urdu edition then hands it its pages
    (`start_subset_process`).  Not in ``make serve``, which reads the Urdu
    pages itself (``URDU_FONT_REMEMBER_PAGES``) and writes them later."""
    settings = generator.settings
    if (not is_main_site(settings) or not in_pipeline(settings) or "ur" not in settings.get("EDITIONS", {})
            or settings.get("PAGES_AFTER_SERVING") or settings.get("URDU_FONT_REMEMBER_PAGES")):
        return
    dashes = str(settings.get("TYPOGRIFY_DASHES", "default")) if settings.get("TYPOGRIFY") else NO_DASHES
    command = [sys.executable, __file__, GUESS, str(settings["PATH"]), str(source_font(settings)),
               str(settings["CACHE_PATH"]), dashes]
    _PENDING["job"] = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, encoding="utf-8")
    _PENDING["waiting"] = True


def hand_over_pages(urdu_output):
    """Give the guessing process started by `guess_subset` the Urdu pages'
    folder; False if there is none waiting (or it ended)."""
    job = _PENDING.get("job")
    if job is None or not _PENDING.pop("waiting", False):
        return False
    try:
        job.stdin.write(f"{urdu_output}\n")
        job.stdin.flush()
    except (OSError, ValueError):  # it ended: subset the pages in a new one
        cancel_subset()
        return False
    return True


def start_subset_process(urdu_output, settings):
    """Subset the font to the pages under `urdu_output` in a second process
    (the one `guess_subset` started, when there is one); the ``urdu_font``
    step waits for it."""
    if hand_over_pages(urdu_output):
        return
    command = [sys.executable, __file__, str(urdu_output), str(source_font(settings)), str(settings["CACHE_PATH"])]
    if settings.get("URDU_FONT_REMEMBER_PAGES"):
        command.append("--pages-read")
    _PENDING["job"] = subprocess.Popen(command, stdout=subprocess.PIPE, encoding="utf-8")


def cancel_subset():
    """Stop a subset started for a build that failed before its step."""
    job = _PENDING.pop("job", None)
    _PENDING.pop("waiting", None)
    if job is not None:
        job.kill()
        try:
            job.communicate()
        except (OSError, ValueError):
            pass


def cancel_earlier_subset(pelican):
    """A build starts with no subset of an earlier build of this process
    pending (one that failed before its step)."""
    if is_main_site(pelican.settings):
        cancel_subset()


def subset_urdu_font(output, settings):
    """The pipeline's ``urdu_font`` step."""
    editions = settings["EDITIONS"]
    if "ur" not in editions:
        return
    output = Path(output)
    hand_over_pages(output / editions["ur"]["path"])  # a guess no Urdu edition's end handed its pages
    job = _PENDING.pop("job", None)
    if job:
        printed, _ = job.communicate()
        if job.returncode != 0:
            raise RuntimeError(f"subsetting the Urdu font failed (exit status {job.returncode})")
        lines = printed.splitlines()
        for line in lines:
            if line.startswith(PAGES_READ):
                remember_pages_read(line[len(PAGES_READ):])
        cached = next((line for line in reversed(lines) if line.strip() and not line.startswith(PAGES_READ)), "")
    else:
        cached = cached_subset(output / editions["ur"]["path"], source_font(settings), settings["CACHE_PATH"])
    destination = output / settings["THEME_STATIC_DIR"] / "fonts" / settings["URDU_FONT_FILE"]
    if destination.is_file() and filecmp.cmp(cached, destination, shallow=False):
        return  # make serve: a browser may be reading it (its pages reload before the steps)
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    shutil.copyfile(cached, temporary)
    os.replace(temporary, destination)  # never half-written, for a request that comes meanwhile


def preload_in_urdu_pages(pelican):
    settings = pelican.settings
    if settings["DEFAULT_LANG"] == "ur" and in_pipeline(settings):
        settings["URDU_FONT_PRELOAD"] = f"{settings['THEME_URL']}/fonts/{settings['URDU_FONT_FILE']}"


def register():
    signals.initialized.connect(cancel_earlier_subset)
    signals.initialized.connect(preload_in_urdu_pages)
    signals.article_generator_init.connect(guess_subset)
    signals.finalized.connect(start_subset)  # the Urdu edition's; the main site's pipeline waits for it


if __name__ == "__main__":
    # python urdu_font.py URDU_OUTPUT SOURCE_FONT CACHE_PATH [--pages-read]:
    # prints the cached subset's path and, with --pages-read, on a line of
    # its own after PAGES_READ, what it read of each page (`pages_read`).
    # python urdu_font.py --guess CONTENT SOURCE_FONT CACHE_PATH DASHES: the
    # subset `guessed_characters` foretells, then URDU_OUTPUT read from a line
    # of standard input (none: the build stopped before its Urdu pages).
    sys.stdout.reconfigure(encoding="utf-8")
    if sys.argv[1] == GUESS:
        sys.stdin.reconfigure(encoding="utf-8")  # as the build writes it, whatever the locale
        try:
            cached_subset_of(guessed_characters(sys.argv[2], sys.argv[5]), Path(sys.argv[3]), sys.argv[4])
        except Exception:  # noqa: BLE001: only a guess; the pages' subset below says what is wrong
            pass
        urdu_output = sys.stdin.readline().rstrip("\n")
        if not urdu_output:
            sys.exit(0)
        sys.argv[1:] = [urdu_output, *sys.argv[3:5]]
    pages = files_under(sys.argv[1], [".html"])
    print(cached_subset(sys.argv[1], Path(sys.argv[2]), sys.argv[3], pages))
    if sys.argv[4:] == ["--pages-read"]:
        print(PAGES_READ + pages_read(pages))
