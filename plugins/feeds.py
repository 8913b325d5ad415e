"""Atom feeds with plain-text titles, bylines and the edition's language.

Pelican's writer puts the display title in feeds, which carries typogrify's
``&nbsp;`` (widont) and its ``<span class="caps">`` markup stripped to text;
feed readers should get the title exactly as written.  This plugin supplies a
Writer subclass (``get_writer`` signal) that:

* uses ``plain_title`` (see ``plain_titles``) for entry titles;
* gives each entry one ``<author>`` per author of its byline (``Authors:``),
  with the author page as ``<uri>``; a story without a byline names the paper
  (``SITENAME``), as Atom requires an author;
* dates an entry's ``<updated>`` by its last change, the later of Modified
  and Correction_Date (``last_modified``, see ``corrections``);
* sets the feed's ``language`` (``xml:lang``) to the edition's ``DEFAULT_LANG``;
* dates a feed with no entries (an edition or section without stories yet)
  at the start of the edition's day (``EDITION_DATE``, ``SOURCE_DATE_EPOCH``,
  see ``dates``) where feedgenerator would write the time of the build, so
  that builds are reproducible and a build later the same day changes nothing.

Self links: ``editions`` sets each edition's ``FEED_DOMAIN`` to its own
``SITEURL``, so an Urdu feed's self link points at the Urdu feed.

Settings read: ``DEFAULT_LANG``, ``EDITION_DATE``, ``SITENAME``.
"""

from feedgenerator import Atom1Feed
from pelican import signals
from pelican.writers import Writer


class BylinedAtomFeed(Atom1Feed):
    """Atom with an ``<author>`` for each of ``item["more_authors"]`` after the first."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, uri in item.get("more_authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", uri)
            handler.endElement("author")


class NewsWriter(Writer):
    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        if type(feed) is Atom1Feed:
            feed.__class__ = BylinedAtomFeed
        feed.feed["language"] = context["DEFAULT_LANG"]
        latest_entry_date = feed.latest_post_date
        edition_date = context.get("EDITION_DATE") or self.settings.get("EDITION_DATE")
        if edition_date:  # the edition's day: a build later that day makes the same feed
            edition_date = edition_date.replace(hour=0, minute=0, second=0, microsecond=0)
        feed.latest_post_date = lambda: latest_entry_date() if feed.items or not edition_date else edition_date
        return feed

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        entry = feed.items[-1]
        entry["title"] = getattr(item, "plain_title", entry["title"])
        byline = [(author.name, self.urljoiner(self.site_url, author.url)) for author in getattr(item, "authors", ())]
        if byline:
            (entry["author_name"], entry["author_link"]), entry["more_authors"] = byline[0], byline[1:]
        else:
            entry["author_name"] = self.settings["SITENAME"]
        if getattr(item, "last_modified", None):
            entry["updateddate"] = item.last_modified


def news_writer(pelican):
    return NewsWriter


def register():
    signals.get_writer.connect(news_writer)
