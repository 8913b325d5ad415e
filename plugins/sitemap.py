"""``sitemap.xml`` for every edition, with hreflang alternates.

Collects the URL of every article, page, section page, tag page, author page
and day of Today's Paper, the archive's year and month pages and the paper's
calendar pages, plus each edition's home page and archive, from every edition
built (the main site and the pelican-i18n-subsites subsites), and writes one
``sitemap.xml`` at the root of the main site when the main build finishes.
Translated stories list each
other as ``<xhtml:link rel="alternate" hreflang>``, with ``x-default`` pointing
at the main edition.  A story's ``lastmod`` is its last change (the later of
Modified and Correction_Date, see ``corrections``), else its date.  Entries
are sorted, so two builds write the same bytes.

The sitemap protocol allows 50,000 URLs in one file (and 50 MB).  A paper
with more pages (both editions together) gets ``sitemap.xml`` as a sitemap
index that lists ``sitemap-1.xml``, ``sitemap-2.xml`` and so on, each with at
most ``SITEMAP_MAX_URLS`` URLs (default 50,000) in the same order; robots.txt
and search engines keep asking for ``sitemap.xml``.  At 100,000 stories one
file of the publish build held 132,440 URLs in 45.7 MB, which search engines refuse.

Locations are percent-encoded URIs, as the sitemap protocol requires: an
Urdu tag's page is ``/ur/tag/%DA%A9%D8%B1%DA%A9%D9%B9/``, not the raw letters
(pages may link the raw form, which browsers encode the same way).

Why our own: pelican-sitemap 1.2.2 writes ``ref=`` instead of ``href=`` for
hreflang alternates.

Settings read: ``MAIN_SITEURL`` (from ``editions``), ``DEFAULT_LANG``, ``EDITIONS``,
``ARCHIVES_URL``, ``PAPER_ARCHIVE_URL``, ``OUTPUT_PATH``, ``SITEMAP_SAVE_AS``,
``SITEMAP_MAX_URLS``.
"""

import glob
import os
import re
from urllib.parse import quote
from xml.etree import ElementTree as ET

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

# Pelican loads our plugins as top-level modules in PLUGINS order; `editions`
# comes before `sitemap` there.
from editions import edition_siteurl, is_main_site, main_lang, native_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # the sitemap protocol's limit for one file
XHTML_NS = "http://www.w3.org/1999/xhtml"

# lang -> {loc: {"lastmod": str | None, "alternates": {lang: loc}}}
_ENTRIES = {}


# Characters a URI may carry as they are (RFC 3986 reserved and unreserved,
# and "%" so that a part already encoded is not encoded twice).
URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


# Percent-encoded locations of this build and of the one before (make serve
# builds again and again; the same URLs come back): {URL: location}.
_ENCODED = {"now": {}, "before": {}}


def _absolute(settings, lang, url):
    url = f"{edition_siteurl(lang, settings)}/{url}"
    encoded = _ENCODED["now"].get(url)
    if encoded is None:
        encoded = _ENCODED["before"].get(url) or quote(url, safe=URI_SAFE)
        _ENCODED["now"][url] = encoded
    return encoded


def reset(pelican):
    if is_main_site(pelican.settings):
        _ENTRIES.clear()
        _ENCODED["before"], _ENCODED["now"] = _ENCODED["now"], {}


def _add(settings, url, lastmod=None, alternates=None):
    lang = settings["DEFAULT_LANG"]
    loc = _absolute(settings, lang, url)
    _ENTRIES.setdefault(lang, {})[loc] = {"lastmod": lastmod, "alternates": alternates or {}}


def _content_entry(settings, content):
    lang = settings["DEFAULT_LANG"]
    alternates = {}
    if content.translations:
        alternates[lang] = _absolute(settings, lang, native_url(content))
        for translation in content.translations:
            alternates[translation.lang] = _absolute(settings, translation.lang, native_url(translation))
    moment = (getattr(content, "last_modified", None) or getattr(content, "modified", None)
              or getattr(content, "date", None))
    _add(settings, native_url(content), moment.isoformat() if moment else None, alternates)


def collect(generators):
    """Every page of this edition worth indexing, once all contexts exist."""
    for generator in generators:
        settings = generator.settings
        if isinstance(generator, ArticlesGenerator):
            _add(settings, "")
            _add(settings, settings["ARCHIVES_URL"])
            for article in generator.articles:
                _content_entry(settings, article)
            for category, _ in generator.categories:
                _add(settings, category.url)
            for tag in generator.tags:
                _add(settings, tag.url)
            for author, _ in generator.authors:
                _add(settings, author.url)
            for edition in getattr(generator, "paper_editions", ()):
                _add(settings, edition["url"])
            for granularity in ("year", "month"):
                for archive in generator.period_archives.get(granularity, ()):
                    _add(settings, archive["url"])
            if getattr(generator, "paper_years", None):
                _add(settings, settings["PAPER_ARCHIVE_URL"])
                for year in generator.paper_years:
                    _add(settings, year["url"])
        elif isinstance(generator, PagesGenerator):
            for page in generator.pages:
                _content_entry(settings, page)


def _text(value):
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value):
    return (_text(value).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def url_text(loc, entry, main):
    """One ``<url>`` of a urlset, indented as ``write_document`` indents."""
    lines = ["  <url>", f"    <loc>{_text(loc)}</loc>"]
    if entry["lastmod"]:
        lines.append(f"    <lastmod>{_text(entry['lastmod'])}</lastmod>")
    alternates = entry["alternates"]
    if alternates:
        links = sorted(alternates.items())
        if main in alternates:
            links.append(("x-default", alternates[main]))
        for hreflang, href in links:
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{_attribute(hreflang)}" href="{_attribute(href)}" />')
    lines.append("  </url>")
    return "\n".join(lines)


def write_document(root, path):
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_urlset(entries, path, main):
    """The urlset as ElementTree writes it with `write_document`, byte for
    byte, but as text: ElementTree took 0.1 s a build at 5,000 stories."""
    namespaces = f'xmlns="{SITEMAP_NS}"'
    if any(entry["alternates"] for _, entry in entries):
        namespaces += f' xmlns:xhtml="{XHTML_NS}"'
    urls = "\n".join(url_text(loc, entry, main) for loc, entry in entries)
    document = f"<urlset {namespaces}>\n{urls}\n</urlset>" if urls else f"<urlset {namespaces} />"
    with open(path, "w", encoding="utf-8", errors="xmlcharrefreplace") as file:  # as ElementTree opens it
        file.write("<?xml version='1.0' encoding='utf-8'?>\n" + document)


def max_urls(settings):
    limit = settings.get("SITEMAP_MAX_URLS", MAX_URLS)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_URLS:
        raise ValueError(f"SITEMAP_MAX_URLS is {limit!r}: it must be a whole number of URLs from 1 to "
                         f"{MAX_URLS:,} (the sitemap protocol's limit for one file)")
    return limit


def write_sitemap(pelican):
    settings = pelican.settings
    if not is_main_site(settings):
        return
    main = main_lang(settings)
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    entries = [(loc, _ENTRIES[lang][loc]) for lang in sorted(_ENTRIES) for loc in sorted(_ENTRIES[lang])]
    limit = max_urls(settings)
    name = settings.get("SITEMAP_SAVE_AS", "sitemap.xml")
    path = os.path.join(settings["OUTPUT_PATH"], name)
    parts = [entries[start:start + limit] for start in range(0, len(entries), limit)] or [[]]
    # Parts of an earlier build in the same folder (make serve builds in place).
    stem, suffix = os.path.splitext(name)
    part_pattern = re.compile(rf"{re.escape(stem)}-\d+{re.escape(suffix)}")
    for earlier in glob.glob(os.path.join(glob.escape(settings["OUTPUT_PATH"]), f"{glob.escape(stem)}-*{suffix}")):
        if part_pattern.fullmatch(os.path.basename(earlier)):
            os.remove(earlier)
    if len(parts) == 1:
        write_urlset(parts[0], path, main)
        return
    index = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    for number, part in enumerate(parts, 1):
        part_name = f"{stem}-{number}{suffix}"
        write_urlset(part, os.path.join(settings["OUTPUT_PATH"], part_name), main)
        sitemap = ET.SubElement(index, f"{{{SITEMAP_NS}}}sitemap")
        ET.SubElement(sitemap, f"{{{SITEMAP_NS}}}loc").text = _absolute(settings, main, part_name)
    write_document(index, path)


def check_settings(pelican):
    if is_main_site(pelican.settings):
        max_urls(pelican.settings)  # a wrong value fails before anything is built


def register():
    signals.initialized.connect(check_settings)
    signals.initialized.connect(reset)
    signals.all_generators_finalized.connect(collect)
    signals.finalized.connect(write_sitemap)
