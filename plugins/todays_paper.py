"""Today's Paper: every day's edition, its latest issue and an archive by month.

For each edition (language) it writes:

* ``PAPER_DAY_SAVE_AS`` (``paper/YYYY-MM-DD/``) for every day on which at least
  one story was published: the day's stories grouped by section in
  ``SECTIONS`` order (sections not in ``SECTIONS`` follow, by name), newest
  first within a section, with links to the previous and next editions;
* ``PAPER_SAVE_AS`` (``paper/``): the latest edition (its canonical URL is the
  dated one), or a notice when nothing has been published yet;
* ``PAPER_ARCHIVE_YEAR_SAVE_AS`` (``paper/archive/YYYY/``): the year's
  editions as month calendars, newest month first, every day with an edition
  a link; ``PAPER_ARCHIVE_SAVE_AS`` (``paper/archive/``) shows the latest year.
  Both list every year with editions.  Weeks start on the edition locale's
  first day (``EDITIONS[lang]["locale"]``, from CLDR through Babel).

A story belongs to the day of its ``date`` in the site's ``TIMEZONE`` (the
``dates`` plugin expresses every date in that zone), so a story filed at
00:10 in Karachi is in the next day's paper even when its UTC day is the day
before.  Only the edition's own stories are listed (an Urdu translation is in
the Urdu paper, not in the English one).

Templates: ``paper.html`` (context ``paper``: ``{"day", "url", "canonical_url",
"sections": [(Category, [Article])], "story_count", "previous", "next"}``;
``previous``/``next`` are ``{"day", "url"}`` or ``None``) and
``paper_archive.html`` (context ``paper_year``: ``{"year", "url",
"months": [{"month": first day, "edition_count", "weeks": [[None or {"day",
"edition": None or {"day", "url", "story_count"}}] * 7]}]}``, ``paper_years``:
``[{"year", "url"}]`` newest first, and ``weekdays``: ``[(short name, full
name)]`` in calendar order).  Both get ``edition_path``, the page's path
inside any edition, for the language switch, when every edition has it.

Why our own: no Pelican plugin builds per-day editions.

Settings read: ``TIMEZONE``, ``SECTIONS``, ``DEFAULT_LANG``, ``SITEURL``,
``PAPER_URL``, ``PAPER_SAVE_AS``, ``PAPER_DAY_URL``, ``PAPER_DAY_SAVE_AS``
(formatted with ``date``, a ``datetime.date``), ``PAPER_ARCHIVE_URL``,
``PAPER_ARCHIVE_SAVE_AS``, ``PAPER_ARCHIVE_YEAR_URL``,
``PAPER_ARCHIVE_YEAR_SAVE_AS``, ``EDITIONS``.
"""

import calendar
from datetime import date
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_day_names
from pelican import signals

DEFAULTS = {
    "PAPER_URL": "paper/",
    "PAPER_SAVE_AS": "paper/index.html",
    "PAPER_DAY_URL": "paper/{date:%Y-%m-%d}/",
    "PAPER_DAY_SAVE_AS": "paper/{date:%Y-%m-%d}/index.html",
    "PAPER_ARCHIVE_URL": "paper/archive/",
    "PAPER_ARCHIVE_SAVE_AS": "paper/archive/index.html",
    "PAPER_ARCHIVE_YEAR_URL": "paper/archive/{date:%Y}/",
    "PAPER_ARCHIVE_YEAR_SAVE_AS": "paper/archive/{date:%Y}/index.html",
}


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def paper_day(moment, zone):
    """The day of the paper a story published at ``moment`` appears in."""
    return moment.astimezone(zone).date()


def section_rank(configured, lang):
    return {section[lang]: index for index, section in enumerate(configured) if lang in section}


def group_by_section(stories, rank):
    """``[(Category, [stories])]`` in section order; stories keep their order."""
    sections = {}
    for story in stories:
        sections.setdefault(story.category, []).append(story)
    return sorted(sections.items(), key=lambda item: (rank.get(item[0].name, len(rank)), item[0].name))


def editions_by_day(articles, zone):
    """``{day: [stories newest first]}``."""
    days = {}
    for article in sorted(articles, key=lambda a: a.date, reverse=True):
        days.setdefault(paper_day(article.date, zone), []).append(article)
    return days


def edition_locale(settings):
    lang = settings["DEFAULT_LANG"]
    return Locale.parse(settings.get("EDITIONS", {}).get(lang, {}).get("locale", lang))


def calendar_years(editions, settings):
    """Every year with editions, newest first, as month calendars."""
    first_weekday = edition_locale(settings).first_week_day  # 0: Monday
    weeks_of = calendar.Calendar(first_weekday).monthdatescalendar
    by_day = {edition["day"]: {"day": edition["day"], "url": edition["url"], "story_count": edition["story_count"]}
              for edition in editions}
    months = sorted({date(day.year, day.month, 1) for day in by_day}, reverse=True)
    years = {}
    for month in months:
        year = years.setdefault(month.year, {
            "year": month.year,
            "url": setting(settings, "PAPER_ARCHIVE_YEAR_URL").format(date=month),
            "save_as": setting(settings, "PAPER_ARCHIVE_YEAR_SAVE_AS").format(date=month),
            "months": [],
        })
        weeks = [[{"day": day, "edition": by_day.get(day)} if day.month == month.month else None for day in week]
                 for week in weeks_of(month.year, month.month)]
        year["months"].append({"month": month, "weeks": weeks,
                               "edition_count": sum(1 for day in by_day if day.year == month.year
                                                    and day.month == month.month)})
    return list(years.values())


def weekday_names(settings):
    """[(short name, full name)] from the calendar's first weekday on."""
    locale = edition_locale(settings)
    short, full = get_day_names("abbreviated", locale=locale), get_day_names("wide", locale=locale)
    return [(short[index % 7], full[index % 7]) for index in range(locale.first_week_day, locale.first_week_day + 7)]


def build_paper(generator):
    """Compute every edition of the paper for this language."""
    settings = generator.settings
    zone = ZoneInfo(settings["TIMEZONE"])
    rank = section_rank(settings.get("SECTIONS", []), settings["DEFAULT_LANG"])
    days = editions_by_day(generator.articles, zone)
    ordered = sorted(days)
    siteurl = settings["SITEURL"]

    def day_url(day):
        return setting(settings, "PAPER_DAY_URL").format(date=day)

    editions = []
    for index, day in enumerate(ordered):
        editions.append({
            "day": day,
            "url": day_url(day),
            "save_as": setting(settings, "PAPER_DAY_SAVE_AS").format(date=day),
            "canonical_url": f"{siteurl}/{day_url(day)}",
            "sections": group_by_section(days[day], rank),
            "story_count": len(days[day]),
            "previous": {"day": ordered[index - 1], "url": day_url(ordered[index - 1])} if index > 0 else None,
            "next": {"day": ordered[index + 1], "url": day_url(ordered[index + 1])} if index + 1 < len(ordered) else None,
        })
    generator.paper_editions = editions
    generator.paper_years = calendar_years(editions, settings)


def write_paper(generator, writer):
    settings = generator.settings
    template = generator.get_template("paper")
    for edition in generator.paper_editions:
        writer.write_file(edition["save_as"], template, generator.context, url=edition["url"], paper=edition)
    latest = generator.paper_editions[-1] if generator.paper_editions else None
    if latest:
        # /paper/ is a page of its own (whatever day is latest), so it is its
        # own canonical URL and pairs with the other edition's /paper/.
        latest = {**latest, "canonical_url": f"{settings['SITEURL']}/{setting(settings, 'PAPER_URL')}"}
    is_today = bool(latest) and latest["day"] == settings["EDITION_DATE"].date()
    writer.write_file(setting(settings, "PAPER_SAVE_AS"), template, generator.context,
                      url=setting(settings, "PAPER_URL"), paper=latest, paper_is_latest=True,
                      paper_is_today=is_today, edition_path=setting(settings, "PAPER_URL"))
    archive = generator.get_template("paper_archive")
    years = [{"year": year["year"], "url": year["url"]} for year in generator.paper_years]
    weekdays = weekday_names(settings)
    for year in generator.paper_years:
        writer.write_file(year["save_as"], archive, generator.context, url=year["url"], paper_year=year,
                          paper_years=years, weekdays=weekdays)
    latest_year = generator.paper_years[0] if generator.paper_years else None
    writer.write_file(setting(settings, "PAPER_ARCHIVE_SAVE_AS"), archive, generator.context,
                      url=setting(settings, "PAPER_ARCHIVE_URL"), paper_year=latest_year, paper_years=years,
                      weekdays=weekdays, edition_path=setting(settings, "PAPER_ARCHIVE_URL"))


def register():
    signals.article_generator_finalized.connect(build_paper)
    signals.article_writer_finalized.connect(write_paper)
