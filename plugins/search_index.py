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

import logging
import subprocess
import sys

from pelican import signals

logger = logging.getLogger(__name__)
DEFAULT_SUBDIR = "pagefind"


def pagefind_command(site, subdir):
    # `python -m pagefind` runs the binary of pagefind_bin_extended when it
    # is installed (the `extended` extra), which segments non-Latin scripts.
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", subdir, "--silent"]


def index_site(pelican):
    settings = pelican.settings
    if settings["DEFAULT_LANG"] != next(iter(settings["EDITIONS"])):
        return
    command = pagefind_command(settings["OUTPUT_PATH"], settings.get("PAGEFIND_OUTPUT_SUBDIR", DEFAULT_SUBDIR))
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({result.returncode}): {result.stdout}{result.stderr}")
    logger.info("Pagefind indexed %s", settings["OUTPUT_PATH"])


def register():
    signals.finalized.connect(index_site)
