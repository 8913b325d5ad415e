"""Static search: Pagefind indexes of both editions, in chunks of a bounded size.

When the whole build has been written (the ``search_index`` step of
``pipeline``, after both editions), this module finds the story pages of the
output folder (those with ``data-pagefind-body``; with tools/build.py, the
staging folder, before it is swapped in) and groups each edition's stories
into chunks of consecutive months, at most ``PAGEFIND_CHUNK_STORIES`` stories
each (``story_chunks``; a paper of up to that many stories per edition has one
chunk per edition; a month is never split, so a single month of more stories
than that is a chunk of its own, bigger).  The Pagefind binary shipped by the pinned
``pagefind[extended]`` PyPI package indexes each chunk on its own, into
``<output>/PAGEFIND_OUTPUT_SUBDIR/<lang>/<first month>/``
(``pagefind/en/2021-01/``), and each edition gets the list of its chunks,
newest first: ``pagefind/<lang>/chunks.json``, ``{"chunks": ["2024-02",
"2021-01"]}``.  The search page (theme/static/js/search.js) searches every
chunk of its edition and merges the results: by Pagefind's score, or, newest
first, chunk after chunk.

Why chunks: Pagefind holds every page's words until it writes its index,
about 150-180 kB per story; one run over the whole paper took 1 GB at 5,000
stories and would take about 20 GB at 100,000.  A run per chunk holds one
chunk of one edition at a time (about 1.75 GB at the default of 10,000
stories), and a build indexes again only the chunks whose pages changed (the
cache below; a story added to or removed from an old month moves the bounds
of the chunks after it, which are then indexed again).  The cost is the
reader's and the ranking's, past the first chunk: a search page loads each
chunk's script, WebAssembly and index, and Pagefind scores a result by the
statistics of its own chunk.

What is indexed is chosen in the templates: only the element marked
``data-pagefind-body`` (the article: headline and body), less anything marked
``data-pagefind-ignore``.  Its ``data-pagefind-sort="date:…"`` gives the
month (a story without one goes in a last chunk, ``undated``).  A page
belongs to the edition whose ``EDITIONS`` folder it is in (the one with no
folder otherwise).  Pagefind is given a folder of hard links to
the chunk's pages only (copies where links are not possible), so any
``ARTICLE_SAVE_AS`` works, and URLs are the pages' own.  The bundle files of
Pagefind's ready-made interfaces (``pagefind-ui.js`` and the like), which the
site does not use, are not published.

A failed indexing run fails the build.

A publish build (every build but ``make serve``'s) does not run Pagefind for
a chunk whose pages are the same as in a previous build: its bundle is kept
in ``CACHE_PATH/pagefind/<key>/``, where ``<key>`` is the SHA-256 of the
Pagefind version, our options, the chunk's edition and name and the path and
bytes of each of its pages at the moment Pagefind would run (after
``urdu_font``, before ``minify_site`` rewrites them), and it is put back as
hard links (copies where links are not possible).  Pagefind names its files
by content and we sort its entry file, so the bundle put back is byte for
byte the one it would write.  A file ``complete`` with the SHA-256 of each
file of the bundle is written last; an entry without it, or whose files no
longer match it, is ignored (and removed) and Pagefind runs.  The cache keeps
the bundles this build used and as many others, the most recently used (a
build that undoes a change finds the previous one), and a cache that cannot
be read or written never fails the build: it is a warning, and Pagefind runs.
A step after this one that rewrites a file of the bundle (minify_site, the
stylesheets) must replace the file, not write into it, or it would write into
the cache through the link.

``make serve`` (the ``search_index_in_background`` step instead, see
``pipeline``) does not wait for Pagefind: the browser reloads as soon as the
pages are written; a second later, if no other rebuild came, the chunks are
indexed (no cache: a chunk whose pages did not change since the served index
is linked from it) into a hidden folder that replaces ``pagefind/`` when it
is complete.  The next rebuild stops a run that has not finished;
``wait_for_background()`` waits for the current one.

Why our own: there is no maintained Pelican plugin for Pagefind.

Settings read: ``CACHE_PATH``, ``EDITIONS``, ``DEFAULT_LANG``,
``PAGEFIND_OUTPUT_SUBDIR`` (default ``pagefind``), ``PAGEFIND_CHUNK_STORIES``
(default 10,000).
"""

import atexit
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from processes import link_or_copy

logger = logging.getLogger(__name__)
DEFAULT_SUBDIR = "pagefind"
# The attribute in a tag, not the same words in a page's text (escaped there: &lt;).
STORY_MARK = re.compile(rb"<[a-zA-Z][^<>]*\sdata-pagefind-body[\s=/>]")
# Quoted or not: a minified page (a test's, a step's order changed) may leave the quotes out.
STORY_MONTH = re.compile(rb"""data-pagefind-sort=["']?date:(\d{4})-(\d{2})""")
# About 175 kB of Pagefind's memory per story: about 1.75 GB for a chunk.
DEFAULT_CHUNK_STORIES = 10_000
UNDATED = "undated"
MANIFEST = "chunks.json"
# The bundle's files for Pagefind's ready-made interfaces; search.js uses pagefind.js only.
UNUSED_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


class Stopped(Exception):
    """A background run was stopped: its pages are about to change."""


def pagefind_command(site, bundle):
    # `python -m pagefind` runs the binary of pagefind_bin_extended when it
    # is installed (the `extended` extra), which segments non-Latin scripts.
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(bundle), "--silent"]


def edition_folders(settings):
    """[(folder, lang)], the longest folder first; the edition without a folder last."""
    editions = settings.get("EDITIONS") or {settings.get("DEFAULT_LANG", "en"): {}}
    return sorted(((edition.get("path", "").strip("/"), lang) for lang, edition in editions.items()),
                  key=lambda pair: -len(pair[0]))


def edition_of(page, folders):
    for folder, lang in folders:
        if not folder or page.startswith(folder + "/"):
            return lang
    return None  # in an edition's folder only, when every edition has one


def html_pages(output, subdir):
    """(path, bytes) of every .html file outside the bundle and hidden folders, in path order."""
    pages = []
    for folder, folders, files in os.walk(output):
        relative = Path(folder).relative_to(output)
        if relative == Path("."):
            folders[:] = [name for name in folders if name != subdir and not name.startswith(".")]
        pages += [(relative / name).as_posix() for name in files if name.endswith(".html")]
    for page in sorted(pages):
        yield page, (output / page).read_bytes()


class Chunk:
    """Story pages of one edition, of consecutive months, and what Pagefind would read of them."""

    def __init__(self, lang, name):
        self.lang, self.name, self.pages, self._digests = lang, name, [], []
        self._key = None

    def add(self, page, digest):
        self.pages.append(page)
        self._digests.append(digest)

    @property
    def folder(self):
        return f"{self.lang}/{self.name}"

    def key(self):
        """Computed once (the cache, the prune and make serve's record each ask),
        after ``story_chunks`` has added every page."""
        if self._key is None:
            digest = hashlib.sha256(f"{self.lang}\0{self.name}".encode())
            for page, page_digest in zip(self.pages, self._digests):
                digest.update(f"\0{page}\0{page_digest}".encode())
            self._key = bundle_key(digest.hexdigest())
        return self._key


def chunk_limit(settings):
    """``PAGEFIND_CHUNK_STORIES``, checked (``pipeline`` checks it before anything is built)."""
    limit = settings.get("PAGEFIND_CHUNK_STORIES", DEFAULT_CHUNK_STORIES)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"PAGEFIND_CHUNK_STORIES is {limit!r}: it must be a whole number of stories, 1 or more")
    return limit


def story_chunks(output, subdir, settings):
    """{lang: [Chunk, newest first]} of every edition (an edition without
    stories has none): each edition's months, oldest first, go into a chunk
    until the next month would take it over ``PAGEFIND_CHUNK_STORIES``; a
    chunk is named by its first month (``2024-01``).  Chunks from the oldest
    story on keep their bounds when stories are added to the newest."""
    folders = edition_folders(settings)
    limit = chunk_limit(settings)
    months = {}
    for page, data in html_pages(output, subdir):
        if not STORY_MARK.search(data):
            continue
        lang = edition_of(page, folders)
        if lang is None:
            continue
        month = STORY_MONTH.search(data)
        name = f"{month[1].decode()}-{month[2].decode()}" if month else UNDATED
        months.setdefault(lang, {}).setdefault(name, []).append((page, hashlib.sha256(data).hexdigest()))
    by_edition = {lang: [] for _, lang in folders}
    for lang, pages_by_month in months.items():
        chunks = by_edition[lang]
        for name in sorted(pages_by_month, key=lambda name: (name != UNDATED, name)):
            pages = pages_by_month[name]
            if not chunks or len(chunks[-1].pages) + len(pages) > limit or name == UNDATED or chunks[-1].name == UNDATED:
                chunks.append(Chunk(lang, name))
            for page, digest in pages:
                chunks[-1].add(page, digest)
        chunks.reverse()  # newest first (the undated, oldest of all, last)
    return by_edition


def index_chunk(output, chunk, bundle, run, scratch):
    """Pagefind over the pages of `chunk` only, into `bundle`; the pages are
    linked into a folder under `scratch`, outside the output (where the steps
    of a rebuild in ``make serve`` would find them)."""
    try:
        scratch.mkdir(parents=True, exist_ok=True)
        site = Path(tempfile.mkdtemp(dir=scratch, prefix="pages-"))
    except OSError:  # a cache that cannot be written: the system's temporary folder (copies, maybe)
        site = Path(tempfile.mkdtemp(prefix="pagefind-pages-"))
    try:
        for page in chunk.pages:
            (site / page).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(output / page, site / page)
        run(pagefind_command(site, bundle))
    finally:
        shutil.rmtree(site, ignore_errors=True)
    for path in bundle.iterdir():
        if path.name.startswith(UNUSED_FILES):
            path.unlink()
    sort_entry_file(bundle / "pagefind-entry.json")


def index_editions(output, target, settings, run, reuse, keep):
    """Every edition's chunks into `target` (``<lang>/<first month>/`` and ``<lang>/chunks.json``).
    `reuse(chunk, bundle)` puts back a bundle made before (True) or not;
    `keep(chunk, bundle)` keeps one just made; returns the chunks."""
    subdir = settings.get("PAGEFIND_OUTPUT_SUBDIR", DEFAULT_SUBDIR)
    editions = story_chunks(output, subdir, settings)
    reused = indexed = 0
    for lang, chunks in editions.items():
        (target / lang).mkdir(parents=True, exist_ok=True)
        for chunk in chunks:
            bundle = target / chunk.folder
            if reuse(chunk, bundle):
                reused += 1
                continue
            index_chunk(output, chunk, bundle, run, Path(settings["CACHE_PATH"]) / CACHE_FOLDER / ".scratch")
            keep(chunk, bundle)
            indexed += 1
        manifest = {"chunks": [chunk.name for chunk in chunks]}
        (target / lang / MANIFEST).write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")
    logger.info("Pagefind: %d chunks indexed, %d reused (same pages as a previous build)", indexed, reused)
    return [chunk for chunks in editions.values() for chunk in chunks]


def sort_entry_file(path):
    """Pagefind lists the languages of its entry file in hash-map order, which
    changes from run to run; sorted keys make two builds byte-identical."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def run_to_the_end(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({result.returncode}): {result.stdout}{result.stderr}")


def index_in_background(output, settings):
    """The pipeline's ``search_index_in_background`` step (``make serve``)."""
    start_in_background(output, settings)


def index_site(output, settings):
    """The pipeline's ``search_index`` step."""
    subdir = settings.get("PAGEFIND_OUTPUT_SUBDIR", DEFAULT_SUBDIR)
    # Pagefind names its files by content hash; a build in place would
    # otherwise keep the previous index's files beside the new ones.
    shutil.rmtree(output / subdir, ignore_errors=True)
    cache = Path(settings["CACHE_PATH"]) / CACHE_FOLDER
    chunks = index_editions(output, output / subdir, settings, run_to_the_end,
                            reuse=lambda chunk, bundle: restore_bundle(cache, chunk.key(), bundle),
                            keep=lambda chunk, bundle: store_bundle(cache, chunk.key(), bundle))
    if cache.is_dir():
        prune(cache, keep={chunk.key() for chunk in chunks})


# The bundle cache (publish builds): CACHE_PATH/pagefind/<key>/ holds
# bundle/ (Pagefind's files) and COMPLETE, written last.
CACHE_FOLDER = "pagefind"
COMPLETE = "complete"
# Kept: the entries a build used, and as many others again (KEPT_BUNDLES - 1 times).
KEPT_BUNDLES = 2
# Changed when what this module does to Pagefind's output changes.
BUNDLE_FORMAT = b"chunks by edition and months, sorted entry file, no interface files 2"
# Pagefind reads a configuration file from its working folder and PAGEFIND_*
# variables; none is used here, but one added later must change the key.
CONFIG_FILES = ("pagefind.json", "pagefind.toml", "pagefind.yml", "pagefind.yaml")


def installed_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def bundle_key(pages_digest):
    """SHA-256 of all a chunk's Pagefind run depends on: its version, our
    options and the chunk's edition, name, and the path and bytes of its pages."""
    digest = hashlib.sha256(BUNDLE_FORMAT)
    for name in ("pagefind", "pagefind_bin_extended", "pagefind_bin"):
        digest.update(f"\0{name} {installed_version(name)}".encode())
    digest.update(f"\0{pagefind_command('', '')[3:]}".encode())
    for name, value in sorted(os.environ.items()):
        if name.startswith("PAGEFIND_"):
            digest.update(f"\0{name}={value}".encode())
    for name in CONFIG_FILES:
        if Path(name).is_file():
            digest.update(f"\0{name}\0".encode() + Path(name).read_bytes())
    digest.update(f"\0pages {pages_digest}".encode())
    return digest.hexdigest()


def file_digests(folder):
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def restore_bundle(cache, key, target):
    """Put the cached bundle of `key` at `target`; False when there is none to use."""
    entry = cache / key
    try:
        expected = json.loads((entry / COMPLETE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if entry.exists():  # a store that did not finish
            shutil.rmtree(entry, ignore_errors=True)
        return False
    except (OSError, ValueError) as error:
        logger.warning("Pagefind cache entry %s not used: %s", entry, error)
        shutil.rmtree(entry, ignore_errors=True)
        return False
    try:
        # Checked, not trusted: a file of it changed in place (through a link
        # in an output folder) or lost must not reach the site.
        if file_digests(entry / "bundle") != expected:
            raise ValueError("its files do not match its list")
        shutil.copytree(entry / "bundle", target, copy_function=link_or_copy)
        os.utime(entry)  # recently used: kept when older entries go
    except (OSError, ValueError) as error:
        logger.warning("Pagefind cache entry %s not used: %s", entry, error)
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(entry, ignore_errors=True)
        return False
    return True


def store_bundle(cache, key, bundle):
    """Keep a copy of `bundle` under `key`; a failure is a warning, never the build's."""
    staging = None
    try:
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=cache, prefix=".store-"))
        # Copies, not links: the steps after this one may change the output's files.
        shutil.copytree(bundle, staging / "bundle")
        (staging / COMPLETE).write_text(json.dumps(file_digests(staging / "bundle"), sort_keys=True), encoding="utf-8")
        shutil.rmtree(cache / key, ignore_errors=True)  # an incomplete one
        os.replace(staging, cache / key)
        staging = None
    except OSError as error:
        logger.warning("Pagefind index not cached in %s: %s", cache, error)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def remove_leftovers(cache):
    """What a killed build or server left in the cache (another one's running now is younger)."""
    try:
        for leftover in [*cache.glob(".store-*"), *cache.glob(".scratch/pages-*")]:
            if time.time() - leftover.stat().st_mtime > 3600:
                shutil.rmtree(leftover, ignore_errors=True)
    except OSError:
        pass


def prune(cache, keep):
    """Keep the entries of `keep` and as many others again (KEPT_BUNDLES - 1
    times), the most recently used; a failure is a warning."""
    remove_leftovers(cache)
    try:
        entries = sorted((entry for entry in cache.iterdir() if entry.name not in keep and not entry.name.startswith(".")),
                         key=lambda entry: entry.stat().st_mtime, reverse=True)
    except OSError as error:
        logger.warning("Pagefind cache %s not pruned: %s", cache, error)
        return
    for entry in entries[(KEPT_BUNDLES - 1) * max(len(keep), 1):]:
        shutil.rmtree(entry, ignore_errors=True)


# make serve: one indexing run at a time.  A run starts after BACKGROUND_DELAY
# seconds without a new rebuild (an editor saving again and again does not
# start Pagefind each time) and indexes into a folder of its own; a rebuild
# stops it without waiting, and the run's thread removes what it left.
BACKGROUND_DELAY = 1.0
_LOCK = threading.Lock()
_BACKGROUND = {"timer": None, "process": None}
# {bundle folder in the served output: (its chunk's key, its entry file's
# identity)}, of the index this process swapped in.  The identity tells a
# bundle another build wrote there since (make serve's full builds) from ours.
_SERVED = {}


def entry_identity(bundle):
    try:
        stat = (bundle / "pagefind-entry.json").stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def start_in_background(output, settings, delay=BACKGROUND_DELAY):
    """Index `output` into its bundle folder in the background, replacing it when complete."""
    subdir = settings.get("PAGEFIND_OUTPUT_SUBDIR", DEFAULT_SUBDIR)
    cancel_background()
    for prefix in (f".{subdir}-next-", f".{subdir}-old-"):
        for leftover in output.glob(prefix + "*"):
            shutil.rmtree(leftover, ignore_errors=True)  # of a stopped run, or of a server that exited
    remove_leftovers(Path(settings["CACHE_PATH"]) / CACHE_FOLDER)
    # The folder is part of the site from the start (deploy_headers lists it).
    (output / subdir).mkdir(parents=True, exist_ok=True)
    timer = threading.Timer(delay, _index_in_background, args=(output, subdir, settings))
    timer.daemon = True
    with _LOCK:
        _BACKGROUND["timer"] = timer
    timer.start()


def _is_current_run():
    """Whether this thread's run is still the current one (call with _LOCK held)."""
    return _BACKGROUND["timer"] is threading.current_thread()


def _run_unless_stopped(command):
    with _LOCK:
        if not _is_current_run():
            raise Stopped
        process = _BACKGROUND["process"] = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    messages, _ = process.communicate()
    with _LOCK:
        if not _is_current_run():
            raise Stopped
    if process.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({process.returncode}): {messages}")


def _reuse_served(output, subdir):
    served = dict(_SERVED)

    def reuse(chunk, bundle):
        current = output / subdir / chunk.folder
        if served.get(current) != (chunk.key(), entry_identity(current)):
            return False
        try:
            shutil.copytree(current, bundle, copy_function=link_or_copy)
        except OSError:
            shutil.rmtree(bundle, ignore_errors=True)
            return False
        return True
    return reuse


def _index_in_background(output, subdir, settings):
    staging = retired = None
    try:
        staging = Path(tempfile.mkdtemp(dir=output, prefix=f".{subdir}-next-"))
        retired = staging.with_name(staging.name.replace("-next-", "-old-"))
        chunks = index_editions(output, staging, settings, _run_unless_stopped,
                                reuse=_reuse_served(output, subdir), keep=lambda chunk, bundle: None)
        with _LOCK:
            if not _is_current_run():
                return  # stopped: its pages changed
            served = output / subdir
            if served.exists():
                os.rename(served, retired)
            try:
                os.rename(staging, served)
            except OSError:
                if retired.exists():  # the preview keeps its previous index
                    os.rename(retired, served)
                raise
            _SERVED.clear()
            _SERVED.update({served / chunk.folder: (chunk.key(), entry_identity(served / chunk.folder))
                            for chunk in chunks})
            logger.info("Pagefind indexed %s", output)
    except Stopped:
        pass
    except (OSError, RuntimeError, ValueError) as error:
        # A warning, not an error: the preview keeps its previous index.  A run
        # stopped meanwhile (its folders removed under it) says nothing.
        with _LOCK:
            current = _is_current_run()
        if current:
            logger.warning("Pagefind (in the background): %s", error)
    finally:
        for folder in (staging, retired):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def cancel_background():
    """Stop an indexing run that has not finished (its pages are about to change)."""
    with _LOCK:
        timer, process = _BACKGROUND["timer"], _BACKGROUND["process"]
        _BACKGROUND.update(timer=None, process=None)
        if timer is not None:
            timer.cancel()
        if process is not None and process.poll() is None:
            process.kill()


def wait_for_background():
    timer = _BACKGROUND["timer"]
    if timer is not None:
        timer.join()


atexit.register(cancel_background)  # no Pagefind left running after make serve
