"""Atom feeds with plain-text titles and the edition's language.

Pelican's writer puts the display title in feeds, which carries typogrify's
``&nbsp;`` (widont) and its ``<span class="caps">`` markup stripped to text;
feed readers should get the title exactly as written.  This plugin supplies a
Writer subclass (``get_writer`` signal) that:

* uses ``plain_title`` (see ``plain_titles``) for entry titles;
* names the paper (``SITENAME``) as the author of stories without a byline;
* sets the feed's ``language`` (``xml:lang``) to the edition's ``DEFAULT_LANG``;
* dates a feed with no entries (an edition or section without stories yet)
  ``EDITION_DATE`` (``SOURCE_DATE_EPOCH``, see ``dates``) where feedgenerator
  would write the time of the build, so that builds are reproducible.

Self links: ``editions`` sets each edition's ``FEED_DOMAIN`` to its own
``SITEURL``, so an Urdu feed's self link points at the Urdu feed.

Settings read: ``DEFAULT_LANG``, ``EDITION_DATE``, ``SITENAME``.
"""

from pelican import signals
from pelican.writers import Writer


class NewsWriter(Writer):
    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        feed.feed["language"] = context["DEFAULT_LANG"]
        latest_entry_date = feed.latest_post_date
        edition_date = context.get("EDITION_DATE") or self.settings.get("EDITION_DATE")
        feed.latest_post_date = lambda: latest_entry_date() if feed.items or not edition_date else edition_date
        return feed

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        entry = feed.items[-1]
        entry["title"] = getattr(item, "plain_title", entry["title"])
        # Stories carry no byline: the paper is the author (Atom requires a name).
        entry["author_name"] = entry["author_name"] or self.settings["SITENAME"]


def news_writer(pelican):
    return NewsWriter


def register():
    signals.get_writer.connect(news_writer)
