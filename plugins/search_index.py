"""Static search: a Pagefind index of both editions, built with the site.

When the whole build has been written (the ``search_index`` step of
``pipeline``, after both editions), this module runs the Pagefind binary
shipped by the pinned ``pagefind[extended]`` PyPI package over the article
pages of the output folder (``article_glob``, ``glob_for``; with
tools/build.py, the staging folder, before it is swapped in).  The bundle is
written to ``<output>/PAGEFIND_OUTPUT_SUBDIR`` (``pagefind/``) and served
from our own output.

What is indexed is chosen in the templates: only the element marked
``data-pagefind-body`` (the article: headline and body), less anything marked
``data-pagefind-ignore``.  Pagefind writes one index per ``<html lang>``, so
an Urdu page searches the Urdu stories and an English page the English ones.

A failed indexing run fails the build.

A build (every build but ``make serve``'s) whose pages are the same as a
previous build's does not run Pagefind again (several CPU seconds at a
thousand stories): the bundle is kept in ``CACHE_PATH/pagefind/<key>/``, where
``<key>`` is the SHA-256 of the Pagefind version, the bundle's folder name
and the path and bytes of every ``.html`` file of the output at the moment
Pagefind would run (after ``urdu_font``, before ``minify_site`` rewrites
them), and it is put back as hard links (copies where links are not
possible).  Pagefind names its files by content and we sort its entry file,
so the bundle put back is byte for byte the one it would write.  A file
``complete`` with the SHA-256 of each file of the bundle is written last;
an entry without it, or whose files no longer match it, is ignored (and
removed) and Pagefind runs.  The cache keeps the bundles of the last two
sets of pages (a build that undoes a change finds the previous one), and
a cache that cannot be read or written never fails the build: it is a
warning, and Pagefind runs.  A step after this one that rewrites a file of
the bundle (minify_site, the stylesheets) must replace the file, not write
into it, or it would write into the cache through the link.

``make serve`` (the ``search_index_in_background`` step instead, see
``pipeline``) does not wait for Pagefind: the browser reloads as soon as the pages are
written; a second later, if no other rebuild came, Pagefind indexes into a
hidden folder that replaces ``pagefind/`` when it is complete (seconds later
at thousands of stories).  The next rebuild stops a run that has not
finished; ``wait_for_background()`` waits for the current one.

Why our own: there is no maintained Pelican plugin for Pagefind.

Settings read: ``CACHE_PATH``, ``EDITIONS``, ``I18N_SUBSITES``,
``ARTICLE_SAVE_AS``, ``ARTICLE_LANG_SAVE_AS``,
``PAGEFIND_OUTPUT_SUBDIR`` (default ``pagefind``).
"""

import atexit
import hashlib
import importlib.metadata
import fnmatch
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


logger = logging.getLogger(__name__)
DEFAULT_SUBDIR = "pagefind"
DEFAULT_GLOB = "**/*.{html}"  # Pagefind's own
PLAIN_GLOB = re.compile(r"[\w.*-]+(?:/[\w.*-]+)*")
STORY_MARK = b"data-pagefind-body"


def pagefind_command(site, subdir, glob):
    # `python -m pagefind` runs the binary of pagefind_bin_extended when it
    # is installed (the `extended` extra), which segments non-Latin scripts.
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", subdir, "--glob", glob,
            "--silent"]


def article_glob(settings):
    """The ``--glob`` of the article pages of every edition, the only pages
    with ``data-pagefind-body``: each edition's ``ARTICLE_SAVE_AS`` and
    ``ARTICLE_LANG_SAVE_AS`` (its own, from ``I18N_SUBSITES``, if it has
    them) with each ``{placeholder}`` as ``*`` (``*/*`` for one with a
    ``/``), under the edition's folder.  Pagefind reads every page its glob
    finds before it drops those without ``data-pagefind-body``: leaving out
    the listings, tag pages and archives gives the same bundle for about a
    quarter less CPU and a tenth less memory (N = 1000).  ``glob_for``
    decides whether it is used."""
    overrides = settings.get("I18N_SUBSITES", {})
    globs = set()
    for lang, edition in (settings.get("EDITIONS") or {"": {}}).items():
        own = {**settings, **overrides.get(lang, {})}
        folder = edition.get("path", "").strip("/")
        for name in ("ARTICLE_SAVE_AS", "ARTICLE_LANG_SAVE_AS"):
            pattern = re.sub(r"\{[^{}]*\}", lambda match: "/".join(["*"] * (match[0].count("/") + 1)),
                             own.get(name, "{slug}.html"))
            pattern = re.sub(r"\*+", "*", pattern)
            globs.add(f"{folder}/{pattern}" if folder else pattern)
    globs = sorted(globs)
    return globs[0] if len(globs) == 1 else "{" + ",".join(globs) + "}"


def glob_alternatives(glob):
    return glob[1:-1].split(",") if glob.startswith("{") and glob.endswith("}") else [glob]


def glob_matches(glob, page):
    """Whether wax (Pagefind's glob crate) would match `page` with `glob`, for
    the globs ``article_glob`` makes: literal names and ``*`` within a name."""
    parts = page.split("/")
    return any(len(alternative.split("/")) == len(parts)
               and all(fnmatch.fnmatchcase(part, pattern) for part, pattern in zip(parts, alternative.split("/")))
               for alternative in glob_alternatives(glob))


def glob_for(story_pages, candidate):
    """`candidate` when it is made of plain names and ``*`` only and finds
    every page with ``data-pagefind-body``; else Pagefind's own glob (every
    page), which also indexes a site that has no story yet (whole pages)."""
    plain = all(PLAIN_GLOB.fullmatch(alternative) for alternative in glob_alternatives(candidate))
    if story_pages and plain and all(glob_matches(candidate, page) for page in story_pages):
        return candidate
    return DEFAULT_GLOB


def sort_entry_file(path):
    """Pagefind lists the languages of its entry file in hash-map order, which
    changes from run to run; sorted keys make two builds byte-identical."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def index_in_background(output, settings):
    """The pipeline's ``search_index_in_background`` step (``make serve``)."""
    start_in_background(output, settings.get("PAGEFIND_OUTPUT_SUBDIR", DEFAULT_SUBDIR), article_glob(settings))


def index_site(output, settings):
    """The pipeline's ``search_index`` step."""
    subdir = settings.get("PAGEFIND_OUTPUT_SUBDIR", DEFAULT_SUBDIR)
    # Pagefind names its files by content hash; a build in place would
    # otherwise keep the previous index's files beside the new ones.
    shutil.rmtree(output / subdir, ignore_errors=True)
    cache = Path(settings["CACHE_PATH"]) / CACHE_FOLDER
    try:
        pages_digest, story_pages = scan_pages(output, subdir)
        glob = glob_for(story_pages, article_glob(settings))
        key = bundle_key(pages_digest, subdir, glob)
    except OSError as error:
        logger.warning("Pagefind cache not used: %s", error)
        glob, key = DEFAULT_GLOB, None
    if key is not None and restore_bundle(cache, key, output / subdir):
        logger.info("Pagefind index reused (same pages as a previous build)")
        return
    result = subprocess.run(pagefind_command(output, subdir, glob), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({result.returncode}): {result.stdout}{result.stderr}")
    sort_entry_file(output / subdir / "pagefind-entry.json")
    logger.info("Pagefind indexed %s", output)
    if key is not None:
        store_bundle(cache, key, output / subdir)


# The bundle cache (publish builds): CACHE_PATH/pagefind/<key>/ holds
# bundle/ (Pagefind's files) and COMPLETE, written last.
CACHE_FOLDER = "pagefind"
COMPLETE = "complete"
KEPT_BUNDLES = 2
# Changed when what this module does to Pagefind's output changes (sort_entry_file).
BUNDLE_FORMAT = b"sorted entry file 1"
# Pagefind reads a configuration file from its working folder and PAGEFIND_*
# variables; none is used here, but one added later must change the key.
CONFIG_FILES = ("pagefind.json", "pagefind.toml", "pagefind.yml", "pagefind.yaml")


def installed_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def html_pages(output, subdir):
    """(path, bytes) of every .html file outside the bundle, in path order."""
    pages = []
    for folder, folders, files in os.walk(output):
        relative = Path(folder).relative_to(output)
        if relative == Path("."):
            folders[:] = [name for name in folders if name != subdir]
        pages += [(relative / name).as_posix() for name in files if name.endswith(".html")]
    for page in sorted(pages):
        yield page, (output / page).read_bytes()


def scan_pages(output, subdir):
    """(SHA-256 of the path and bytes of every page, the pages with ``data-pagefind-body``), in one read."""
    digest = hashlib.sha256()
    story_pages = []
    for page, data in html_pages(output, subdir):
        # The length keeps one page's end from reading as the next one's name.
        digest.update(f"\0{page}\0{len(data)}\0".encode())
        digest.update(data)
        if STORY_MARK in data:
            story_pages.append(page)
    return digest.hexdigest(), story_pages


def bundle_key(pages_digest, subdir, glob):
    """SHA-256 of all Pagefind's run depends on: its version, our options and
    the path and bytes of every page of the site (``scan_pages``; more than
    the glob gives it: safe, and one pass serves the glob's check too)."""
    digest = hashlib.sha256(BUNDLE_FORMAT)
    for name in ("pagefind", "pagefind_bin_extended", "pagefind_bin"):
        digest.update(f"\0{name} {installed_version(name)}".encode())
    digest.update(f"\0{pagefind_command('', subdir, glob)[3:]}".encode())
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


def link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)


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
        prune(cache, keep=key)
    except OSError as error:
        logger.warning("Pagefind index not cached in %s: %s", cache, error)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def prune(cache, keep):
    """Keep the KEPT_BUNDLES most recently used entries (`keep` among them)."""
    for leftover in cache.glob(".store-*"):  # of a killed build; another build's is younger
        if time.time() - leftover.stat().st_mtime > 3600:
            shutil.rmtree(leftover, ignore_errors=True)
    entries = sorted((entry for entry in cache.iterdir() if entry.name != keep and not entry.name.startswith(".")),
                     key=lambda entry: entry.stat().st_mtime, reverse=True)
    for entry in entries[KEPT_BUNDLES - 1:]:
        shutil.rmtree(entry, ignore_errors=True)


# make serve: one indexing run at a time.  A run starts after BACKGROUND_DELAY
# seconds without a new rebuild (an editor saving again and again does not
# start Pagefind each time) and indexes into a folder of its own; a rebuild
# stops it without waiting, and the run's thread removes what it left.
BACKGROUND_DELAY = 1.0
_LOCK = threading.Lock()
_BACKGROUND = {"timer": None, "process": None}


def start_in_background(output, subdir, glob, delay=BACKGROUND_DELAY):
    """Index `output` into `subdir` in the background, replacing it when complete."""
    cancel_background()
    for leftover in [*output.glob(f".{subdir}-next-*"), *output.glob(f".{subdir}-old-*")]:
        shutil.rmtree(leftover, ignore_errors=True)  # of a stopped run, or of a server that exited
    # The folder is part of the site from the start (deploy_headers lists it).
    (output / subdir).mkdir(parents=True, exist_ok=True)
    timer = threading.Timer(delay, _index_in_background, args=(output, subdir, glob))
    timer.daemon = True
    with _LOCK:
        _BACKGROUND["timer"] = timer
    timer.start()


def _index_in_background(output, subdir, candidate_glob):
    try:  # no cache here: the pages are read for the glob's check only
        glob = glob_for([page for page, data in html_pages(output, subdir) if STORY_MARK in data], candidate_glob)
    except OSError:
        glob = DEFAULT_GLOB
    staging = Path(tempfile.mkdtemp(dir=output, prefix=f".{subdir}-next-"))
    retired = staging.with_name(staging.name.replace("-next-", "-old-"))
    try:
        with _LOCK:
            if _BACKGROUND["timer"] is not threading.current_thread():
                return  # cancelled before it started
            process = _BACKGROUND["process"] = subprocess.Popen(
                pagefind_command(output, staging.name, glob), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        messages, _ = process.communicate()
        with _LOCK:
            if _BACKGROUND["timer"] is not threading.current_thread():
                return  # stopped: its pages changed
            if process.returncode != 0:
                # A warning, not an error: the preview keeps its previous index.
                logger.warning("Pagefind failed (%s): %s", process.returncode, messages)
                return
            sort_entry_file(staging / "pagefind-entry.json")
            if (output / subdir).exists():
                os.rename(output / subdir, retired)
            os.rename(staging, output / subdir)
            logger.info("Pagefind indexed %s", output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)


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
