"""The language editions of the paper and the masthead's language switch.

Adds:

* ``TEXT_DIRECTION`` (``ltr`` or ``rtl``) for the edition being built, from
  ``EDITIONS``.
* the Jinja global ``page_alternates``: hreflang alternates of the page.
* the Jinja global ``edition_url(content)``: its URL in its own edition.
* the Jinja global ``language_switch``: a list of
  ``{"lang", "name", "url", "current"}``, one per edition, for the page being
  rendered.  The other edition's entry links to this page's translation when
  there is one, else to the same page in that edition when the page sets
  ``edition_path`` or is a direct template with a ``<NAME>_URL`` setting
  (archive, sections, topics, search), else to
  that edition's home page.

URLs are built from each edition's own ``SITEURL`` and the translation's native
URL, never from relative ``../`` paths (pelican-i18n-subsites would give
``/ur/../2018/...``).

Settings read: ``EDITIONS`` (``{lang: {"name": ..., "dir": ..., "path": ...}}``
in masthead order; ``path`` is the edition's folder below the main site, ``""``
for the main edition), ``DEFAULT_LANG``, ``SITEURL``, ``THEME_STATIC_DIR``,
``CSS_FILE``.  It records the main site's ``MAIN_SITEURL``, ``THEME_URL`` and
``STYLESHEET`` for every edition, and sets each edition's ``FEED_DOMAIN`` to its
own ``SITEURL``.
"""

import os

from jinja2 import pass_context
from pelican import signals


def edition_siteurl(lang, settings):
    """The SITEURL of an edition, without trailing slash."""
    main_url = settings["MAIN_SITEURL"].rstrip("/")
    path = settings["EDITIONS"][lang].get("path", "")
    return f"{main_url}/{path}".rstrip("/") if path else main_url


def native_url(content):
    """The URL of content inside its own edition (ignores i18n override_url)."""
    key = "url" if content.in_default_lang else "lang_url"
    return content._expand_settings(key)


@pass_context
def edition_url(context, content):
    """Where ``content`` lives in its own edition."""
    return f"{edition_siteurl(content.lang, context)}/{native_url(content)}"


def path_in_every_edition(context):
    """The page's path inside any edition, when every edition has the page:
    ``edition_path`` set by the writer, or a direct template (archive, search,
    ...) that has a ``<NAME>_URL`` setting."""
    if context.get("edition_path"):
        return context["edition_path"]
    page_name = context.get("page_name")
    for template in context.get("DIRECT_TEMPLATES", ()):
        save_as = context.get(f"{template.upper()}_SAVE_AS")
        url = context.get(f"{template.upper()}_URL")
        if template != "index" and save_as and url and page_name == os.path.splitext(save_as)[0]:
            return url
    return None


@pass_context
def language_switch(context):
    settings = context
    current = context["DEFAULT_LANG"]
    content = context.get("article") or context.get("page")
    translations = {t.lang: t for t in getattr(content, "translations", [])}
    entries = []
    for lang, edition in settings["EDITIONS"].items():
        home = edition_siteurl(lang, settings) + "/"
        if lang == current:
            url = None
        elif lang in translations:
            url = edition_url(context, translations[lang])
        elif path_in_every_edition(context):
            url = home + path_in_every_edition(context)
        else:
            url = home
        entries.append({"lang": lang, "name": edition["name"], "url": url, "current": lang == current})
    return entries


@pass_context
def page_alternates(context):
    """``[(hreflang, url)]`` for ``<link rel="alternate">``: this page in every
    language it exists in, plus ``x-default`` (the main edition), or ``[]``
    when the page has no translation.  Home pages pair with each other, and
    so do pages that set ``edition_path``."""
    settings = context
    content = context.get("article") or context.get("page")
    main_lang = next(iter(settings["EDITIONS"]))
    if content is not None:
        versions = {content.lang: content, **{t.lang: t for t in content.translations}}
        if len(versions) < 2:
            return []
        urls = {lang: edition_url(context, item) for lang, item in versions.items()}
    elif context.get("page_name") == "index":
        urls = {lang: edition_siteurl(lang, settings) + "/" for lang in settings["EDITIONS"]}
    elif path_in_every_edition(context):
        path = path_in_every_edition(context)
        urls = {lang: edition_siteurl(lang, settings) + "/" + path for lang in settings["EDITIONS"]}
    else:
        return []
    alternates = sorted(urls.items())
    if main_lang in urls:
        alternates.append(("x-default", urls[main_lang]))
    return alternates


def add_settings(pelican):
    settings = pelican.settings
    # Subsites start from a copy of the main site's settings, so the main
    # site's SITEURL is recorded once, before any subsite exists.
    settings.setdefault("MAIN_SITEURL", settings["SITEURL"])
    # pelican-i18n-subsites clears CSS_FILE in subsites and points their
    # THEME_STATIC_DIR at "../theme": every edition links the main site's
    # theme files through THEME_URL instead.
    settings.setdefault("THEME_URL", f"{settings['SITEURL']}/{settings['THEME_STATIC_DIR']}")
    settings.setdefault("STYLESHEET", f"css/{settings['CSS_FILE']}")
    # Each edition's feeds live under its own SITEURL (i18n_subsites keeps
    # the main site's FEED_DOMAIN, so Urdu feeds would claim English URLs).
    settings["FEED_DOMAIN"] = settings["SITEURL"]
    edition = settings["EDITIONS"].get(settings["DEFAULT_LANG"], {})
    settings["TEXT_DIRECTION"] = edition.get("dir", "ltr")
    settings["JINJA_GLOBALS"] = {
        **settings.get("JINJA_GLOBALS", {}),
        "language_switch": language_switch,
        "page_alternates": page_alternates,
        "edition_url": edition_url,
    }


def register():
    signals.initialized.connect(add_settings)
