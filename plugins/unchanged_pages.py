"""A publish build finishes only the pages that changed; the others are the live site's files, linked.

Every page of the publish build goes through three steps after Pelican
writes it: ``minify``, ``fingerprint`` (asset names relinked) and
``compressed_copies`` (``.br``, ``.gz``).  Each is a pure function of the
page's bytes as Pelican wrote them and of a few things shared by every page:
the settings of those steps, the code and versions that do them, and the
theme's static files as the build wrote them (the stylesheet, the scripts and
the Urdu font subset, whose bytes decide the fingerprinted names).  So a page
whose written bytes are those of the page the live site was built from, in a
build where the shared things are the same, would come out of the three steps
as the live site's file, byte for byte.  When one story changes, that is
nearly every page of the paper.

Two steps of ``pipeline``, in ``publishconf.py``'s list:

* ``unchanged_pages`` (before ``minify``): hashes every ``.html`` file of the
  new tree as written and reads the record that the build of the live site
  left (below).  A page is *unchanged* when the record holds the same digest
  for its path under the same *finishing key* (the shared things above), and
  the live site's page and its compressed copies are still the files the
  record describes (inode, size, modification time and mode: a file
  edited, replaced or made read-only since is not trusted).  ``minify``, ``fingerprint`` and
  ``compressed_copies`` leave the unchanged pages alone (`unchanged`).
* ``link_unchanged_pages`` (last): puts each unchanged page and its
  compressed copies in place as hard links to the live site's files (copies
  where the file system has no links), by replacing, never by writing into a
  file, so nothing a build does can reach the live site through a link;
  then writes the record of the new tree.

The record is JSON; tools/build.py names its files and moves the new one
beside the output folder (``.output.pages.json``) once the new tree is
swapped in, through the environment: ``BUILD_LIVE_OUTPUT`` (the folder the
build replaces), ``BUILD_PAGE_RECORD`` (its record), ``BUILD_PAGE_RECORD_NEW``
(where this build writes its own).  Without them (Pelican run by hand), every
page is finished, and no record is written.  A record that cannot be read is
no record: the build finishes every page.

Pelican still renders every page: which pages a change touches is known only
once they are rendered (tools/incremental.py names them for ``make serve``;
the publish build has no such record yet).

What the stamp cannot see: an edit of a live page by hand that keeps its
size within one tick of a coarse file system clock (FAT's 2 s), and a write
into a live page in the moment between the links and the swap (``make
serve`` builds in place into the folder it serves, without the build's lock:
run it on another folder than the one ``make publish`` replaces).

Why our own: the ecosystem's minifier and precompressor (pelican-minify,
pelican-precompress) work on every file of a fresh output folder on every
build, and nothing in Pelican links unchanged output.  Not a Pelican plugin
(nothing to register): steps of ``pipeline``, like the others.

Settings read: ``PIPELINE_STEPS``, ``THEME_STATIC_DIR``, the settings of
``minify_site``, ``fingerprint`` and ``compressed_copies`` (`FINISHING_SETTINGS`).
"""

import hashlib
import json
import logging
import os
import sys
import zlib
from importlib.metadata import version
from pathlib import Path

from processes import chunks, files_under, link_or_copy, map_on_every_core

logger = logging.getLogger(__name__)

RECORD_VERSION = 1
# The settings that change what the three per-page steps make of a page.
FINISHING_SETTINGS = (
    "PIPELINE_STEPS", "HTML_MIN", "CSS_MIN", "INLINE_CSS_MIN", "INLINE_JS_MIN", "THEME_STATIC_DIR", "CSS_FILE",
    "URDU_FONT_FILE", "THEME_URL", "STYLESHEET", "PRECOMPRESS_BROTLI", "PRECOMPRESS_GZIP",
    "PRECOMPRESS_BROTLI_QUALITY", "PRECOMPRESS_BROTLI_LARGE_FILE_SIZE", "PRECOMPRESS_BROTLI_LARGE_FILE_QUALITY",
    "PRECOMPRESS_MIN_SIZE", "PRECOMPRESS_TEXT_EXTENSIONS",
)
# The modules whose code makes a page's final bytes.
FINISHING_MODULES = ("minify_site", "fingerprint", "compressed_copies", "unchanged_pages")
COPY_SUFFIXES = (".br", ".gz")
PAGES_PER_TASK = 256  # pages hashed by one task of a process per CPU

# One build's findings, by its output folder: the steps of one Pelican run
# share them (``unchanged_pages`` finds, the others ask).
_BUILDS = {}


class PageChangedMeanwhile(RuntimeError):
    pass


class Finishing:
    """What ``unchanged_pages`` found in one build's output folder."""

    def __init__(self, key, digests, unchanged, previous):
        self.key = key
        self.digests = digests  # page (relative, forward slashes) -> digest of its bytes as written
        self.unchanged = unchanged  # page -> its entry in the previous record
        self.previous = previous  # the live output folder (a string), or None
        self.cache_names = {}  # page -> {suffix: name of its copy in compressed_copies' cache}
        self.paths = None  # the unchanged pages as paths in the output folder, once asked for


def stamp(path):
    """What tells a live file from one edited, replaced or made read-only since
    (the mode: a linked file keeps the live file's)."""
    status = os.stat(path)
    return [status.st_ino, status.st_size, status.st_mtime_ns, status.st_mode]


def page_digests(task):
    output, pages = task
    return [(page.relative_to(output).as_posix(), hashlib.blake2b(page.read_bytes(), digest_size=16).hexdigest())
            for page in pages]


def plain(value):
    """`value` as JSON can say it, the same in every build (sets sorted)."""
    if isinstance(value, (set, frozenset)):
        return sorted(plain(item) for item in value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def finishing_key(output, settings):
    """A digest of everything but a page's own bytes that its final files depend on."""
    digest = hashlib.blake2b(digest_size=16)
    facts = {
        "record": RECORD_VERSION,
        "settings": {name: plain(settings.get(name)) for name in FINISHING_SETTINGS},
        # zlib: the system's library on Linux, which an update changes under the same Python.
        "versions": [version("minify-html"), version("brotli"), zlib.ZLIB_RUNTIME_VERSION, sys.version],
    }
    digest.update(json.dumps(facts, sort_keys=True).encode())
    for name in FINISHING_MODULES:
        digest.update(Path(sys.modules[name].__file__).read_bytes() if name in sys.modules else name.encode())
    theme = Path(output) / settings["THEME_STATIC_DIR"]
    for path in files_under(theme) if theme.is_dir() else ():
        digest.update(path.relative_to(output).as_posix().encode() + b"\0")
        digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return digest.hexdigest()


def read_record(path):
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION \
            or not isinstance(record.get("pages"), dict):
        return None
    return record


def live_files_intact(live, page, entry):
    """Whether the live page and its copies are still the files `entry`
    describes (`live`: the live folder, a string: this runs for every page)."""
    source = os.path.join(live, page)
    try:
        if stamp(source) != entry["stamp"]:
            return False
        return all(stamp(source + suffix) == copy[1:] for suffix, copy in entry["copies"].items())
    except (OSError, KeyError, TypeError, AttributeError, ValueError):
        return False  # the file, or the record's entry for it, is not what it should be


def find_unchanged_pages(output, settings, environ=os.environ):
    """The pipeline's ``unchanged_pages`` step."""
    output = Path(output)
    _BUILDS.clear()  # one build at a time in a process: nothing of an earlier, failed one
    pages = files_under(output, [".html"])
    tasks = [(output, share) for share in chunks(pages, PAGES_PER_TASK)]
    digests = dict(pair for pairs in map_on_every_core(page_digests, tasks) for pair in pairs)
    key = finishing_key(output, settings)
    unchanged = {}
    live = environ.get("BUILD_LIVE_OUTPUT")
    record = read_record(environ["BUILD_PAGE_RECORD"]) if live and environ.get("BUILD_PAGE_RECORD") else None
    if record is not None and record.get("key") == key:
        recorded = record["pages"]
        for page, digest in digests.items():
            entry = recorded.get(page)
            if isinstance(entry, dict) and entry.get("digest") == digest and isinstance(entry.get("copies"), dict) \
                    and live_files_intact(live, page, entry):
                unchanged[page] = entry
    _BUILDS[str(output)] = Finishing(key, digests, unchanged, live or None)
    if record is not None:
        logger.info("%d of %d pages unchanged since the live site was built", len(unchanged), len(digests))


def finishing(output):
    return _BUILDS.get(str(Path(output)))


def unchanged(output):
    """The pages (paths in `output`) that the per-page steps leave alone."""
    found = finishing(output)
    if found is None:
        return frozenset()
    if found.paths is None:
        found.paths = frozenset(Path(output) / page for page in found.unchanged)
    return found.paths


def kept_cache_names(output):
    """The cache entries of the unchanged pages' compressed copies (kept by the cache's pruning)."""
    found = finishing(output)
    if found is None:
        return set()
    return {copy[0] for entry in found.unchanged.values() for copy in entry["copies"].values()}


def note_cache_names(output, names_by_path):
    """``compressed_copies`` tells which cache entry each page's copies came from."""
    found = finishing(output)
    if found is None:
        return
    for path, names in names_by_path.items():
        page = Path(path).relative_to(output).as_posix()
        if page in found.digests:
            found.cache_names[page] = names


def replace_with_link(source, target):
    """Put `source` at `target` as a hard link (a copy where links cannot be
    made), in place of whatever `target` was (a file of this build's own
    folder, which nothing serves yet), without writing into it.  Strings,
    not paths: this runs for every file of every unchanged page."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    return link_or_copy(source, target)


def link_unchanged_pages(output, settings, environ=os.environ):
    """The pipeline's ``link_unchanged_pages`` step (after every step that writes a page)."""
    found = _BUILDS.pop(str(Path(output)), None)
    if found is None:
        return
    output, live = os.fspath(output), found.previous
    kept = {}
    for page, entry in found.unchanged.items():
        if not live_files_intact(live, page, entry):
            raise PageChangedMeanwhile(f"{os.path.join(live, page)} changed while the site was being built; "
                                       "build again")
        source, target = os.path.join(live, page), os.path.join(output, page)
        linked = replace_with_link(source, target)
        for suffix in entry["copies"]:
            linked &= replace_with_link(source + suffix, target + suffix)
        if linked:
            kept[page] = entry  # the same files: a link changes neither their size nor their time
        found.cache_names[page] = {suffix: copy[0] for suffix, copy in entry["copies"].items()}
    target = environ.get("BUILD_PAGE_RECORD_NEW")
    if not target:
        return
    pages = {}
    for page, digest in found.digests.items():
        if page in kept:
            pages[page] = kept[page]
            continue
        path = os.path.join(output, page)
        names = found.cache_names.get(page, {})
        present = [suffix for suffix in COPY_SUFFIXES if os.path.isfile(path + suffix)]
        if any(suffix not in names for suffix in present):
            continue  # a copy of unknown origin: the next build finishes this page again
        copies = {suffix: [names[suffix], *stamp(path + suffix)] for suffix in present}
        pages[page] = {"digest": digest, "stamp": stamp(path), "copies": copies}
    record = {"version": RECORD_VERSION, "key": found.key, "pages": pages}
    Path(target).write_text(json.dumps(record, separators=(",", ":")), encoding="utf-8")
