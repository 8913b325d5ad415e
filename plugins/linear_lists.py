"""Pelican's story lists, made in linear time instead of quadratic.

Pelican 4.12.0, the newest release, makes four lists by testing membership in
another list (``x in some_list``), once per tag, section, author or period:

* the ``dates`` of every tag, section and author page
  (``[article for article in self.dates if article in articles]``);
* the ``articles`` of every year and month archive
  (``[a for a in articles if a in dates]``);
* the translations that ``process_translations`` returns
  (``[x for x in content_list if x not in index]``, over every story).

Their cost grows with the square of the number of stories: seconds at 5,000
stories, 42 of the 96 minutes of a build at 100,000 (docs/performance.md).

`LinearPelican`, set as ``PELICAN_CLASS`` (Pelican's own extension point;
pelican-i18n-subsites builds the Urdu edition with the same class, and
``make serve`` mixes its own into it), builds with `LinearArticlesGenerator`,
which makes the same lists, in the same order, by looking positions up in a
dict.  Pelican's content objects compare by identity (``Content`` defines no
``__eq__``), so a lookup by ``id()`` is the test that ``in`` makes; should a
content class ever define ``__eq__``, both fall back to Pelican's own scans.

Not a plugin (nothing to register) and no maintained package: there is none
for this, and the upstream fix (sets) is not released.  Reads no setting of
its own; Pelican's ``ARTICLE_TRANSLATION_ID`` as before.
"""

from contextlib import contextmanager
from itertools import groupby
from operator import attrgetter

import pelican.generators
from pelican import Pelican
from pelican.generators import ArticlesGenerator
from pelican.utils import process_translations as pelican_process_translations


class InOrder:
    """A sequence's items, found by identity: ``members(items)`` is
    ``[x for x in sequence if x in items]`` in O(len(items) log len(items))
    once the sequence is indexed, instead of O(len(sequence) * len(items))."""

    def __init__(self, sequence):
        self.sequence = list(sequence)
        self.by_identity = compares_by_identity(self.sequence)
        self.positions = {}
        if self.by_identity:
            for position, item in enumerate(self.sequence):
                self.positions.setdefault(id(item), []).append(position)

    def members(self, items):
        if not self.by_identity:
            return [item for item in self.sequence if item in items]
        found = set()
        for item in items:
            found.update(self.positions.get(id(item), ()))
        return [self.sequence[position] for position in sorted(found)]


def compares_by_identity(items):
    """Whether ``x in items`` is an identity test for every item (no class
    among them defines its own ``__eq__``)."""
    return all(type(item).__eq__ is object.__eq__ for item in items)


def process_translations(content_list, translation_id=None):
    """Pelican's `process_translations`, called once per group of
    translations (the stories that share a translation id) instead of once
    for them all, so that its closing scan, which is quadratic, only ever
    sees one group.  Same results, same order, same warnings: Pelican sorts
    by the translation id and processes one group after the other, and no
    story is in two groups (stories compare by identity; if they did not,
    Pelican's function runs on the whole list)."""
    if not translation_id or not compares_by_identity(content_list):
        return pelican_process_translations(content_list, translation_id)
    try:
        key = attrgetter(*({translation_id} if isinstance(translation_id, str) else translation_id))
        content_list.sort(key=key)
    except (TypeError, AttributeError):
        return pelican_process_translations(content_list, translation_id)  # raises Pelican's own message
    originals, translations = [], []
    for _, group in groupby(content_list, key):
        group_originals, group_translations = pelican_process_translations(list(group), translation_id)
        originals.extend(group_originals)
        translations.extend(group_translations)
    return originals, translations


@contextmanager
def _linear_process_translations():
    # ArticlesGenerator.generate_context calls the function by its name in
    # pelican.generators; it is replaced for that call only.
    previous = pelican.generators.process_translations
    pelican.generators.process_translations = process_translations
    try:
        yield
    finally:
        pelican.generators.process_translations = previous


class LinearArticlesGenerator(ArticlesGenerator):
    """ArticlesGenerator whose tag, section, author and period lists are made
    by `InOrder` (see the module's docstring)."""

    def generate_context(self):
        with _linear_process_translations():
            super().generate_context()

    def _build_period_archives(self, sorted_articles, articles, settings):
        archives = super()._build_period_archives(sorted_articles, [], settings)
        in_listing_order = InOrder(articles)
        for periods in archives.values():
            for archive in periods:
                archive["articles"] = in_listing_order.members(archive["dates"])
        return archives

    def generate_tags(self, write):
        self._with_own_dates(super().generate_tags, write)

    def generate_categories(self, write):
        self._with_own_dates(super().generate_categories, write)

    def generate_authors(self, write):
        self._with_own_dates(super().generate_authors, write)

    def _with_own_dates(self, generate_pages, write):
        """Run one of Pelican's generate_tags/categories/authors with an empty
        ``self.dates``, so that its scan costs nothing, and give each page
        its ``dates`` (its ``articles`` in date order) in the write call."""
        in_date_order = InOrder(self.dates)

        def write_with_dates(*args, **kwargs):
            kwargs["dates"] = in_date_order.members(kwargs["articles"])
            return write(*args, **kwargs)

        dates, self.dates = self.dates, []
        try:
            generate_pages(write_with_dates)
        finally:
            self.dates = dates


class LinearPelican(Pelican):
    """Pelican with `LinearArticlesGenerator` in place of ArticlesGenerator."""

    def _get_generator_classes(self):
        return [LinearArticlesGenerator if generator is ArticlesGenerator else generator
                for generator in super()._get_generator_classes()]
