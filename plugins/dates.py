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
* the Jinja filters ``number`` (a count: ``{{ count|number(DEFAULT_LANG) }}``),
  ``digits`` (a year or a day, not grouped) and ``month_name`` ("Mar").
* ``NUMBER_LOCALE``, the edition's BCP 47 locale with its numbering system
  (``ur-u-nu-latn``), for scripts that print numbers and dates.

Every date and number filter takes the language of the text it goes into and
prints that edition's ``digits`` (``EDITIONS``: ``latn`` 0123…, the default,
or ``arabext`` ۰۱۲۳…).

Settings read: ``TIMEZONE``, ``EDITIONS``, ``DEFAULT_LANG``.
"""

import os
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
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


ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def in_digits(text, digits):
    """`text` with its Western digits in the numbering system `digits`."""
    return text.translate(ARABIC_INDIC_DIGITS) if digits == "arabext" else text


def number(value, lang="en"):
    """A count: "1,250" (grouped as the language groups digits)."""
    return format_decimal(value, locale=lang)


def digits(value, lang="en"):
    """A number as it is, no grouping: a year, a day of the month."""
    return str(value)


def month_name(moment, lang="en"):
    """The month's short name on its own: "Mar" ("مارچ" in Urdu)."""
    return format_date(moment, format="LLL", locale=lang)


def in_edition_digits(function, editions):
    """`function(value, lang, ...)` printing the digits of edition `lang`.
    Each result is remembered for the build (the filter is made anew at each
    build's start): a listing prints the same dates and counts again and
    again, and Babel formats each one from its locale data every time."""
    made = {}

    def format_now(value, lang, args):
        return in_digits(function(value, lang, *args), editions.get(lang, {}).get("digits", "latn"))

    def localized(value, lang="en", *args):
        if isinstance(value, (float, Decimal)):  # equal values that print apart: 0.0 and -0.0, 1.0 and 1.00
            return format_now(value, lang, args)
        # An aware moment compares equal to the same instant in another zone:
        # the key holds the offset too, as the printed day depends on it.
        offset = value.utcoffset() if isinstance(value, datetime) else None
        key = (type(value), value, offset, lang, args)
        try:
            return made[key]
        except KeyError:
            pass
        except TypeError:  # a value that cannot be a key
            return format_now(value, lang, args)
        found = made[key] = format_now(value, lang, args)
        return found
    localized.__name__ = function.__name__
    return localized


def add_settings(pelican):
    settings = pelican.settings
    if "EDITION_DATE" not in settings:
        settings["EDITION_DATE"] = build_time(settings["TIMEZONE"])
    editions = settings.get("EDITIONS", {})
    lang = settings["DEFAULT_LANG"]
    settings["NUMBER_LOCALE"] = f"{lang}-u-nu-{editions.get(lang, {}).get('digits', 'latn')}"
    settings["JINJA_FILTERS"] = {
        **settings.get("JINJA_FILTERS", {}),
        **{function.__name__: in_edition_digits(function, editions)
           for function in (edition_date, long_date, month_year, period_label, number, digits, month_name)},
        "iso_date": iso_date,
        "iso_datetime": iso_datetime,
        "groupby_month": groupby_month,
    }


def register():
    signals.initialized.connect(add_settings)
    signals.content_object_init.connect(in_site_time_zone)
