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

Locations are percent-encoded URIs, as the sitemap protocol requires: an
Urdu tag's page is ``/ur/tag/%DA%A9%D8%B1%DA%A9%D9%B9/``, not the raw letters
(pages may link the raw form, which browsers encode the same way).

Why our own: pelican-sitemap 1.2.2 writes ``ref=`` instead of ``href=`` for
hreflang alternates.

Settings read: ``MAIN_SITEURL`` (from ``editions``), ``DEFAULT_LANG``, ``EDITIONS``,
``ARCHIVES_URL``, ``PAPER_ARCHIVE_URL``, ``OUTPUT_PATH``, ``SITEMAP_SAVE_AS``.
"""

import os
from urllib.parse import quote
from xml.etree import ElementTree as ET

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

# Pelican loads our plugins as top-level modules in PLUGINS order; `editions`
# comes before `sitemap` there.
from editions import edition_siteurl, is_main_site, main_lang, native_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"

# lang -> {loc: {"lastmod": str | None, "alternates": {lang: loc}}}
_ENTRIES = {}


# Characters a URI may carry as they are (RFC 3986 reserved and unreserved,
# and "%" so that a part already encoded is not encoded twice).
URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def _absolute(settings, lang, url):
    return quote(f"{edition_siteurl(lang, settings)}/{url}", safe=URI_SAFE)


def reset(pelican):
    if is_main_site(pelican.settings):
        _ENTRIES.clear()


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


def write_sitemap(pelican):
    settings = pelican.settings
    if not is_main_site(settings):
        return
    main = main_lang(settings)
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for lang in sorted(_ENTRIES):
        for loc in sorted(_ENTRIES[lang]):
            entry = _ENTRIES[lang][loc]
            url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = loc
            if entry["lastmod"]:
                ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = entry["lastmod"]
            alternates = entry["alternates"]
            if alternates:
                links = sorted(alternates.items())
                if main in alternates:
                    links.append(("x-default", alternates[main]))
                for hreflang, href in links:
                    ET.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=hreflang, href=href)
    ET.indent(urlset)
    path = os.path.join(settings["OUTPUT_PATH"], settings.get("SITEMAP_SAVE_AS", "sitemap.xml"))
    ET.ElementTree(urlset).write(path, encoding="utf-8", xml_declaration=True)


def register():
    signals.initialized.connect(reset)
    signals.all_generators_finalized.connect(collect)
    signals.finalized.connect(write_sitemap)
