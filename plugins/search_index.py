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

Why our own: there is no maintained Pelican plugin for Pagefind.

Settings read: ``OUTPUT_PATH``, ``EDITIONS``, ``DEFAULT_LANG``,
``PAGEFIND_OUTPUT_SUBDIR`` (default ``pagefind``).
"""

import json
import logging
import shutil
import subprocess
import sys
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
    subdir = settings.get("PAGEFIND_OUTPUT_SUBDIR", DEFAULT_SUBDIR)
    # Pagefind names its files by content hash; a build in place (make serve)
    # would otherwise keep the previous index's files beside the new ones.
    shutil.rmtree(Path(settings["OUTPUT_PATH"]) / subdir, ignore_errors=True)
    command = pagefind_command(settings["OUTPUT_PATH"], subdir)
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({result.returncode}): {result.stdout}{result.stderr}")
    sort_entry_file(Path(settings["OUTPUT_PATH"]) / subdir / "pagefind-entry.json")
    logger.info("Pagefind indexed %s", settings["OUTPUT_PATH"])


def register():
    signals.finalized.connect(index_site)
