"""Dates as a newspaper prints them.

Adds:

* the ``EDITION_DATE`` setting: the date of the edition being built, an aware
  ``datetime`` in the site's ``TIMEZONE``.  It is the build time, or
  ``SOURCE_DATE_EPOCH`` when that environment variable is set, so that a build
  can be reproduced byte for byte.
* the Jinja filter ``edition_date``: "Friday, April 19th 2024" in English,
  Babel's full date pattern in other languages.
* the Jinja filter ``long_date``: "2 May 2018" in English, Babel's long date
  elsewhere.
* the Jinja filter ``iso_date``: ``2018-05-02`` for ``<time datetime>``.
* every article's and page's ``date`` and ``modified`` expressed in the site's
  ``TIMEZONE``: a story filed as ``2024-03-02T20:30+00:00`` is a 3 March story
  in Karachi, in its URL, its printed date and the day's paper.
* the Jinja filter ``iso_datetime``: full ISO 8601 with offset.
* the Jinja filters ``groupby_month`` (stories, newest first, as
  ``[(first day of month, [stories])]``), ``month_year`` ("May 2018") and
  ``period_label`` (a Pelican archive period ``(2018,)`` or ``(2018, 5)``).

Settings read: ``TIMEZONE``.
"""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from pelican import signals


def build_time(timezone_name, environ=os.environ):
    """The moment this build stands for, in the site's time zone."""
    zone = ZoneInfo(timezone_name)
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=zone)
    return datetime.now(tz=zone)


def english_ordinal(day):
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def edition_date(moment, lang="en"):
    """The masthead date: "Friday, April 19th 2024"."""
    if lang == "en":
        return f"{moment:%A}, {moment:%B} {english_ordinal(moment.day)} {moment.year}"
    return format_date(moment, format="full", locale=lang)


def month_and_year(moment):
    """ "May 2018".  The C strftime of `date` (datetimes are dates too):
    Pelican's SafeDatetime formats through a regex-based wrapper, slow on an
    archive of thousands of dates."""
    return date.strftime(moment, "%B %Y")


def long_date(moment, lang="en"):
    """A story's date in running text: "2 May 2018"."""
    if lang == "en":
        return f"{moment.day} {month_and_year(moment)}"
    return format_date(moment, format="long", locale=lang)


def iso_date(moment):
    return moment.date().isoformat() if isinstance(moment, datetime) else moment.isoformat()


def iso_datetime(moment):
    return moment.isoformat()


def in_site_time_zone(content):
    zone = ZoneInfo(content.settings["TIMEZONE"])
    for name in ("date", "modified"):
        moment = getattr(content, name, None)
        if isinstance(moment, datetime) and moment.tzinfo is not None:
            setattr(content, name, moment.astimezone(zone))


def month_year(moment, lang="en"):
    if lang == "en":
        return month_and_year(moment)
    return format_date(moment, format="LLLL y", locale=lang)


def period_label(period_num, lang="en"):
    if len(period_num) == 1:
        return format_date(date(period_num[0], 1, 1), format="y", locale=lang)
    return month_year(date(period_num[0], period_num[1], 1), lang)


def groupby_month(stories):
    months = {}
    for story in stories:
        months.setdefault(date(story.date.year, story.date.month, 1), []).append(story)
    return sorted(months.items(), key=lambda item: item[0], reverse=True)


def add_settings(pelican):
    settings = pelican.settings
    if "EDITION_DATE" not in settings:
        settings["EDITION_DATE"] = build_time(settings["TIMEZONE"])
    settings["JINJA_FILTERS"] = {
        **settings.get("JINJA_FILTERS", {}),
        "edition_date": edition_date,
        "long_date": long_date,
        "iso_date": iso_date,
        "iso_datetime": iso_datetime,
        "month_year": month_year,
        "period_label": period_label,
        "groupby_month": groupby_month,
    }


def register():
    signals.initialized.connect(add_settings)
    signals.content_object_init.connect(in_site_time_zone)
