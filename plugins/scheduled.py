"""Scheduled stories: a story dated after the build appears with the first build after its date.

A newsroom files embargoed stories ahead of time: ``Date: 2024-06-12 09:00``,
written on 10 June, is a story to publish on 12 June at 09:00 (Karachi time,
``TIMEZONE``).  When an edition's stories have been read
(``article_generator_pretaxonomy``, before sections, tags, authors, archives,
the front page, feeds, Today's Paper, related stories, the sitemap and the
search index are made from them) this plugin takes out, as if their files
were not there:

* every published story dated after the build's date (``EDITION_DATE``, see
  ``dates``: ``SOURCE_DATE_EPOCH`` when set, else the time of the build);
* every translation of such a story, whatever its own date: a translation
  never appears before its original (nor links to a page that is not there).

The main site prints one line per held story on standard output (once per
process: `make serve` does not repeat it at every rebuild), e.g.::

    scheduled: content/articles/2024/budget.md appears at 2024-06-12T09:00:00+05:00 (Asia/Karachi), with its translation content/articles/2024/budget.ur.md

Nothing of it is written; the first build after that moment publishes it
(the publish workflow rebuilds on a schedule, with the time of the run as its
date).  ``first_scheduled`` in the edition's context is the earliest such
moment: a build's record stops being up to date there (``build_record``).
Drafts are left to ``drafts``.  Validation refuses a Date more than
``SCHEDULE_MAX_DAYS_AHEAD`` days ahead (a mistyped year).

It runs before pelican-i18n-subsites sorts the editions (``PLUGINS`` order),
so that no edition links to a held story.

Why our own: Pelican's ``WITH_FUTURE_DATES = False`` turns future stories
into drafts silently, by the wall clock (not ``SOURCE_DATE_EPOCH``), and
keeps their translations.

Settings read: ``EDITION_DATE`` (set by ``dates``), ``TIMEZONE``, ``PATH``.
"""

from pelican import signals

from editions import is_main_site
from validation import shown_path


# Lines said by this process: `make serve` rebuilds many times in one process
# and says each held story once, not at every rebuild.
_ANNOUNCED = set()


def held_back(stories, moment):
    """``{story: when it appears}`` for the stories dated after ``moment``
    and the translations of those."""
    held = {story: story.date for story in stories if story.date > moment}
    for story in stories:
        original_lang = getattr(story, "translated_from", None)
        for original in story.translations:
            if original.lang == original_lang and original in held:
                held[story] = max(story.date, held[original])
    return held


def notices(held, settings):
    """One line per held story, naming its held translations that appear with it."""
    lines, named = [], set()
    for story in sorted(held, key=lambda s: (held[s], bool(getattr(s, "translated_from", None)), s.source_path)):
        if story in named:
            continue
        with_it = sorted((t for t in story.translations if t in held and held[t] == held[story] and t not in named),
                         key=lambda t: t.source_path)
        named.update([story, *with_it])
        line = (f"scheduled: {shown_path(story.source_path, settings['PATH'])} appears at "
                f"{held[story].isoformat()} ({settings['TIMEZONE']})")
        if with_it:
            files = ", ".join(shown_path(t.source_path, settings["PATH"]) for t in with_it)
            line += f", with its translation{'s' if len(with_it) > 1 else ''} {files}"
        lines.append(line)
    return lines


def hold_scheduled_stories(generator):
    settings = generator.settings
    stories = generator.articles + generator.translations
    held = held_back(stories, settings["EDITION_DATE"])
    # When this edition's pages change by time alone (``build_record``).
    generator.context["first_scheduled"] = min(held.values(), default=None)
    if not held:
        return
    if is_main_site(settings):
        news = [line for line in notices(held, settings) if line not in _ANNOUNCED]
        _ANNOUNCED.update(news)
        if news:
            print("\n".join(news), flush=True)
    generator.articles = [story for story in generator.articles if story not in held]
    generator.translations = [story for story in generator.translations if story not in held]
    for story in generator.articles + generator.translations:
        story.translations = [other for other in story.translations if other not in held]


def register():
    signals.article_generator_pretaxonomy.connect(hold_scheduled_stories)
