"""The language editions of the paper and the masthead's language switch.

Adds:

* ``TEXT_DIRECTION`` (``ltr`` or ``rtl``) for the edition being built, from
  ``EDITIONS``.
* the Jinja global ``page_alternates``: hreflang alternates of the page.
* the Jinja global ``edition_url(content)``: its URL in its own edition.
* the Jinja global ``language_switch``: a list of
  ``{"lang", "name", "url", "current"}``, one per edition, for the page being
  rendered.  The other edition's entry links to this page's translation when
  there is one, else to the same listing (section, archive, paper, search…)
  when the other edition has it, else to that edition's home page.  A page
  that every edition has may say so by rendering with ``edition_path`` (its
  URL inside any edition).  A topic (tag) page leads to the same topic in the
  other edition (see ``paired_tag``), else to that edition's topics index.

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

import re

from jinja2 import pass_context
from pelican import signals
from pelican.generators import ArticlesGenerator

# lang -> output paths ("section/syria/index.html") the edition writes, so that
# the switch can send a reader to the same listing in the other edition.
_PAGES_BY_EDITION = {}
# lang -> {tag name: (Tag, [stories])} of each edition, and the tag pairs found.
_TAGS_BY_EDITION = {}
_PAIRED_TAGS = {}
# (lang, other) -> ({tag of edition `other`: slugs of its stories translated
# into `lang`}, {slug: those tags}), made once a build: a tag is paired by
# looking at the tags that share a story with it, not at every tag.
_PAIRING_INDEX = {}
# A topic pairs with the other edition's topic whose translated stories are
# the most alike (Jaccard index of the story pairs), if at least this alike,
# the only one that alike, and the pairing holds both ways.
TAG_PAIRING_MIN_OVERLAP = 0.5
PAGINATION_SUFFIX = re.compile(r"page/\d+/(?=index\.html$)")


def edition_siteurl(lang, settings):
    """The SITEURL of an edition, without trailing slash."""
    main_url = settings["MAIN_SITEURL"].rstrip("/")
    path = settings["EDITIONS"][lang].get("path", "")
    return f"{main_url}/{path}".rstrip("/") if path else main_url


def native_url(content):
    """The URL of content inside its own edition (ignores i18n override_url).
    Worked out once per story object, when its edition's stories are final
    (the first caller: ``article_generator_finalized``): the structured data,
    the sitemap and the language switch all ask, and formatting the URL
    setting is most of what they cost.  Nothing changes a story's URL on the
    object afterwards; ``make serve`` reads an edited story into a new object
    when its URL may change (tools/incremental.py, ``placement``)."""
    found = content.__dict__.get("_native_url")
    if found is None:
        key = "url" if content.in_default_lang else "lang_url"
        found = content.__dict__["_native_url"] = content._expand_settings(key)
    return found


@pass_context
def edition_url(context, content):
    """Where ``content`` lives in its own edition."""
    return f"{edition_siteurl(content.lang, context)}/{native_url(content)}"


def _pairing_index(lang, other):
    found = _PAIRING_INDEX.get((lang, other))
    if found is None:
        paired_slugs, tags_of_slug = {}, {}
        for candidate, (_, stories) in _TAGS_BY_EDITION.get(other, {}).items():
            paired = paired_slugs[candidate] = {story.slug for story in stories
                                                if any(t.lang == lang for t in story.translations)}
            for slug in paired:
                tags_of_slug.setdefault(slug, []).append(candidate)
        found = _PAIRING_INDEX[(lang, other)] = (paired_slugs, tags_of_slug)
    return found


def _best_match(name, lang, other):
    """The tag of edition `other` most like tag `name` of edition `lang`, or None."""
    tags = _TAGS_BY_EDITION.get(lang, {})
    if name not in tags:
        return None
    translated = {t.slug for story in tags[name][1] for t in story.translations if t.lang == other}
    if not translated:
        return None
    paired_slugs, tags_of_slug = _pairing_index(lang, other)
    candidates = {candidate for slug in translated for candidate in tags_of_slug.get(slug, ())}
    scores = {candidate: len(paired_slugs[candidate] & translated) / len(paired_slugs[candidate] | translated)
              for candidate in candidates}
    if not scores:
        return None
    best = max(scores.values())
    winners = [candidate for candidate, score in scores.items() if score == best]
    return winners[0] if best >= TAG_PAIRING_MIN_OVERLAP and len(winners) == 1 else None


def paired_tag(name, lang, other):
    """The Tag of edition `other` that is the same topic as tag `name` of
    edition `lang`: the stories of the one are the translations of the
    stories of the other (most of them, and no other tag as much); or None."""
    key = (name, lang, other)
    if key not in _PAIRED_TAGS:
        match = _best_match(name, lang, other)
        back = _best_match(match, other, lang) if match else None
        _PAIRED_TAGS[key] = _TAGS_BY_EDITION[other][match][0] if match and back == name else None
    return _PAIRED_TAGS[key]


def counterparts(context):
    """``{lang: url}`` of this page in every edition that has it: the story
    and its translations, the same topic, or the same listing (section,
    archive, home…)."""
    current = context["DEFAULT_LANG"]
    content = context.get("article") or context.get("page")
    if content is not None:
        versions = {current: content, **{t.lang: t for t in content.translations}}
        return {lang: edition_url(context, item) for lang, item in versions.items()}
    tag = context.get("tag")
    if tag is not None:
        found = {current: f"{edition_siteurl(current, context)}/{tag.url}"}
        for lang in context["EDITIONS"]:
            other = paired_tag(tag.name, current, lang) if lang != current else None
            if other is not None:
                found[lang] = f"{edition_siteurl(lang, context)}/{other.url}"
        return found
    if context.get("edition_path"):
        return {lang: f"{edition_siteurl(lang, context)}/{context['edition_path']}" for lang in context["EDITIONS"]}
    listing = PAGINATION_SUFFIX.sub("", context.get("output_file") or "")
    return {
        lang: f"{edition_siteurl(lang, context)}/{listing.removesuffix('index.html')}"
        for lang in context["EDITIONS"]
        if lang == current or listing in _PAGES_BY_EDITION.get(lang, ())
    }


def fallback_url(context, lang):
    """Where the switch leads when edition `lang` has no counterpart of this
    page: its topics index from a topic page, else its home page."""
    if context.get("tag") is not None and context.get("TAGS_URL"):
        return f"{edition_siteurl(lang, context)}/{context['TAGS_URL']}"
    return edition_siteurl(lang, context) + "/"


@pass_context
def language_switch(context):
    current = context["DEFAULT_LANG"]
    found = counterparts(context)
    return [
        {
            "lang": lang,
            "name": edition["name"],
            "url": None if lang == current else found.get(lang) or fallback_url(context, lang),
            "current": lang == current,
        }
        for lang, edition in context["EDITIONS"].items()
    ]


@pass_context
def page_alternates(context):
    """``[(hreflang, url)]`` for ``<link rel="alternate">``: this page in every
    edition that has it, plus ``x-default`` (the main edition); ``[]`` when the
    page exists in one edition only."""
    found = counterparts(context)
    if len(found) < 2:
        return []
    alternates = sorted(found.items())
    if main_lang(context) in found:
        alternates.append(("x-default", found[main_lang(context)]))
    return alternates


def main_lang(settings):
    """The main edition's language: the first of ``EDITIONS`` (or
    ``DEFAULT_LANG`` for a site without editions)."""
    editions = settings.get("EDITIONS")
    return next(iter(editions)) if editions else settings["DEFAULT_LANG"]


def is_main_site(settings):
    """True in the main site's Pelican run, False in a subsite's
    (pelican-i18n-subsites runs one per other edition, in the same process):
    work done once for the whole output belongs to the main site."""
    return settings["DEFAULT_LANG"] == main_lang(settings)


def reset_pages(pelican):
    if is_main_site(pelican.settings):
        _PAGES_BY_EDITION.clear()
        _TAGS_BY_EDITION.clear()
        _PAIRED_TAGS.clear()
        _PAIRING_INDEX.clear()


def record_listings(generators):
    """Remember the listing pages this edition writes (sections, authors,
    archives, the direct templates, the paper's days); stories pair through
    their translations.  Runs once every generator has its context, before any
    edition writes."""
    generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = generator.settings
    pages = _PAGES_BY_EDITION.setdefault(settings["DEFAULT_LANG"], set())
    for template in settings["DIRECT_TEMPLATES"]:
        pages.add(settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html"))
    for category, _ in generator.categories:
        pages.add(category.save_as)
    for author, _ in generator.authors:
        pages.add(author.save_as)
    for archives in generator.period_archives.values():
        pages.update(archive["save_as"] for archive in archives)
    pages.update(edition["save_as"] for edition in getattr(generator, "paper_editions", ()))
    pages.update(year["save_as"] for year in getattr(generator, "paper_years", ()))
    _TAGS_BY_EDITION[settings["DEFAULT_LANG"]] = {tag.name: (tag, stories) for tag, stories in generator.tags.items()}
    _PAIRED_TAGS.clear()
    _PAIRING_INDEX.clear()


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
    signals.initialized.connect(reset_pages)
    signals.all_generators_finalized.connect(record_listings)
