"""Bylines: who wrote a story, the same author in both editions, and lists of names.

``Authors: Jane Reporter, Ali Khan`` (or ``Author: Jane Reporter``; names
that contain a comma are separated by ``;``) is read by Pelican into
``story.authors`` (``Author`` objects, with ``AUTHOR_URL`` pages and
``AUTHOR_FEED_ATOM`` feeds).  A story without it has no byline: the paper is
its author (see ``structured_data`` and ``feeds``).

This plugin adds:

* one slug per author across editions.  A translation names its original's
  authors in the same order, in its own script (``Authors: جین رپورٹر,
  علی خان``; validation checks the count).  When an edition's stories have
  been read (``article_generator_pretaxonomy``, after pelican-i18n-subsites
  sorted the editions), the n-th author of a translation takes the slug of
  the n-th author of its original, and every story of the edition by that
  name takes it too (an Urdu-only story by جین رپورٹر is on the same page).
  So an author's Urdu page is ``/ur/author/jane-reporter/``, paired with
  ``/author/jane-reporter/`` by the language switch, as sections are.  A
  name that no translation pairs keeps the slug of its own spelling.
* the Jinja filter ``listed``: ``items|listed`` is ``[(item, separator)]``,
  the separators that write the items as a list in the edition's language
  ("A, B and C"; Urdu "A، B، اور C"), from Babel's list patterns for the
  edition's ``text_locale``, so that a template can link each name.

Why our own: Pelican names authors per edition from their spelling only, so
the two editions' pages of one author would not pair.

Settings read: ``DEFAULT_LANG``, ``EDITIONS`` (``text_locale``), and
Pelican's ``AUTHOR_*`` URL settings through ``Author``.
"""

import re
from functools import lru_cache

from babel.lists import format_list
from jinja2 import pass_context
from pelican import signals

MARK = re.compile("\x00\\d+\x00")


@lru_cache(maxsize=None)
def list_separators(count, locale):
    """The text after each of `count` items written as a list: ``["", " and ", ""]``…"""
    written = format_list([f"\x00{index}\x00" for index in range(count)], locale=locale)
    return MARK.split(written)[1:]


@pass_context
def listed(context, items):
    items = list(items or ())
    if not items:
        return []
    lang = context["DEFAULT_LANG"]
    locale = context["EDITIONS"].get(lang, {}).get("text_locale", lang)
    return list(zip(items, list_separators(len(items), locale)))


def original_of(story):
    original_lang = getattr(story, "translated_from", None)
    return next((other for other in story.translations if other.lang == original_lang), None)


def share_author_slugs(generator):
    """Give the edition's authors the slugs of the same authors in the originals."""
    lang = generator.settings["DEFAULT_LANG"]
    stories = [story for story in generator.articles + generator.drafts if story.lang == lang]
    slug_of = {}
    for story in sorted(stories, key=lambda story: story.source_path):
        original = original_of(story)
        mine, theirs = getattr(story, "authors", []), getattr(original, "authors", [])
        if original is not None and len(mine) == len(theirs):
            for author, same in zip(mine, theirs):
                slug_of.setdefault(author.name, same.slug)
    for story in stories:
        for author in getattr(story, "authors", []):
            # Set every time: `make serve` keeps story objects from build to build.
            author.slug = slug_of.get(author.name) or type(author)(author.name, author.settings).slug


def add_filter(pelican):
    settings = pelican.settings
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), "listed": listed}


def register():
    signals.initialized.connect(add_filter)
    signals.article_generator_pretaxonomy.connect(share_author_slugs)
