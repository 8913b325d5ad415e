"""Tells tools/build.py how long this build's pages stay right, and what it read outside the project.

A build with nothing changed since the last one does not run at all
(``tools/uptodate.py``).  Files and settings are compared there; what only
the build itself knows is written here, as JSON, into the file named by the
``BUILD_RECORD_FACTS`` environment variable (tools/build.py sets it; without
it this plugin does nothing):

* ``valid_from``, ``valid_until`` (seconds since the epoch): the window in
  which a build would make the same pages.  Pages depend on the build's time
  (``EDITION_DATE``, see ``dates``) through its day only (the masthead's
  date, Today's Paper, the copyright year, an empty feed's date) and through
  the stories ``scheduled`` holds back.  So the window runs from the build's
  time to the next midnight in ``TIMEZONE`` or to the first held story's
  time, whichever comes first; every edition narrows it with its own held
  stories.
* ``extra_inputs``: files and folders the settings name outside the project
  (a ``THEME``, ``PLUGIN_PATHS``, ``DEPLOY_HEADERS``, ``CMS_SOURCE``,
  ``I18N_GETTEXT_LOCALEDIR`` elsewhere) or under ``node_modules``, which the
  project walk leaves out (the CMS bundle ``CMS_BUNDLE``).
* ``excluded``: ``CACHE_PATH``, which the build writes (not an input).

Settings read: ``EDITION_DATE``, ``TIMEZONE``, ``THEME``, ``PLUGIN_PATHS``,
``DEPLOY_HEADERS``, ``I18N_GETTEXT_LOCALEDIR``, ``CMS_PATH``, ``CMS_SOURCE``,
``CMS_BUNDLE``, ``CACHE_PATH``.
"""

import json
import os
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals

ROOT = Path(__file__).resolve().parent.parent


def next_midnight(moment, timezone_name):
    zone = ZoneInfo(timezone_name)
    day = moment.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=zone)


def narrow(facts_path, settings, first_held=None):
    """Merge this edition's window into the facts file (editions run one after another in one process)."""
    path = Path(facts_path)
    try:
        facts = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        facts = {"extra_inputs": [], "excluded": []}
    moment = settings["EDITION_DATE"]
    until = next_midnight(moment, settings["TIMEZONE"])
    if first_held is not None:
        until = min(until, first_held)
    facts["valid_from"] = max(facts.get("valid_from", float("-inf")), moment.timestamp())
    facts["valid_until"] = min(facts.get("valid_until", float("inf")), until.timestamp())
    read = [Path(settings["THEME"]), *(ROOT / folder for folder in settings.get("PLUGIN_PATHS", ()))]
    named = ["DEPLOY_HEADERS", "I18N_GETTEXT_LOCALEDIR"] + (["CMS_SOURCE", "CMS_BUNDLE"] if settings.get("CMS_PATH") else [])
    read += [ROOT / settings[name] for name in named if settings.get(name)]
    outside = {str(folder.resolve()) for folder in read
               if not folder.resolve().is_relative_to(ROOT) or "node_modules" in folder.parts}
    facts["extra_inputs"] = sorted({*facts["extra_inputs"], *outside})
    facts["excluded"] = sorted({*facts["excluded"], str(Path(settings["CACHE_PATH"]).resolve())})
    path.write_text(json.dumps(facts, sort_keys=True), encoding="utf-8")


def record_window(generator):
    facts_path = os.environ.get("BUILD_RECORD_FACTS")
    if facts_path:
        narrow(facts_path, generator.settings, generator.context.get("first_scheduled"))


def register():
    signals.article_generator_finalized.connect(record_window)
