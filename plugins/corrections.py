"""Corrections: a note shown above the story, and the story's last change.

A story may carry::

    Correction: An earlier version gave the wrong date for the vote.
    Correction_Date: 2018-05-03 10:30

(plain text, like the Summary; the date in the paper's time zone, or with an
offset; validation requires both, and a Correction_Date no earlier than the
Date).  Adds to every article and page (``content_object_init``):

* ``correction``: the note as typed (stripped), or ``None``;
* ``correction_date``: an aware ``datetime`` in ``TIMEZONE``, or ``None``;
* ``last_modified``: the later of ``Modified`` and ``Correction_Date``, or
  ``None`` when the story has neither: what JSON-LD ``dateModified``,
  ``article:modified_time``, the sitemap's ``lastmod`` and the feeds'
  ``updated`` say.

The article template shows the note between the header and the body.

Settings read: ``TIMEZONE``.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from pelican import signals


def parse_moment(value, zone):
    """``2018-05-03``, ``2018-05-03 10:30`` or ISO 8601 with an offset, in `zone`."""
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).strip().replace(" ", "T", 1))
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(zone)


def last_modified(content):
    moments = [moment for moment in (getattr(content, "modified", None), content.correction_date) if moment]
    return max(moments) if moments else None


def read_correction(content):
    zone = ZoneInfo(content.settings["TIMEZONE"])
    note = str(getattr(content, "correction", "") or "").strip()
    when = getattr(content, "correction_date", None)
    content.correction = note or None
    content.correction_date = parse_moment(when, zone) if note and when else None
    content.last_modified = last_modified(content)


def register():
    signals.content_object_init.connect(read_correction)
