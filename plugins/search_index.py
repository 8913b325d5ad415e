"""Static search: a Pagefind index of both editions, built with the site.

When the whole build has been written (the ``finalized`` signal of the main
site, which comes after every pelican-i18n-subsites subsite), this plugin runs
the Pagefind binary shipped by the pinned ``pagefind[extended]`` PyPI package
over ``OUTPUT_PATH`` (with tools/build.py, the staging folder, before it is
swapped in).  The bundle is written to ``OUTPUT_PATH/PAGEFIND_OUTPUT_SUBDIR``
(``pagefind/``) and served from our own output.

What is indexed is chosen in the templates: only the element marked
``data-pagefind-body`` (the article: headline and body), less anything marked
``data-pagefind-ignore``.  Pagefind writes one index per ``<html lang>``, so
an Urdu page searches the Urdu stories and an English page the English ones.

A failed indexing run fails the build.

``make serve`` (tools/incremental.py sets ``SEARCH_INDEX_IN_BACKGROUND``)
does not wait for Pagefind: the browser reloads as soon as the pages are
written; a second later, if no other rebuild came, Pagefind indexes into a
hidden folder that replaces ``pagefind/`` when it is complete (seconds later
at thousands of stories).  The next rebuild stops a run that has not
finished; ``wait_for_background()`` waits for the current one.

Why our own: there is no maintained Pelican plugin for Pagefind.

Settings read: ``OUTPUT_PATH``, ``EDITIONS``, ``DEFAULT_LANG``,
``PAGEFIND_OUTPUT_SUBDIR`` (default ``pagefind``), ``SEARCH_INDEX_IN_BACKGROUND``
(default False).
"""

import atexit
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from pelican import signals

from editions import is_main_site

logger = logging.getLogger(__name__)
DEFAULT_SUBDIR = "pagefind"


def pagefind_command(site, subdir):
    # `python -m pagefind` runs the binary of pagefind_bin_extended when it
    # is installed (the `extended` extra), which segments non-Latin scripts.
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", subdir, "--silent"]


def sort_entry_file(path):
    """Pagefind lists the languages of its entry file in hash-map order, which
    changes from run to run; sorted keys make two builds byte-identical."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def index_site(pelican):
    settings = pelican.settings
    if not is_main_site(settings):
        return
    output = Path(settings["OUTPUT_PATH"])
    subdir = settings.get("PAGEFIND_OUTPUT_SUBDIR", DEFAULT_SUBDIR)
    if settings.get("SEARCH_INDEX_IN_BACKGROUND"):
        start_in_background(output, subdir)
        return
    # Pagefind names its files by content hash; a build in place would
    # otherwise keep the previous index's files beside the new ones.
    shutil.rmtree(output / subdir, ignore_errors=True)
    result = subprocess.run(pagefind_command(output, subdir), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({result.returncode}): {result.stdout}{result.stderr}")
    sort_entry_file(output / subdir / "pagefind-entry.json")
    logger.info("Pagefind indexed %s", output)


# make serve: one indexing run at a time.  A run starts after BACKGROUND_DELAY
# seconds without a new rebuild (an editor saving again and again does not
# start Pagefind each time) and indexes into a folder of its own; a rebuild
# stops it without waiting, and the run's thread removes what it left.
BACKGROUND_DELAY = 1.0
_LOCK = threading.Lock()
_BACKGROUND = {"timer": None, "process": None}


def start_in_background(output, subdir, delay=BACKGROUND_DELAY):
    """Index `output` into `subdir` in the background, replacing it when complete."""
    cancel_background()
    for leftover in [*output.glob(f".{subdir}-next-*"), *output.glob(f".{subdir}-old-*")]:
        shutil.rmtree(leftover, ignore_errors=True)  # of a stopped run, or of a server that exited
    # The folder is part of the site from the start (deploy_headers lists it).
    (output / subdir).mkdir(parents=True, exist_ok=True)
    timer = threading.Timer(delay, _index_in_background, args=(output, subdir))
    timer.daemon = True
    with _LOCK:
        _BACKGROUND["timer"] = timer
    timer.start()


def _index_in_background(output, subdir):
    staging = Path(tempfile.mkdtemp(dir=output, prefix=f".{subdir}-next-"))
    retired = staging.with_name(staging.name.replace("-next-", "-old-"))
    try:
        with _LOCK:
            if _BACKGROUND["timer"] is not threading.current_thread():
                return  # cancelled before it started
            process = _BACKGROUND["process"] = subprocess.Popen(
                pagefind_command(output, staging.name), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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


def register():
    signals.finalized.connect(index_site)
    atexit.register(cancel_background)  # no Pagefind left running after make serve
