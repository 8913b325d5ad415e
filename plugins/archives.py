"""The archive's years and months, for its jump bar and the footer.

Pelican writes ``/archive/`` (every story) and the period archives
``/archive/YYYY/`` and ``/archive/YYYY/MM/``; ``PAGINATED_TEMPLATES`` cuts
them into pages.  This plugin adds to each edition's template context:

* ``archive_years``: ``[{"year": 2024, "url": "archive/2024/", "months":
  [{"month": date(2024, 3, 1), "url": "archive/2024/03/"}, ...]}, ...]``,
  newest first, the months of a year newest first: the jump bar of every
  archive page (partials/archive_jump.html) and the years in the footer.
  It changes only when a month gets its first story, so ``make serve``
  (tools/incremental.py, which counts it in every page's signature) renders
  every page again only then.

The sitemap plugin lists the same year and month pages.

Settings read: ``YEAR_ARCHIVE_URL``, ``MONTH_ARCHIVE_URL`` (formatted with
``date``, a ``datetime.date``).
"""

from datetime import date

from pelican import signals


def archive_years(stories, settings):
    """The years and months of `stories`, with their URLs."""
    months = {date(story.date.year, story.date.month, 1) for story in stories}
    years = {}
    for month in sorted(months, reverse=True):
        entry = years.setdefault(month.year, {
            "year": month.year,
            "url": settings["YEAR_ARCHIVE_URL"].format(date=month),
            "months": [],
        })
        entry["months"].append({"month": month, "url": settings["MONTH_ARCHIVE_URL"].format(date=month)})
    return list(years.values())


def add_archive_years(generator):
    generator.context["archive_years"] = archive_years(generator.articles, generator.settings)


def register():
    signals.article_generator_finalized.connect(add_archive_years)
