"""Minified pages and stylesheet in the publish build, through minify-html.

The ``minify`` step of ``pipeline`` (after the search index and the font
subset, before ``fingerprint`` names files after their bytes): every
``.html`` file of the output, both editions, is minified once, and so is
every stylesheet.  The pages are shared among one process per CPU
(plugins/processes.py: forked on Linux, started afresh elsewhere).

Pages keep their end tags (``keep_closing_tags``, and the ``<html>`` and
``<head>`` start tags): the HTML standard lets a minifier leave out ``</p>``
or ``</li>``, but a streaming reader such as Pagefind's does not infer them,
and joined "Omar SampleCorrection" as one word, or hid a story's whole body
after an unclosed ``data-pagefind-ignore`` element.  Kept, they cost a few
hundred bytes a page before compression.

Why our own: pelican-minify 2.0.2, the ecosystem's plugin, has no setting
for minify-html's options, minifies the Urdu subsite's pages twice (once in
its own run, again in the main site's), and passes a stylesheet to
minify-html as if it were an HTML document, which leaves it as written
(comments, spaces and all).  A stylesheet is minified here as the content
of a ``<style>`` element, by minify-html's CSS minifier (lightningcss).

Settings read (pelican-minify's names, so that ``make check`` can build
without minification): ``HTML_MIN`` and ``CSS_MIN`` (default true),
``INLINE_CSS_MIN`` and ``INLINE_JS_MIN`` (default true).
"""

import os
from pathlib import Path

import unchanged_pages
from processes import chunks, files_under, map_on_every_core

PAGES_PER_TASK = 64  # pages are shared among the processes in tasks of this many
STYLE_OPEN, STYLE_CLOSE = "<style>", "</style>"


def minified_page(html, inline_css=True, inline_js=True):
    import minify_html

    return minify_html.minify(html, minify_css=inline_css, minify_js=inline_js, keep_closing_tags=True,
                              keep_html_and_head_opening_tags=True)


def minified_stylesheet(css):
    import minify_html

    result = minify_html.minify(STYLE_OPEN + css + STYLE_CLOSE, minify_css=True, minify_js=False)
    if not (result.startswith(STYLE_OPEN) and result.endswith(STYLE_CLOSE)):
        raise RuntimeError("minify-html did not return the stylesheet as one <style> element")
    return result[len(STYLE_OPEN):-len(STYLE_CLOSE)]


def minify_pages(task):
    pages, inline_css, inline_js = task
    for page in pages:
        page.write_text(minified_page(page.read_text(encoding="utf-8"), inline_css, inline_js), encoding="utf-8")


def minify_site(output, settings):
    """The pipeline's ``minify`` step (both editions: the Urdu one is a folder of the output)."""
    output = Path(output)
    if settings.get("HTML_MIN", True):
        inline_css, inline_js = settings.get("INLINE_CSS_MIN", True), settings.get("INLINE_JS_MIN", True)
        finished = unchanged_pages.unchanged(output)  # the live site's, minified
        pages = [page for page in files_under(output, [".html"]) if page not in finished]
        map_on_every_core(minify_pages, [(share, inline_css, inline_js) for share in chunks(pages, PAGES_PER_TASK)])
    if settings.get("CSS_MIN", True):
        for stylesheet in files_under(output, [".css"]):
            minified = minified_stylesheet(stylesheet.read_text(encoding="utf-8"))
            # Replaced, not written into: Pagefind's stylesheets are hard
            # links to its cache (plugins/search_index.py).
            written = stylesheet.with_name(f".{stylesheet.name}.tmp")
            written.write_text(minified, encoding="utf-8")
            os.replace(written, stylesheet)
