"""After the pages: the rest of the build, as one list of steps run in order.

Pelican renders both editions (the Urdu one inside the main site's run,
pelican-i18n-subsites) and the page features write their files (the
sitemap).  Then, on the main site's ``finalized`` signal, this plugin runs
the steps named in ``PIPELINE_STEPS``, in that order.  Each step is a plain
function of the output folder and the main site's settings, in the module
that owns it:

=============================  ==================================================
step                           what it does
=============================  ==================================================
``urdu_font``                  subsets the Urdu face to the Urdu pages' text
                               (``urdu_font.subset_urdu_font``; the subset starts
                               in a second process as soon as the Urdu edition is
                               written, and this step waits for it)
``search_index``               Pagefind over each edition's stories, a chunk of
                               months at a time; a chunk whose pages did not
                               change comes from the cache
                               (``search_index.index_site``)
``search_index_in_background`` the same, after the server has answered
                               (``make serve``: ``search_index.index_in_background``)
``admin``                      the CMS at ``/admin/`` (``admin_cms.write_admin``)
``headers``                    ``_headers`` (``deploy_headers.write_headers``)
``unchanged_pages``            the pages written as the live site's were: the
                               three steps below leave them alone
                               (``unchanged_pages.find_unchanged_pages``)
``minify``                     pages and stylesheets (``minify_site.minify_site``)
``fingerprint``                content hashes in asset names, pages relinked
                               (``fingerprint.fingerprint_assets``)
``compressed_copies``          ``.br`` and ``.gz`` beside every text file
                               (``compressed_copies.write_compressed_copies``)
``link_unchanged_pages``       the unchanged pages and their copies: hard links
                               to the live site's files; the record for the
                               next build (``unchanged_pages.link_unchanged_pages``)
=============================  ==================================================

The lists: ``pelicanconf.py`` (``make html``), ``publishconf.py`` (``make
publish``: minified, fingerprinted, compressed), and ``make serve``, which
takes ``pelicanconf.py``'s list without ``fingerprint`` (pages rendered again
in place link the plain names) and with the search index in the background
(``tools/incremental.py``, ``preview_steps``).  The order matters: the font
before the search index (both read the pages as rendered), ``headers`` once
the site's top-level folders exist, ``fingerprint`` after minification
(names hash the final bytes), compressed copies after both (of the final
files), and the unchanged pages' links after every step that writes a page.

``make serve``'s builds write their pages once the server answers (at
start) or once the open pages reloaded (after an edit), a page a browser asks
for first: they set ``PAGES_AFTER_SERVING``, and the steps wait for those
pages (``run_steps_on``, from ``tools/incremental.py``).

Why our own: Pelican has one ``finalized`` signal whose receivers run in
``PLUGINS`` order, with no way to say "after the minification"; the
previous arrangement needed pelican-granular-signals' fixed phases and a
feature flag per step for the preview.

Settings read: ``PIPELINE_STEPS``, ``OUTPUT_PATH``, ``PAGES_AFTER_SERVING``
(default False).
"""

from pathlib import Path

from pelican import signals

import admin_cms
import compressed_copies
import deploy_headers
import fingerprint
import minify_site
import search_index
import unchanged_pages
import urdu_font
from editions import is_main_site

STEPS = {
    "urdu_font": urdu_font.subset_urdu_font,
    "search_index": search_index.index_site,
    "search_index_in_background": search_index.index_in_background,
    "admin": admin_cms.write_admin,
    "headers": deploy_headers.write_headers,
    "unchanged_pages": unchanged_pages.find_unchanged_pages,
    "minify": minify_site.minify_site,
    "fingerprint": fingerprint.fingerprint_assets,
    "compressed_copies": compressed_copies.write_compressed_copies,
    "link_unchanged_pages": unchanged_pages.link_unchanged_pages,
}


# The steps that rewrite or copy the theme's static files (the stylesheet, the
# scripts): while none of them runs, an edited theme file is only copied
# (tools/incremental.py, quick_theme_update).
THEME_FILE_STEPS = {"minify", "fingerprint", "compressed_copies"}

# Not in make serve's builds in place: pages there link the plain asset
# names, and there is no live site beside them to link unchanged pages from.
PUBLISH_ONLY_STEPS = {"fingerprint", "unchanged_pages", "link_unchanged_pages"}


class UnknownStep(Exception):
    pass


def steps_of(settings):
    names = settings.get("PIPELINE_STEPS", ())
    unknown = [name for name in names if name not in STEPS]
    if unknown:
        raise UnknownStep(f"PIPELINE_STEPS names {', '.join(unknown)}, which is not a step; the steps are: "
                          f"{', '.join(STEPS)}")
    return [STEPS[name] for name in names]


def preview_steps(names, in_background=True):
    """``make serve``'s list from a profile's: no fingerprints (nor the unchanged pages' links), the search
    index in the background (not for its full builds in another process,
    which wait for it)."""
    background = {"search_index": "search_index_in_background"} if in_background else {}
    return [background.get(name, name) for name in names if name not in PUBLISH_ONLY_STEPS]


def run_steps(pelican):
    settings = pelican.settings
    if not is_main_site(settings):
        return  # the Urdu edition is written inside the main site's run; the steps see both
    if settings.get("PAGES_AFTER_SERVING"):
        return  # make serve: its pages are not written yet (tools/incremental.py)
    run_steps_on(Path(settings["OUTPUT_PATH"]), settings)


def run_steps_on(output, settings):
    """Each of the settings' steps, in order, on the written site in `output`."""
    for step in steps_of(settings):
        step(output, settings)


def check_order(names):
    """The unchanged pages are found before any step finishes a page and linked after every one."""
    if "unchanged_pages" not in names and "link_unchanged_pages" not in names:
        return
    if "unchanged_pages" not in names or "link_unchanged_pages" not in names:
        raise UnknownStep("PIPELINE_STEPS must name both unchanged_pages and link_unchanged_pages, or neither")
    first, last = names.index("unchanged_pages"), names.index("link_unchanged_pages")
    misplaced = [name for index, name in enumerate(names) if name in THEME_FILE_STEPS and not first < index < last]
    if misplaced:
        raise UnknownStep(f"PIPELINE_STEPS: {', '.join(misplaced)} must come after unchanged_pages and before "
                          "link_unchanged_pages")
    # The others write pages or the theme's files (the font subset) that the unchanged pages are judged by.
    late = [name for name in names[first + 1:] if name not in THEME_FILE_STEPS and name != "link_unchanged_pages"]
    if late:
        raise UnknownStep(f"PIPELINE_STEPS: {', '.join(late)} must come before unchanged_pages")


def check_steps(pelican):
    # A misspelt step, or a wrong setting of one, fails before anything is built.
    steps = steps_of(pelican.settings)
    check_order(list(pelican.settings.get("PIPELINE_STEPS", ())))
    if search_index.index_site in steps or search_index.index_in_background in steps:
        search_index.chunk_limit(pelican.settings)


def register():
    signals.initialized.connect(check_steps)
    signals.finalized.connect(run_steps)
