"""Each story's URL is worked out once, not on every use.

Pelican's ``Content.url`` and ``save_as`` are properties that format the URL
setting (with ``strftime`` of the date) each time a template asks; a listing
of 5,000 headlines asks 5,000 times, and the same story appears on many pages.
When an edition's stories are final (``article_generator_finalized``,
``page_generator_finalized``), this plugin stores each one's ``url`` and
``save_as`` in Pelican's own ``override_url`` / ``override_save_as``
attributes, which ``Content.get_url_setting`` returns first.  Content that
already has an override (a ``URL:`` in its metadata) keeps it, and
pelican-i18n-subsites, which later points translations at the other edition,
still replaces it.

Why our own: no plugin does this; it changes no URL (the tests compare whole
builds).  Settings read: none (Pelican's ``*_URL`` / ``*_SAVE_AS`` through
``Content``).
"""

from pelican import signals

ATTRIBUTES = ("url", "save_as")


def fix(contents):
    for content in contents:
        for name in ATTRIBUTES:
            if not hasattr(content, f"override_{name}"):
                setattr(content, f"override_{name}", getattr(content, name))


def fix_articles(generator):
    for contents in (generator.articles, generator.translations, generator.drafts,
                             generator.drafts_translations, generator.hidden_articles,
                             generator.hidden_translations):
        fix(contents)


def fix_pages(generator):
    for contents in (generator.pages, generator.translations, generator.hidden_pages,
                             generator.hidden_translations, generator.draft_pages, generator.draft_translations):
        fix(contents)


def register():
    signals.article_generator_finalized.connect(fix_articles)
    signals.page_generator_finalized.connect(fix_pages)
