"""Every content file is checked before anything is written.

When the main site is initialised (the ``initialized`` signal, before any
generator reads a file or anything is written), this plugin reads every
Markdown file of ``ARTICLE_PATHS`` and ``PAGE_PATHS`` itself, as bytes, so that
it can report the line of each problem and files that are not UTF-8, which
Pelican only logs before carrying on.  It prints every problem of the build,
one per line on stderr, as::

    content/articles/2018/story.md:3: what is wrong and how to fix it

(the path relative to the project root, or to the content folder's parent when
the content folder is elsewhere), then stops the build with exit status 1.
tools/build.py builds into a staging folder, so ``output/`` is untouched.

Why a plugin and not a check in tools/build.py: it runs whatever starts
Pelican (``make serve``, ``make publish``, a bare ``pelican`` command), with
the very settings Pelican was given.  Why our own: no maintained plugin for
Pelican 4.12 checks metadata.

Errors (the build fails):

* files: a symbolic link in the content folder (stories, pages, static files)
  or the theme that leads outside it, points to nothing, or is a folder (a
  linked folder would be read without these checks); the link is named, its
  target is never read.  A story file in a format we do not check (``.html``,
  ``.htm``, ``.rst``, or Markdown with an upper-case extension such as
  ``.MD``, which Pelican would skip): stories are Markdown (``.md``).  A file
  in ``STATIC_PATHS`` that a browser would run as a page or a script
  (``.html``, ``.js``…), or an SVG with scripts, event handlers or remote
  references.  A story larger than ``MAX_SOURCE_BYTES``;
* the file is not valid UTF-8;
* an unknown metadata key (the nearest valid key is suggested, or the key
  it stands for: "Byline" is "Authors"), or a key given twice;
* Title missing or empty; control characters, line separators, bidi controls
  (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) or invisible
  zero-width characters (U+200B, U+2060, U+FEFF…) in Title, Summary, Tags,
  Category, Slug, Authors or Correction (U+200C and U+200D, which Urdu
  spelling uses, are allowed in text);
* Date missing, not ISO 8601 (``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM``), or
  more than ``SCHEDULE_MAX_DAYS_AHEAD`` days after the build time
  (``SOURCE_DATE_EPOCH`` when set): a later Date is a scheduled story
  (plugins/scheduled.py), a year ahead is a typo; Modified not ISO 8601,
  before Date, or more than ``FUTURE_DATE_MARGIN_HOURS`` after both the build
  time and the Date (an update is dated when it is made);
* ``Status`` other than ``published`` or ``draft``; a story that is not a
  draft and still has a ``TO WRITE:`` placeholder of ``make new`` in its
  Title, Summary or body; ``Template`` not one of ``STORY_TEMPLATES`` for the
  kind of file (or missing from the theme);
* ``Author`` and ``Authors`` both given; an author name without letters or
  digits; a translation that names a different number of authors than its
  original (it names the same authors, in the same order, in its own
  script), or an author name that translations pair with two different
  names of the original;
* ``Correction`` without ``Correction_Date`` or the other way round, an
  empty Correction, a Correction_Date that is not ISO 8601, is before the
  Date, or is more than ``FUTURE_DATE_MARGIN_HOURS`` after the build time;
* ``Lang`` not one of ``EDITIONS``; ``Category`` missing or not the name of a
  section of ``SECTIONS`` in the article's language;
* a ``Slug`` that is not lowercase ASCII letters, digits and single hyphens or
  underscores (``../``, spaces, ``/``, non-ASCII);
* two files of one language with the same slug, or a slug too long for a
  file name; a title (without Slug) or a tag that gives an empty slug (its
  page would overwrite a listing); two different tags of one edition with the
  same URL (``C`` and ``C#`` are kept apart by ``TAG_REGEX_SUBSTITUTIONS``;
  ``Deir Ezzor`` and ``Deir-Ezzor`` are not);
* a story or page whose URL would take a path the site writes itself
  (``/search/``, ``/paper/``, ``/ur/``, ``/feeds/``, ``/theme/``, ``/404.html``…;
  see ``reserved_names``, derived from the settings, plus ``RESERVED_PATHS``);
* ``Translated_From: xx`` with no article in language ``xx`` with the same slug;
* an empty body; lists or quotes nested deeper than ``MAX_NESTING_DEPTH``
  levels (checked on the text, before Markdown converts it);
* a link or image in the body to a file that is not in the content folder
  (``{filename}``, ``{static}``, ``{attach}`` or a relative path), or outside
  it, or to a root-relative URL (``/2018/05/02/slug/``) that no story, page,
  section, static file or listing of the site has; a link from a story that is
  published to a draft or to a story scheduled for later (its page is not
  there yet);
* photos (`check_photos`, below): ``Image`` that is not a photo file beside
  the story (or under the content folder), missing, not an image, animated or
  too large (``PHOTO_MAX_MEGAPIXELS``); ``Image_Alt`` missing or empty with
  ``Image``; ``Image_Alt``, ``Image_Caption`` or ``Image_Credit`` without
  ``Image``; an inline image without alt text, one from another site, or a
  local one that is not a JPEG, PNG, WebP, AVIF, GIF or SVG file.

The body's HTML (after Markdown) is checked by ``plugins/body_html.py`` when
Pelican reads the file, and reported here with the same ``path:line:`` form.

Warnings (printed with ``warning:``; they fail the build only when ``STRICT=1``
is in the environment, as ``tools/build.py --strict`` sets it, or the
``STRICT`` setting is true): a Summary longer than
``META_DESCRIPTION_MAX_LENGTH`` characters, which search engines cut; a file
among the stories that is neither Markdown nor a photo (``story.txt``,
``story.md~``), which Pelican skips.

Settings read: ``PATH``, ``ARTICLE_PATHS``, ``PAGE_PATHS``, ``IGNORE_FILES``,
``STATIC_PATHS``, ``EXTRA_PATH_METADATA``, ``THEME``, ``METADATA_KEYS``,
``SECTIONS``, ``EDITIONS``, ``DEFAULT_LANG``, ``TIMEZONE``,
``SCHEDULE_MAX_DAYS_AHEAD``, ``FUTURE_DATE_MARGIN_HOURS``, ``META_DESCRIPTION_MAX_LENGTH``, ``STRICT``,
``ARTICLE_URL``, ``PAGE_URL``, ``CATEGORY_URL``, ``TAG_URL``,
``SLUG_REGEX_SUBSTITUTIONS``, ``TAG_REGEX_SUBSTITUTIONS``,
``AUTHOR_REGEX_SUBSTITUTIONS``, ``SLUGIFY_USE_UNICODE``, ``I18N_SUBSITES``, ``STORY_TEMPLATES``,
``MAX_SOURCE_BYTES``, ``MAX_NESTING_DEPTH``, ``RESERVED_PATHS``, every
``*_SAVE_AS`` / ``*_URL`` / feed setting, ``DIRECT_TEMPLATES``,
``PAGINATION_PATTERNS``, ``THEME_STATIC_DIR``, ``PAGEFIND_OUTPUT_SUBDIR``,
``PHOTO_MAX_MEGAPIXELS``, ``VALIDATION_KEEP_RESULTS``.

With ``VALIDATION_KEEP_RESULTS`` (``make serve`` sets it: tools/incremental.py),
what the checks of one Markdown file alone found is kept for the next run in
the same process (``KeptChecks``): reading the file, its metadata and body
checks, its links and images found.  A file saved since (``file_stamps``), a
change to any setting those checks read, or another working or content folder
makes them run again.  The checks that depend on the time (dates), the theme
(Template), other files (links, photos, slugs, translations, tags, reserved
addresses) run at every build, as they do without the setting.
"""

import copy
import difflib
import fnmatch
import functools
import html
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from pelican import readers as pelican_readers
from pelican import signals
from pelican.readers import ensure_metadata_list
from pelican.utils import slugify

from editions import is_main_site
from file_stamps import same_file, stamp_of

DEFAULT_METADATA_KEYS = [
    "Title", "Date", "Modified", "Category", "Tags", "Slug", "Summary",
    "Lang", "Translated_From", "Status", "Template",
    "Author", "Authors", "Correction", "Correction_Date",
]
MARKDOWN_EXTENSIONS = tuple(f".{extension}" for extension in pelican_readers.MarkdownReader.file_extensions)
# Every format a Pelican reader exists for: a file in one we do not check is
# refused rather than left for Pelican to publish (or skip) unchecked.
PELICAN_FORMATS = tuple(sorted({
    f".{extension}" for reader in (pelican_readers.MarkdownReader, pelican_readers.RstReader,
                                   pelican_readers.HTMLReader) for extension in reader.file_extensions}))
# Files that may sit beside the stories without being one (photos, documents).
BESIDE_STORIES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".pdf")
# Static files a browser would run as a page or a script on our origin.
ACTIVE_STATIC = (".html", ".htm", ".xhtml", ".shtml", ".xht", ".js", ".mjs", ".wasm", ".swf")
SVG_ACTIVE = re.compile(r"<\s*script|<\s*foreignObject|\son[a-z]+\s*=|javascript\s*:|(?:href|src)\s*=\s*[\"']?\s*"
                        r"(?:[a-z][a-z0-9+.-]*:|//)", re.I)
# Keys an editor may try for a known one, beyond what difflib finds by spelling.
KEY_SYNONYMS = {"byline": "authors", "by": "authors", "writer": "authors", "writers": "authors",
                "reporter": "authors", "reporters": "authors", "erratum": "correction", "corrected": "correction_date"}
# What `make new` (tools/new_story.py) writes where the editor has to write.
PLACEHOLDER = "TO WRITE:"
MAX_SLUG_BYTES = 200
STATUSES = ("published", "draft")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
DEFAULT_MAX_SOURCE_BYTES = 1_000_000
DEFAULT_MAX_NESTING_DEPTH = 20
DEFAULT_STORY_TEMPLATES = {"article": ["article"], "page": ["page"]}

# The Markdown `meta` extension's grammar, which Pelican's reader uses.
META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
META_CONTINUATION = re.compile(r"^[ ]{4,}(?P<value>.*)$")
META_FENCE = re.compile(r"^-{3}(\s.*)?$")
META_END = re.compile(r"^(-{3}|\.{3})(\s.*)?$")

INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>[^\s>]+)>?")
HTML_LINK = re.compile(r"\b(?:href|src)\s*=\s*[\"'](?P<target>[^\"']+)[\"']", re.I)
PELICAN_LINK = re.compile(r"^(?:\{(?P<what>\w+)\}|\|(?P<old>\w+)\|)(?P<path>.*)$")
CODE_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")
LISTING_PREFIXES = ("archive/", "tag/", "section/", "feeds/")
# Nesting of a Markdown line: its indentation (4 columns a level) and the
# quote (>) and list markers at its start.
NESTING_MARKERS = re.compile(r"[ ]{0,3}(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))[ \t]?")

# Characters that change how text around them is ordered or that cannot be
# seen: bidi embeddings, overrides, isolates and marks (a title could show
# words in another order than the one typed), and zero-width characters (two
# titles or tags that look the same would differ).  U+200C ZERO WIDTH
# NON-JOINER and U+200D ZERO WIDTH JOINER are part of Urdu spelling and stay.
UNSAFE_IN_TEXT = {0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF,
                  *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0x206A, 0x2070)}


@dataclass(order=True)
class Problem:
    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self):
        prefix = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass
class Source:
    """One Markdown file as an editor wrote it."""

    path: Path
    shown: str
    kind: str  # "article" or "page"
    metadata: dict = field(default_factory=dict)  # key -> (line, value)
    body: list = field(default_factory=list)  # [(line, text)]
    header_end: int = 1
    # Found in the body once (a kept file's body is dropped, KeptChecks):
    links: list = None  # [(line, target)] of its links and images
    images: list = None  # [(line, alt, target)] of its images
    real_path: Path = None  # the path with symbolic links resolved
    # What the checks across files find of this file alone (`Validator.fact`):
    # kept with it, like its checks, while it and the settings are the same.
    facts: dict = field(default=None, compare=False, repr=False)

    def value(self, key):
        return self.metadata.get(key, (None, None))[1]

    def line_of(self, key, default=1):
        return self.metadata.get(key, (default, None))[0]


def shown_path(path, content_root, real_folders=None):
    """The path as printed: relative to the working directory (the project
    root) when it is inside it, else relative to the content folder's parent.
    A symbolic link is named as itself, never as its target.  `real_folders`,
    a dict kept for one validation run, remembers the real path of each
    folder.  Strings, not pathlib: a run calls this for every file."""
    path = os.path.abspath(path)
    parent = os.path.dirname(os.path.abspath(content_root))
    cwd = os.getcwd()
    real_folders = {} if real_folders is None else real_folders

    def real(folder):
        found = real_folders.get(folder)
        if found is None:
            found = real_folders[folder] = os.path.realpath(folder)
        return found

    def bases():
        yield from (cwd, real(cwd), parent, real(parent))

    def candidates():
        yield path
        folder, name = os.path.split(path)
        yield os.path.join(real(folder), name)

    for base in bases():
        for candidate in candidates():
            if os.path.normcase(candidate) == os.path.normcase(base):
                return "."
            inside = os.path.join(base, "")  # the base with one separator at the end
            if os.path.normcase(candidate).startswith(os.path.normcase(inside)):
                return Path(candidate[len(inside):]).as_posix()
    return Path(path).as_posix()


def parse_markdown(text):
    """(metadata {key: (line, value)}, duplicate keys [(line, key)], body
    [(line, text)], line where the body starts), like the `meta` extension."""
    lines = text.splitlines()
    metadata, order, index = {}, [], 0
    if lines and META_FENCE.match(lines[0]):
        index = 1
    current = None
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip() or META_END.match(line):
            break
        match = META_LINE.match(line)
        if match:
            current = match["key"].lower()
            order.append((index, match["key"], current))
            metadata[current] = (index, match["value"].strip())
        elif current is not None and META_CONTINUATION.match(line):
            line_number, value = metadata[current]
            metadata[current] = (line_number, f"{value} {line.strip()}".strip())
        else:
            index -= 1
            break
    body = [(number + 1, lines[number]) for number in range(index, len(lines))]
    return metadata, order, body, index + 1


def unsafe_characters(value):
    if value.isprintable():  # no Cc, Zl, Zp, nor any of UNSAFE_IN_TEXT (all Cf): the common case, in C
        return []
    return sorted({
        char for char in value
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or ord(char) in UNSAFE_IN_TEXT
    })


@functools.lru_cache(maxsize=1 << 16)  # a build asks for each story's dates five times
def parse_iso_date(value, zone):
    moment = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def build_time(zone):
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), tz=zone) if epoch else datetime.now(tz=zone)


def is_ignored(name, settings):
    """Pelican's IGNORE_FILES test: the pattern against the bare name."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in settings.get("IGNORE_FILES", []))


@dataclass
class Found:
    """A file the build would read or copy (`problem` None), or one it must not."""

    kind: str  # "article", "page", "static" or "theme"
    path: Path
    problem: str = None


def link_problem_of(path, root):
    """Why a symbolic link at `path` may not be read, or None for a link to a
    file inside `root`.  Never opens the target."""
    target = os.readlink(path)
    resolved = Path(os.path.realpath(path))
    if not resolved.exists():
        return f"a symbolic link to nothing ({target}); delete it or put the file itself here"
    if resolved.is_dir():
        return (f"a symbolic link to a folder ({target}); folders here must be real folders (a linked folder "
                "would be read without the checks): move the files in")
    if not resolved.is_relative_to(root):
        return (f"a symbolic link to a file outside {root.name}/ ({target}); only files inside it are "
                "published: copy the file in, if it belongs to the site")
    return None


def walk(top, kind, root, settings):
    """Every file under `top` as Pelican would find it (it follows links;
    links are judged here instead)."""
    if top.is_symlink():
        problem = link_problem_of(top, root)
        if problem:
            yield Found(kind, top, problem)
            return
    if top.is_file():
        yield Found(kind, top)
        return
    if top.is_dir():
        yield from walk_folder(top, kind, root, settings)


def is_link(entry):
    try:
        return entry.is_symlink()
    except OSError:
        return False  # as Path.is_symlink


def walk_folder(folder, kind, root, settings):
    """The files of `folder`, then of its folders, by name, as ``os.walk``
    lists them (linked folders are not entered: they are reported).  Whether
    an entry is a folder or a link comes with the listing (``os.scandir``),
    not from a system call per file."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return  # as os.walk: a folder that cannot be listed has no files
    folders, files = [], []
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if not is_ignored(entry.name, settings):
            (folders if is_folder else files).append(entry)
    inner = []
    for entry in folders:
        path = folder / entry.name
        if is_link(entry):
            yield Found(kind, path, link_problem_of(path, root))
        else:
            inner.append(path)
    for entry in files:
        path = folder / entry.name
        if is_link(entry):
            problem = link_problem_of(path, root)
            if problem:
                yield Found(kind, path, problem)
                continue
        yield Found(kind, path)
    for path in inner:
        yield from walk_folder(path, kind, root, settings)


def content_sources(settings):
    """Every file of ARTICLE_PATHS, PAGE_PATHS and STATIC_PATHS, and the theme's."""
    root = Path(settings["PATH"]).resolve()
    for kind, setting in (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS"), ("static", "STATIC_PATHS")):
        for folder in settings.get(setting, []):
            yield from walk(Path(settings["PATH"]) / folder, kind, root, settings)
    theme = settings.get("THEME")
    if theme and Path(theme).is_dir():
        yield from walk(Path(theme), "theme", Path(theme).resolve(), settings)


def content_files(settings):
    """(kind, path) of every Markdown story and page the checks read."""
    for found in content_sources(settings):
        if found.problem is None and found.kind in ("article", "page") and found.path.suffix in MARKDOWN_EXTENSIONS:
            yield found.kind, found.path


def format_problem(found):
    """Why a file found in the content folder is refused (or None)."""
    if found.problem:
        return found.problem
    suffix = found.path.suffix
    if found.kind in ("article", "page"):
        if suffix.lower() in MARKDOWN_EXTENSIONS and suffix not in MARKDOWN_EXTENSIONS:
            return (f'the extension "{suffix}" must be written in lower case ({suffix.lower()}); Pelican skips '
                    "the file as it is")
        if suffix.lower() in PELICAN_FORMATS and suffix.lower() not in MARKDOWN_EXTENSIONS:
            return (f"{suffix} files are not published here: stories and pages are Markdown (.md), which is "
                    "checked before publishing and may contain the HTML a story needs; rewrite it as a .md file")
    elif found.kind == "static":
        if suffix.lower() in ACTIVE_STATIC:
            return (f"{suffix} files are not published from {found.path.parent.name}/: a browser would run it as "
                    "a page or a script of the site; put the text in a story or a page")
        if suffix.lower() == ".svg":
            try:
                text = found.path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            if SVG_ACTIVE.search(text):
                return ("this SVG has a script, an event handler or a link to another site, which run when the "
                        "file is opened; export it again as a plain drawing")
    return None


class _Absent:
    """A setting noted as not there: the same object after pickling (the kept
    checks of make serve's last start, tools/kept_reads.py), so that it still
    compares equal to a setting that is still not there."""

    def __reduce__(self):
        return "_ABSENT"

    def __repr__(self):
        return "<absent>"


_ABSENT = _Absent()


class NotedSettings(dict):
    """The settings, noting what is read while `noting`: {key: its value then}."""

    def __init__(self, settings):
        super().__init__(settings)
        self.noting = False
        self.noted = {}

    def _note(self, key):
        if self.noting and key not in self.noted:
            value = dict.get(self, key, _ABSENT)
            if value is not _ABSENT:
                try:
                    value = copy.deepcopy(value)  # a later change to the value in place must show
                except Exception:  # noqa: BLE001: a value that cannot be copied is compared as it is
                    pass
            self.noted[key] = value

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


class KeptChecks:
    """What the checks of each Markdown file alone found (`Validator.read`,
    `check_text`, its links and images), kept for the next run of this process
    while the file (file_stamps), the settings those checks read and the
    folders are the same (`VALIDATION_KEEP_RESULTS`: make serve's builds).
    The checks across files, and those that depend on the time, the theme or
    other files (dates, links, photos), run at every build."""

    def __init__(self):
        # (kind, path) -> (stamp, (Source without its body, problems)); what
        # the later checks need of the body is found (Source.links, .images).
        self.files = {}
        self.noted = {}  # setting -> the value the kept checks read
        self.place = None  # (working folder, content folder, its real path)
        self.photos = {}  # (photo path, PHOTO_MAX_MEGAPIXELS) -> (stamp, problem or None)

    def start(self, settings, place):
        """Forget everything unless the kept results still hold for `settings` at `place`."""
        if place != self.place or any(dict.get(settings, key, _ABSENT) != value for key, value in self.noted.items()):
            self.files, self.noted, self.place, self.photos = {}, {}, place, {}


def kept_or_made(kept, now, key, path, make):
    """`make()`'s value for the file at `path`, or the one `kept` (the last
    run's {key: (stamp, value)}) has while the file is the same (file_stamps);
    either goes into `now` with the file's stamp, taken before `make` reads the
    file.  Returns (the value, whether it was kept)."""
    stamp = stamp_of(path)
    entry = kept.get(key)
    was_kept = entry is not None and same_file(entry[0], stamp, path)
    value = entry[1] if was_kept else make()
    now[key] = (stamp, value)  # once the file is no longer recent, its status alone tells
    return value, was_kept


_KEPT = KeptChecks()


def kept_state():
    """What the kept checks hold, for the next start of make serve (tools/kept_reads.py)."""
    return _KEPT.files, _KEPT.noted, _KEPT.place, _KEPT.photos


def take_back(state):
    """`kept_state()` of an earlier process; `KeptChecks.start` still forgets
    it unless the settings and folders are the same."""
    if not _KEPT.files:
        _KEPT.files, _KEPT.noted, _KEPT.place, _KEPT.photos = state

STATS = {"kept": 0, "checked": 0}  # Markdown files of the last run: results kept / checks run


class Validator:
    def __init__(self, settings):
        self.keeping = bool(settings.get("VALIDATION_KEEP_RESULTS"))
        if self.keeping:
            settings = NotedSettings(settings)
            settings.noting = True  # what follows is read for every file's checks
        self.settings = settings
        self.root = Path(settings["PATH"])
        self.zone = ZoneInfo(settings.get("TIMEZONE", "UTC"))
        self.default_lang = settings["DEFAULT_LANG"]
        self.editions = settings.get("EDITIONS", {self.default_lang: {"path": ""}})
        self.sections = settings.get("SECTIONS", [])
        self.key_spelling = {key.lower(): key for key in settings.get("METADATA_KEYS", DEFAULT_METADATA_KEYS)}
        self.known_keys = list(self.key_spelling)
        self.problems = []
        self.sources = []
        self.originals = {}  # a translation's path -> (translation, original)
        # Files and URL paths of stories that a build now does not publish (drafts,
        # scheduled stories) -> why; links from published stories must not reach them.
        self.unpublished_files, self.unpublished_paths = {}, {}
        # For this run only: real paths of folders (shown_path) and slugs
        # (the same tags and authors come back in story after story).
        self.real_folders, self.slugs = {}, {}
        if self.keeping:
            settings.noting = False
            self.photos_now = {}  # the photos this run inspected or kept (KeptChecks.photos)

    def shown(self, path):
        return shown_path(path, self.root, self.real_folders)

    def fact(self, source, name, make):
        """`make()`: what the checks across files need of one file, found
        from its metadata and the settings alone.  Kept on the source, so
        make serve's next build (KeptChecks) does not find it again for the
        files that did not change; the settings it reads are noted like those
        of the file's own checks, and a change to one forgets every file."""
        facts = source.facts
        if facts is None:
            facts = source.facts = {}
        if name not in facts:
            if self.keeping:
                was, self.settings.noting = self.settings.noting, True
                try:
                    facts[name] = make()
                finally:
                    self.settings.noting = was
            else:
                facts[name] = make()
        return facts[name]

    def error(self, source, line, message):
        self.problems.append(Problem(source.shown if isinstance(source, Source) else source, line, message))

    def warn(self, source, line, message):
        self.problems.append(Problem(source.shown, line, message, warning=True))

    # -- reading ---------------------------------------------------------
    def read(self, kind, path):
        shown = self.shown(path)
        limit = int(self.settings.get("MAX_SOURCE_BYTES", DEFAULT_MAX_SOURCE_BYTES))
        size = path.stat().st_size
        if size > limit:
            self.error(shown, 1, f"the file is {size:,} bytes, more than a story may be ({limit:,} bytes, "
                                 "MAX_SOURCE_BYTES); remove pasted data or split the story")
            return None
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as failure:
            line = raw.count(b"\n", 0, failure.start) + 1
            column = failure.start - (raw.rfind(b"\n", 0, failure.start) + 1) + 1
            self.error(shown, line, f"not valid UTF-8 (byte 0x{raw[failure.start]:02x} at column {column}); "
                                    "save the file with UTF-8 encoding")
            return None
        source = Source(path=path, shown=shown, kind=kind)
        metadata, order, body, body_start = parse_markdown(text.removeprefix("\ufeff"))
        source.metadata, source.body, source.header_end = metadata, body, body_start
        first_line = {}
        for line, written, key in order:
            if key not in self.known_keys:
                synonym = KEY_SYNONYMS.get(key)
                nearest = ([synonym] if synonym in self.known_keys
                           else difflib.get_close_matches(key, self.known_keys, n=1, cutoff=0.6))
                hint = (f'did you mean "{self.key_spelling[nearest[0]]}"?' if nearest
                        else "valid keys: " + ", ".join(self.key_spelling.values()))
                self.error(source, line, f'unknown metadata key "{written}"; {hint}')
            elif key in first_line:
                self.error(source, line, f"{self.key_spelling[key]} is given twice (lines {first_line[key]} and "
                                         f"{line}); keep one (Pelican would use only one of them, or none)")
            first_line.setdefault(key, line)
        return source

    # -- one file --------------------------------------------------------
    def lang_of(self, source):
        return (source.value("lang") or self.default_lang).strip()

    def slugify_as_pelican(self, source, text, setting="SLUG_REGEX_SUBSTITUTIONS"):
        """The slug Pelican makes of `text` in the source's edition."""
        lang = self.lang_of(source)
        found = self.slugs.get((lang, setting, text))
        if found is None:
            overrides = self.settings.get("I18N_SUBSITES", {}).get(lang, {})

            def setting_of(name, default):
                return overrides.get(name, self.settings.get(name, default))
            subs = setting_of(setting, setting_of("SLUG_REGEX_SUBSTITUTIONS", []))
            found = self.slugs[(lang, setting, text)] = slugify(
                text, regex_subs=subs, use_unicode=setting_of("SLUGIFY_USE_UNICODE", False))
        return found

    def slug_of(self, source):
        slug = (source.value("slug") or "").strip()
        return slug or self.slugify_as_pelican(source, source.value("title") or "")

    def tags_of(self, source):
        return [tag.strip() for tag in (source.value("tags") or "").split(",") if tag.strip()]

    def check_file(self, source, now):
        self.check_text(source)
        self.check_against_now(source, now)
        self.check_status_and_template(source)

    def check_text(self, source):
        """What the file alone decides (with the settings): KeptChecks keeps it."""
        title = source.value("title")
        if title is None:
            self.error(source, 1, "missing Title; add a line \"Title: the headline\" at the top of the file")
        elif not title.strip():
            self.error(source, source.line_of("title"), "empty Title; write the headline after \"Title:\"")
        for key in ("title", "summary", "tags", "category", "slug", "author", "authors", "correction"):
            value = source.value(key)
            bad = unsafe_characters(value or "")
            if bad:
                names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}" for c in bad)
                self.error(source, source.line_of(key),
                           f"{key.capitalize()} contains invisible control characters ({names}); "
                           "delete them (retype the line if you cannot see them)")

        lang = self.lang_of(source)
        if lang not in self.editions:
            self.error(source, source.line_of("lang"),
                       f'unknown Lang "{lang}"; use one of: {", ".join(self.editions)}')
        elif source.kind == "article":
            self.check_section(source, lang)
        self.check_placeholders(source)
        self.check_authors(source)

        if not any(text.strip() for _, text in source.body):
            self.error(source, source.header_end, "the story has no body; write the text after the metadata "
                                                  "and one blank line")

        self.check_nesting(source)
        written_slug = source.value("slug")
        if written_slug is not None and written_slug.strip() and not SLUG_PATTERN.match(written_slug.strip()):
            self.error(source, source.line_of("slug"),
                       f'Slug "{written_slug.strip()}" cannot be a URL as it is; use lowercase letters a-z, digits '
                       'and single hyphens, for example "council-opens-bridge"')
        slug = self.slug_of(source)
        if not slug and (title or "").strip():
            self.error(source, source.line_of("title"),
                       "the Title has no letters or digits to make the URL from; add a Slug: of a few words")
        for tag in self.tags_of(source):
            if not self.slugify_as_pelican(source, tag, "TAG_REGEX_SUBSTITUTIONS"):
                self.error(source, source.line_of("tags"),
                           f'the tag "{tag}" has no letters or digits to make its URL from; reword it')
        if len(slug.encode()) > MAX_SLUG_BYTES:
            self.error(source, source.line_of("slug", source.line_of("title")),
                       f"the slug is {len(slug.encode())} bytes long, too long for a URL; "
                       f"give a Slug of a few words (at most {MAX_SLUG_BYTES} bytes)")

        summary = source.value("summary")
        limit = self.settings.get("META_DESCRIPTION_MAX_LENGTH", 160)
        if summary and len(summary) > limit:
            self.warn(source, source.line_of("summary"),
                      f"Summary is {len(summary)} characters; search results cut descriptions at {limit}, "
                      "shorten it")

    def check_against_now(self, source, now):
        """What depends on the build's time too (checked at every build)."""
        self.check_dates(source, now)
        self.check_correction(source, now)

    def moment_of(self, source, key, label=None):
        """The date of `key` as an aware datetime; None (and an error) if it is not one."""
        value = source.value(key)
        if value is None:
            return None
        try:
            return parse_iso_date(value, self.zone)
        except ValueError:
            self.error(source, source.line_of(key),
                       f'{label or key.capitalize()} "{value}" is not a date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM')
            return None

    @functools.cached_property
    def date_margins(self):
        """How far after the build a Modified or Correction_Date may be, and a Date."""
        return (timedelta(hours=self.settings.get("FUTURE_DATE_MARGIN_HOURS", 24)),
                timedelta(days=self.settings.get("SCHEDULE_MAX_DAYS_AHEAD", 366)))

    def check_dates(self, source, now):
        margin, ahead = self.date_margins
        if source.kind == "article" and source.value("date") is None:
            self.error(source, 1, "missing Date; add a line \"Date: YYYY-MM-DD\" (time optional: YYYY-MM-DD HH:MM)")
        date = self.moment_of(source, "date")
        if date is not None and date > now + ahead:
            self.error(source, source.line_of("date"),
                       f"Date {source.value('date')} is more than {ahead.days} days after the build's date "
                       f"({now:%Y-%m-%d %H:%M}); is the year right? (a story dated in the future is published "
                       "on that date)")
        modified = self.moment_of(source, "modified")
        if modified is not None and modified > max(now, date or now) + margin:
            self.error(source, source.line_of("modified"),
                       f"Modified {source.value('modified')} is in the future (the build's date is "
                       f"{now:%Y-%m-%d %H:%M}); date an update when it is made")
        if date is not None and modified is not None and modified < date:
            self.error(source, source.line_of("modified"),
                       f"Modified {source.value('modified')} is before Date {source.value('date')}; an update "
                       "comes after the story (correct one of them)")

    def check_placeholders(self, source):
        """What `make new` left for the editor to write, in a story to publish."""
        if self.is_draft(source):
            return
        for key in ("title", "summary"):
            if PLACEHOLDER in (source.value(key) or ""):
                self.error(source, source.line_of(key),
                           f'{key.capitalize()} still says "{PLACEHOLDER}"; write it (or keep "Status: draft" until '
                           "the story is ready)")
        for line, text in source.body:
            if PLACEHOLDER in text:
                self.error(source, line, f'the story still says "{PLACEHOLDER}"; write the text there (or keep '
                                         '"Status: draft" until the story is ready)')
                break

    def is_draft(self, source):
        return (source.value("status") or "").strip().lower() == "draft"

    def authors_of(self, source):
        return ensure_metadata_list(source.value("authors") or source.value("author") or "")

    def check_authors(self, source):
        if source.value("author") is not None and source.value("authors") is not None:
            self.error(source, source.line_of("author"),
                       'both "Author" and "Authors"; keep one line: "Authors: Jane Reporter, Ali Khan"')
        for name in self.authors_of(source):
            if not self.slugify_as_pelican(source, name, "AUTHOR_REGEX_SUBSTITUTIONS"):
                key = "authors" if source.value("authors") is not None else "author"
                self.error(source, source.line_of(key),
                           f'the author "{name}" has no letters or digits to make an author page URL from; '
                           "write the name")

    def check_correction(self, source, now):
        note, when = source.value("correction"), source.value("correction_date")
        if note is None and when is None:
            return
        if note is None:
            self.error(source, source.line_of("correction_date"),
                       'Correction_Date without a Correction; add "Correction: what was wrong and what is right", '
                       "or delete the line")
            return
        if not note.strip():
            self.error(source, source.line_of("correction"),
                       'empty Correction; write what was wrong and what is right, or delete the line')
        if when is None:
            self.error(source, source.line_of("correction"),
                       'Correction without a Correction_Date; add "Correction_Date: YYYY-MM-DD HH:MM", '
                       "when the story was corrected")
            return
        moment = self.moment_of(source, "correction_date", "Correction_Date")
        if moment is None:
            return
        try:
            date = parse_iso_date(source.value("date") or "", self.zone)
        except ValueError:
            date = None  # reported by check_dates
        margin = self.date_margins[0]
        if date is not None and moment < date:
            self.error(source, source.line_of("correction_date"),
                       f"Correction_Date {when} is before the story's Date {source.value('date')}; "
                       "a story is corrected after it is published")
        elif moment > max(now, date or now) + margin:
            self.error(source, source.line_of("correction_date"),
                       f"Correction_Date {when} is in the future (the build's date is {now:%Y-%m-%d %H:%M}); "
                       "date a correction when it is made")

    def check_status_and_template(self, source):
        status = source.value("status")
        if status is not None and status.strip().lower() not in STATUSES:
            self.error(source, source.line_of("status"),
                       f'unknown Status "{status.strip()}"; use one of: {", ".join(STATUSES)} '
                       "(or leave Status out to publish)")
        template = source.value("template")
        if template is None:
            return
        template = template.strip()
        allowed = self.settings.get("STORY_TEMPLATES", DEFAULT_STORY_TEMPLATES).get(source.kind, [])
        theme = Path(self.settings.get("THEME", "")) / "templates"
        if template not in allowed:
            self.error(source, source.line_of("template"),
                       f'Template "{template}" is not a template for {source.kind}s; use one of: '
                       f'{", ".join(allowed) or "(none)"} (STORY_TEMPLATES in pelicanconf.py), or leave Template out')
        elif not (theme / f"{template}.html").is_file():
            self.error(source, source.line_of("template"),
                       f'Template "{template}" is not in the theme ({theme.as_posix()}/{template}.html is missing)')

    def check_nesting(self, source):
        """Lists and quotes nested deeper than MAX_NESTING_DEPTH: Markdown's
        time and memory grow quickly with the depth (and it recurses)."""
        limit = int(self.settings.get("MAX_NESTING_DEPTH", DEFAULT_MAX_NESTING_DEPTH))
        in_code = False
        for line, text in source.body:
            if CODE_FENCE.match(text):
                in_code = not in_code
            if in_code or not text.strip():
                continue
            columns = len(text.expandtabs(4)) - len(text.expandtabs(4).lstrip(" "))
            depth, rest = columns // 4, text.expandtabs(4).lstrip(" ")
            while depth <= limit:
                marker = NESTING_MARKERS.match(rest)
                if not marker or not marker.group():
                    break
                depth += 1
                rest = rest[marker.end():]
            if depth > limit:
                self.error(source, line, f"lists or quotes are nested more than {limit} levels deep here "
                                         "(MAX_NESTING_DEPTH); Markdown would take minutes over this: flatten them")
                return

    def check_section(self, source, lang):
        category = source.value("category")
        names = [section[lang] for section in self.sections if lang in section]
        if category is None or not category.strip():
            self.error(source, source.line_of("category"),
                       f"missing Category; add \"Category: \" with a section: {', '.join(names)}")
        elif category.strip() not in names:
            self.error(source, source.line_of("category"),
                       f'unknown section "{category.strip()}" for Lang {lang}; use one of: {", ".join(names)} '
                       "(sections are SECTIONS in pelicanconf.py)")

    # -- across files ----------------------------------------------------
    def check_slugs_and_translations(self):
        seen = {}
        for source in self.sources:
            key = (source.kind, self.lang_of(source), self.slug_of(source))
            if not key[2]:
                continue  # reported by check_file
            if key in seen:
                self.error(source, source.line_of("slug", source.line_of("title")),
                           f'slug "{key[2]}" is already used by {seen[key].shown} ({key[1]}); '
                           "give one of them a different Slug")
            else:
                seen[key] = source
        for source in self.sources:
            original_lang = source.value("translated_from")
            if original_lang is None:
                continue
            original_lang = original_lang.strip()
            slug = self.slug_of(source)
            if not slug:
                continue
            if original_lang not in self.editions:
                self.error(source, source.line_of("translated_from"),
                           f'Translated_From "{original_lang}" is not a language of the paper; '
                           f'use one of: {", ".join(self.editions)}')
            elif (source.kind, original_lang, slug) not in seen:
                self.error(source, source.line_of("translated_from"),
                           f'translation of a missing original: no {original_lang} {source.kind} has Slug "{slug}"; '
                           "give this file the Slug of the original")
        for source in self.sources:
            original = seen.get((source.kind, (source.value("translated_from") or "").strip(), self.slug_of(source)))
            if original is not None and original is not source:
                self.originals[source.path] = (source, original)
        self.check_translated_bylines()

    def check_translated_bylines(self):
        """A translation names its original's authors, in order: the n-th
        name of a translation is the n-th author of the original (plugins/authors.py
        gives them one author page per edition)."""
        paired = {}  # (lang, name in a translation) -> (original's name, where)
        for source, original in self.originals.values():
            mine, theirs = self.authors_of(source), self.authors_of(original)
            line = source.line_of("authors", source.line_of("author", source.line_of("translated_from")))
            if len(mine) != len(theirs):
                self.error(source, line,
                           f"this translation names {len(mine)} author{'s' if len(mine) != 1 else ''} and its original "
                           f"{original.shown} {len(theirs)} ({', '.join(theirs) or 'no byline'}); a translation names "
                           "the same authors, in the same order, in its own script")
                continue
            for name, original_name in zip(mine, theirs):
                key = (self.lang_of(source), name)
                earlier = paired.setdefault(key, (original_name, source))
                if (self.slugify_as_pelican(original, earlier[0], "AUTHOR_REGEX_SUBSTITUTIONS")
                        != self.slugify_as_pelican(original, original_name, "AUTHOR_REGEX_SUBSTITUTIONS")):
                    self.error(source, line,
                               f'the author "{name}" stands for "{earlier[0]}" in {earlier[1].shown} but for '
                               f'"{original_name}" here; write each author\'s name the same way in every story')

    def scheduled_for(self, source, now):
        """When a story dated after the build (or the translation of one) appears; None if it is not held."""
        moments = []
        for story in (source, self.originals.get(source.path, (None, None))[1]):
            try:
                moments.append(parse_iso_date((story.value("date") or "") if story else "", self.zone))
            except ValueError:
                continue
        latest = max(moments, default=None)
        return latest if latest is not None and latest > now and source.kind == "article" else None

    def find_unpublished(self, now):
        """Record the stories this build does not publish, by file and by URL path."""
        for source in self.sources:
            scheduled = self.scheduled_for(source, now)
            reason = ("a draft (Status: draft)" if self.is_draft(source)
                      else f"scheduled for {scheduled:%Y-%m-%d %H:%M}" if scheduled else None)
            if reason:
                self.unpublished_files[self.real_path_of(source)] = reason
                url = self.url_path_of(source)
                if url is not None:
                    self.unpublished_paths[url] = reason

    def url_path_of(self, source):
        """The URL path (without leading slash) of a story or page, or None."""
        return self.fact(source, "url_path", lambda: self._url_path_of(source))

    def _url_path_of(self, source):
        edition = self.editions.get(self.lang_of(source), {})
        prefix = f"{edition.get('path', '')}/".lstrip("/")
        try:
            date = parse_iso_date(source.value("date") or "", self.zone)
        except ValueError:
            date = None
        setting = "ARTICLE_URL" if source.kind == "article" else "PAGE_URL"
        try:
            return prefix + self.settings.get(setting, "{slug}.html").format(slug=self.slug_of(source), date=date)
        except (AttributeError, TypeError, KeyError, ValueError):
            return None

    def site_paths(self):
        """URL paths (without leading slash) the site will have, for links."""
        paths = set()
        for lang, edition in self.editions.items():
            prefix = f"{edition.get('path', '')}/".lstrip("/")
            paths.add(prefix)
            for section in self.sections:
                paths.add(prefix + self.settings.get("CATEGORY_URL", "category/{slug}.html").format(slug=section["slug"]))
        for source in self.sources:
            url = self.url_path_of(source)
            if url is not None:
                paths.add(url)
        extra = self.settings.get("EXTRA_PATH_METADATA", {})
        for folder in self.settings.get("STATIC_PATHS", []):
            for path in (self.root / folder).rglob("*") if (self.root / folder).is_dir() else [self.root / folder]:
                if path.is_file():
                    relative = path.relative_to(self.root).as_posix()
                    paths.add(extra.get(relative, {}).get("path", relative))
        return paths

    @functools.cached_property
    def real_root(self):
        return self.root.resolve()

    def inside_content(self, path):
        return Path(os.path.abspath(path)).resolve().is_relative_to(self.real_root)

    @staticmethod
    def real_path_of(source):
        if source.real_path is None:
            source.real_path = source.path.resolve()
        return source.real_path

    def check_links(self, source, site_paths):
        publishing = self.real_path_of(source) not in self.unpublished_files
        for line, target in link_targets(source):
            problem = self.link_problem(source, target, site_paths)
            if not problem and publishing:
                problem = self.unpublished_link_problem(source, target)
            if problem:
                self.error(source, line, problem)

    def unpublished_link_problem(self, source, target):
        """A link from a published story to a draft or a story scheduled for later."""
        pelican = PELICAN_LINK.match(target)
        if pelican and (pelican["what"] or pelican["old"]) == "filename":
            path = re.split(r"[?#]", pelican["path"], maxsplit=1)[0]
            file = (self.root / path.lstrip("/")) if path.startswith("/") else (source.path.parent / path)
            reason = self.unpublished_files.get(file.resolve())
        elif not pelican and target.startswith("/"):
            url = re.split(r"[?#]", target, maxsplit=1)[0].lstrip("/").removesuffix("index.html")
            reason = self.unpublished_paths.get(url)
        else:
            reason = None
        if reason:
            return (f"link to a story that is not published: {target} is {reason}; "
                    "remove the link until that story is published")
        return None

    def link_problem(self, source, target, site_paths):
        # As a browser reads it (entities decoded, blanks and tabs dropped): a
        # disguised "java&#9;script:" is a URL with a scheme, which body_html judges.
        target = re.sub(r"[\t\n\r]", "", html.unescape(target).strip(" \t\n\r\f\v\0"))
        pelican = PELICAN_LINK.match(target)
        if pelican:
            what = pelican["what"] or pelican["old"]
            if what not in ("filename", "static", "attach"):
                return None
            path = re.split(r"[?#]", pelican["path"], maxsplit=1)[0]
            file = (self.root / path.lstrip("/")) if path.startswith("/") else (source.path.parent / path)
            if not self.inside_content(file):
                return f"link to a file outside the content folder: {target}; link only files of the site"
            if not file.is_file():
                return (f"link to a missing file: {target} (no {self.shown(file)}); "
                        "correct the path or add the file")
            return None
        if EXTERNAL.match(target):
            return None
        path = re.split(r"[?#]", target, maxsplit=1)[0]
        if not path:
            return None
        if path.startswith("/"):
            url = path.lstrip("/")
            if url.endswith("index.html"):
                url = url[: -len("index.html")]
            if url in site_paths:
                return None
            for edition in self.editions.values():
                prefix = f"{edition.get('path', '')}/".lstrip("/")
                bare = url[len(prefix):] if url.startswith(prefix) else None
                if bare is not None and bare.startswith(LISTING_PREFIXES) and not bare.startswith("section/"):
                    return None
            return f"link to a missing page: {target}; no story, page or file of the site has this address"
        if not self.inside_content(source.path.parent / path):
            return f"link to a file outside the content folder: {target}; link only files of the site"
        if not (source.path.parent / path).is_file():
            return (f"link to a missing file: {target}; link other content as {{filename}}path/to/story.md "
                    "and images as {static}path/to/image.jpg, relative to this file")
        return None

    def check_tag_urls(self):
        """Two different tags of one edition must not share a URL (Pelican
        would merge them into one page named after whichever came first)."""
        first = {}  # (lang, slug) -> (tag, source, line)
        for source in self.sources:
            lang = self.lang_of(source)
            for tag, slug in self.fact(source, "tag_slugs", lambda: tuple(
                    (tag, self.slugify_as_pelican(source, tag, "TAG_REGEX_SUBSTITUTIONS"))
                    for tag in self.tags_of(source))):
                if not slug:
                    continue  # reported by check_file
                seen = first.setdefault((lang, slug), (tag, source, source.line_of("tags")))
                if " ".join(seen[0].casefold().split()) != " ".join(tag.casefold().split()):
                    url = self.settings.get("TAG_URL", "tag/{slug}.html").format(slug=slug)
                    self.error(source, source.line_of("tags"),
                               f'the tag "{tag}" would share its page /{url} with the tag "{seen[0]}" of '
                               f"{seen[1].shown}:{seen[2]}; spell them alike, or reword one of them")

    def check_reserved_urls(self):
        """No story or page may take an address the site writes itself."""
        names, with_edition_paths = self.reserved  # from every *_SAVE_AS and *_URL setting: not a fact
        for source in self.sources:
            address = self.fact(source, "address", lambda: self.address_of(source))
            if address is None:
                continue
            line, url, first, stem, edition_path = address
            taken = with_edition_paths if edition_path == "" else names
            if first in taken or stem in taken:
                self.error(source, line, f"the {source.kind}'s address /{url} is one the site writes itself "
                                         f"(/{first}); give it another Slug")

    @functools.cached_property
    def reserved(self):
        """The paths the site writes itself: (for every edition, for the main edition)."""
        names = reserved_names(self.settings)
        edition_paths = {edition.get("path", "") for edition in self.editions.values()} - {""}
        return names, names | edition_paths

    def address_of(self, source):
        """(line, URL path, its first segment, that without extension, the
        edition's path) of a story whose URL pattern starts with a field, else None."""
        slug = self.slug_of(source)
        if not slug:
            return None
        setting = "ARTICLE_URL" if source.kind == "article" else "PAGE_URL"
        pattern = self.settings.get(setting, "{slug}.html")
        try:
            date = parse_iso_date(source.value("date") or "", self.zone)
        except ValueError:
            date = None
        try:
            url = pattern.format(slug=slug, date=date, lang=self.lang_of(source))
        except (AttributeError, TypeError, KeyError, ValueError, IndexError):
            return None
        first, literal = url.lstrip("/").split("/", 1)[0], pattern.lstrip("/").split("/", 1)[0]
        if "{" not in literal:
            return None
        return (source.line_of("slug", source.line_of("title")), url, first, first.rsplit(".", 1)[0],
                self.editions.get(self.lang_of(source), {}).get("path", ""))

    # -- the whole content folder ----------------------------------------
    def checked(self, kind, path, files):
        """The file read and `check_text`ed, or its results kept from the last
        run (KeptChecks); `files` collects what the next run may keep."""
        if not self.keeping:
            source = self.read(kind, path)
            if source is not None:
                self.check_text(source)
            return source

        def check():
            before = len(self.problems)
            self.settings.noting = True
            try:
                source = self.read(kind, path)
                if source is not None:
                    self.check_text(source)
                    source.links, source.images, source.body = link_targets(source), image_targets(source), []
            finally:
                self.settings.noting = False
            problems = tuple(self.problems[before:])
            del self.problems[before:]
            return source, problems

        (source, problems), was_kept = kept_or_made(_KEPT.files, files, (kind, str(path)), path, check)
        STATS["kept" if was_kept else "checked"] += 1
        self.problems.extend(problems)
        return source

    def run(self):
        now = build_time(self.zone)
        STATS.update(kept=0, checked=0)
        files = {}
        if self.keeping:
            _KEPT.start(self.settings, (os.getcwd(), str(self.root), os.path.realpath(self.root)))
        for found in content_sources(self.settings):
            problem = format_problem(found)
            if problem:
                self.error(self.shown(found.path), 1, problem)
            elif found.kind in ("article", "page") and found.path.suffix in MARKDOWN_EXTENSIONS:
                source = self.checked(found.kind, found.path, files)
                if source is not None:
                    self.sources.append(source)
                    self.check_against_now(source, now)
                    self.check_status_and_template(source)
            elif found.kind in ("article", "page") and found.path.suffix.lower() not in BESIDE_STORIES:
                self.problems.append(Problem(
                    self.shown(found.path), 1, "this file is neither a story (.md) nor a photo, and is "
                    "not published; rename it to .md if it is a story, or move it out of the folder", warning=True))
        self.check_slugs_and_translations()
        self.check_tag_urls()
        self.check_reserved_urls()
        self.find_unpublished(now)
        site_paths = self.known_site_paths = self.site_paths()
        for source in self.sources:
            self.check_links(source, site_paths)
            check_photos(self, source)
        if self.keeping:
            _KEPT.files = files
            _KEPT.noted.update(self.settings.noted)
            _KEPT.photos = self.photos_now
        return sorted(self.problems)


URL_SETTING = re.compile(r"^(?:[A-Z0-9_]+_(?:SAVE_AS|URL)|[A-Z0-9_]*FEED_[A-Z0-9_]*(?:ATOM|RSS)[A-Z0-9_]*)$")


def reserved_names(settings):
    """First path segments the site itself writes at the top of an edition:
    every literal folder or file of a ``*_SAVE_AS``, ``*_URL`` or feed
    setting (search, paper, archive, section, tag, feeds…), the direct
    templates (index, 404, robots…), the theme, photo and Pagefind folders,
    the static files, the first pagination folder, the edition folders and
    ``RESERVED_PATHS`` (what tools outside Pelican write, such as the CMS at
    /admin/).  A file name is reserved with and without its extension."""
    values = [value for key, value in settings.items() if URL_SETTING.match(key) and isinstance(value, str)]
    for template in settings.get("DIRECT_TEMPLATES", []):
        values.append(settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html"))
    values += [settings.get("THEME_STATIC_DIR", "theme"), settings.get("PAGEFIND_OUTPUT_SUBDIR", ""),
               settings.get("SITEMAP_SAVE_AS", "sitemap.xml"), settings.get("PHOTO_OUTPUT_DIR", ""),
               *settings.get("RESERVED_PATHS", [])]
    values += [edition.get("path", "") for edition in settings.get("EDITIONS", {}).values()]
    for _, url, save_as in settings.get("PAGINATION_PATTERNS", ()):
        values += [url.format(base_name="", number=2, url="", save_as=""),
                   save_as.format(base_name="", number=2, url="", save_as="")]
    for folder in settings.get("STATIC_PATHS", []):
        values.append(folder)
    values += [meta.get("path", "") for meta in settings.get("EXTRA_PATH_METADATA", {}).values()]
    names = set()
    for value in values:
        if not value or "://" in value:
            continue
        first = value.lstrip("/").split("/", 1)[0]
        if first and "{" not in first:
            names.update({first, first.rsplit(".", 1)[0]})
    return names
# -- photos (plugins/photos.py) ----------------------------------------------
# Markdown images ![alt](target "title") and HTML <img> tags of a story's body.
MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.I)
HTML_ATTRIBUTE = re.compile(r"""\b(?P<name>[a-zA-Z-]+)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s>]+))""")
SHOWN_AS_IS = (".svg",)  # images published as they are (no pixels to resize, no EXIF)
PHOTO_TEXT_KEYS = ("image_alt", "image_caption", "image_credit")


def photo_file_problem(validator, file):
    """What is wrong with a photo file (None when it can be published)."""
    from photos import PhotoError, inspect_photo

    found = validator.__dict__.setdefault("_photo_problems", {})
    if file not in found:
        limit = validator.settings.get("PHOTO_MAX_MEGAPIXELS", 50)

        def inspect():
            try:
                inspect_photo(file, limit)
                return None
            except PhotoError as error:
                return str(error)

        if validator.keeping:
            found[file], _ = kept_or_made(_KEPT.photos, validator.photos_now, (file, limit), file, inspect)
        else:
            found[file] = inspect()
    return found[file]


def check_lead_photo(validator, source):
    """Image, Image_Alt, Image_Caption, Image_Credit."""
    from photos import is_photo_path, target_file

    image = source.value("image")
    for key in PHOTO_TEXT_KEYS:
        value = source.value(key)
        label = key.title()
        if value is not None and image is None:
            validator.error(source, source.line_of(key), f"{label} without Image; add \"Image: photo.jpg\" "
                                                         "(the photo file beside the story) or remove this line")
        bad = unsafe_characters(value or "")
        if bad:
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}" for c in bad)
            validator.error(source, source.line_of(key), f"{label} contains invisible control characters ({names}); "
                                                         "delete them (retype the line if you cannot see them)")
    if image is None:
        return
    line = source.line_of("image")
    if not image.strip():
        validator.error(source, line, "empty Image; write the photo's file name, e.g. \"Image: market.jpg\"")
        return
    if not (source.value("image_alt") or "").strip():
        validator.error(source, source.line_of("image_alt", line),
                        "Image_Alt is required with Image: describe what the photo shows for readers who cannot "
                        "see it, e.g. \"Image_Alt: Traders unload sacks of rice at the market\"")
    file = target_file(image, source.path, validator.settings)
    if EXTERNAL.match(image.strip()):
        validator.error(source, line, f"Image {image} is on another site; the paper publishes only its own "
                                      "photos: save the file beside the story and write its name")
    elif file is None or not is_photo_path(file):
        validator.error(source, line, f"Image {image} is not a photo file; use a .jpg, .jpeg, .png, .webp, "
                                      ".avif or .gif file beside the story")
    elif not file.is_file():
        validator.error(source, line, f"Image {image}: no such file ({validator.shown(file)}); "
                                      "put the photo in the same folder as the story")
    else:
        problem = photo_file_problem(validator, file)
        if problem:
            validator.error(source, line, f"Image {image}: {problem}")


def lines_outside_code(source):
    """(line, text) of the body but fenced and indented code."""
    in_code = False
    for line, text in source.body:
        if CODE_FENCE.match(text):
            in_code = not in_code
        if not in_code and not text.startswith(("    ", "\t")):
            yield line, text


def link_targets(source):
    """(line, target) of each link and image of the body, outside code (code
    shows links, it does not make them)."""
    if source.links is not None:
        return source.links
    found = []
    for line, text in lines_outside_code(source):
        # Most lines have no link: each pattern needs "](" or "=" to match.
        targets = [m["target"] for m in INLINE_LINK.finditer(text)] if "](" in text else []
        targets += [m["target"] for m in HTML_LINK.finditer(text)] if "=" in text else []
        definition = REFERENCE_DEFINITION.match(text)
        if definition:
            targets.append(definition["target"])
        found += [(line, target) for target in targets]
    return found


def image_targets(source):
    """(line, alt, target) of each image of the body, outside code."""
    if source.images is not None:
        return source.images
    found = []
    for line, text in lines_outside_code(source):
        found += [(line, m["alt"], m["target"]) for m in MARKDOWN_IMAGE.finditer(text)]
        for tag in HTML_IMAGE.finditer(text):
            attributes = {m["name"].lower(): m["double"] if m["double"] is not None else
                          m["single"] if m["single"] is not None else m["bare"]
                          for m in HTML_ATTRIBUTE.finditer(tag[0])}
            found.append((line, attributes.get("alt"), attributes.get("src", "")))
    return found


def check_inline_photos(validator, source):
    """Images in the body: alt text, our own host, a format browsers show."""
    from photos import is_photo_path, target_file

    for line, alt, target in image_targets(source):
        if EXTERNAL.match(target) and not target.startswith("#") and not PELICAN_LINK.match(target):
            continue  # images of other sites and data: URLs are body_html's (BODY_HTML_UNSAFE)
        file = target_file(target, source.path, validator.settings)
        if not (alt or "").strip():
            validator.error(source, line, f"image {target} has no alt text; write what it shows between the "
                                          "brackets: ![Traders unload rice at the market](photo.jpg)")
        if file is None:
            path = re.split(r"[?#]", PELICAN_LINK.sub(lambda m: m["path"], target), maxsplit=1)[0]
            local = (validator.root / path.lstrip("/")) if path.startswith("/") else source.path.parent / path
            # A path that leaves the content folder is reported by check_links.
            if path and not path.lower().endswith(SHOWN_AS_IS) and validator.inside_content(local):
                validator.error(source, line, f"image {target} is not a photo file; use a .jpg, .jpeg, "
                                              ".png, .webp, .avif, .gif or .svg file")
        elif is_photo_path(file) and file.is_file():  # a missing file is reported by check_links
            problem = photo_file_problem(validator, file)
            if problem:
                validator.error(source, line, f"image {target}: {problem}")


def check_photos(validator, source):
    check_lead_photo(validator, source)
    check_inline_photos(validator, source)


def strict(settings, environ=os.environ):
    return bool(settings.get("STRICT")) or environ.get("STRICT", "") not in ("", "0")


_LAST_RUN = {}  # the site paths of the main site's last full run, for validate_changed()


class ContentProblems(SystemExit):
    """The content has problems that stop the build; they have been printed.
    A SystemExit, so that it passes Pelican's `except Exception` handler: the
    command exits with status 1 and no traceback.  `make serve` reads
    `problems` for its error overlay."""

    def __init__(self, problems):
        super().__init__(1)
        self.problems = problems


def report(problems, settings):
    for problem in problems:
        print(problem, file=sys.stderr)
    fatal = [p for p in problems if not p.warning or strict(settings)]
    if fatal:
        sys.stderr.flush()
        raise ContentProblems(fatal)


def validate_content(pelican):
    settings = pelican.settings
    if not is_main_site(settings):
        return  # a language subsite: the main site checked every file
    validator = Validator(settings)
    problems = validator.run()
    _LAST_RUN["site_paths"] = validator.known_site_paths
    _LAST_RUN["unpublished"] = (validator.unpublished_files, validator.unpublished_paths)
    report(problems, settings)


def validate_changed(settings, paths):
    """Check edited stories as a full run would, for make serve's quick rebuilds
    (tools/incremental.py), which happen only for stories and only when an edit
    moves nothing: the checks across files (slugs, translations, link targets)
    keep their outcome."""
    site_paths = _LAST_RUN.get("site_paths")
    if site_paths is None:
        return validate_content(SimpleNamespace(settings=settings))
    checked = Validator(settings)
    checked.unpublished_files, checked.unpublished_paths = _LAST_RUN.get("unpublished", ({}, {}))
    now = build_time(checked.zone)
    for path in map(Path, paths):
        source = checked.read("article", path)
        if source is not None:
            checked.check_file(source, now)
            checked.check_links(source, site_paths)
            check_photos(checked, source)
    report(sorted(checked.problems), settings)


def validate_changed_bodies(settings, paths):
    """For make serve's quick rebuilds, once Pelican's reader has read the
    edited stories: what plugins/body_html.py found in their body's HTML
    (validate_changed runs before the reader, so it cannot know)."""
    body_html = sys.modules.get("body_html") if "body_html" in settings.get("PLUGINS", []) else None
    if body_html is None:
        return
    checked = Validator(settings)
    for path in map(Path, paths):
        found = body_html.problems_for(path)
        source = checked.read("article", path) if found else None
        for line, message in found if source is not None else ():
            if settings.get("BODY_HTML_UNSAFE", "error") == "warning":
                checked.warn(source, line, message + " (left out of the published page)")
            else:
                checked.error(source, line, message)
    report(sorted(checked.problems), settings)


def register():
    signals.initialized.connect(validate_content)
