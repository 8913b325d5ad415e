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
written, and Pagefind indexes into a hidden folder that replaces
``pagefind/`` when it is complete (seconds later at thousands of stories).
The next rebuild stops an indexing run that has not finished and starts a
new one; ``wait_for_background()`` waits for the current one.

Why our own: there is no maintained Pelican plugin for Pagefind.

Settings read: ``OUTPUT_PATH``, ``EDITIONS``, ``DEFAULT_LANG``,
``PAGEFIND_OUTPUT_SUBDIR`` (default ``pagefind``), ``SEARCH_INDEX_IN_BACKGROUND``
(default False).
"""

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from pelican import signals

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
    if settings["DEFAULT_LANG"] != next(iter(settings["EDITIONS"])):
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


_BACKGROUND = {"process": None, "thread": None}


def start_in_background(output, subdir):
    """Index `output` into a hidden sibling of `subdir`, swapped in when complete."""
    cancel_background()
    staging = f".{subdir}-next"
    shutil.rmtree(output / staging, ignore_errors=True)
    # The folder is part of the site from the start (deploy_headers lists it).
    (output / subdir).mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(pagefind_command(output, staging), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    thread = threading.Thread(target=_swap_in_when_done, args=(process, output, subdir, staging), daemon=True)
    _BACKGROUND.update(process=process, thread=thread)
    thread.start()


def _swap_in_when_done(process, output, subdir, staging):
    messages, _ = process.communicate()
    if process.returncode != 0:
        shutil.rmtree(output / staging, ignore_errors=True)
        if process.returncode > 0:  # not stopped by cancel_background()
            logger.error("Pagefind failed (%s): %s", process.returncode, messages)
        return
    sort_entry_file(output / staging / "pagefind-entry.json")
    retired = output / f".{subdir}-old"
    shutil.rmtree(retired, ignore_errors=True)
    if (output / subdir).exists():
        os.rename(output / subdir, retired)
    os.rename(output / staging, output / subdir)
    shutil.rmtree(retired, ignore_errors=True)
    logger.info("Pagefind indexed %s", output)


def cancel_background():
    """Stop an indexing run that has not finished (its pages are about to change)."""
    process, thread = _BACKGROUND["process"], _BACKGROUND["thread"]
    if process is not None and process.poll() is None:
        process.kill()
    if thread is not None:
        thread.join()
    _BACKGROUND.update(process=None, thread=None)


def wait_for_background():
    thread = _BACKGROUND["thread"]
    if thread is not None:
        thread.join()


def register():
    signals.finalized.connect(index_site)
