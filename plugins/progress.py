"""Progress of a long build on a terminal: files read, pages written.

A full build of thousands of stories takes a while; after
``PROGRESS_AFTER_SECONDS`` (default 2) this plugin keeps one line on standard
error up to date ("read 3,120 files · wrote 1,480 pages"), a few times a
second (inside Pelican's own "Generating..." spinner when it shows one), and
ends it when the build finishes.  It stays silent when standard
error is not a terminal or the ``CI`` environment variable is set (to
anything but ``false`` or ``0``), so logs and CI output are unchanged.

Counts cover every edition (pelican-i18n-subsites builds them in one
process).  Settings read: ``PROGRESS_AFTER_SECONDS``, ``EDITIONS``,
``DEFAULT_LANG``.
"""

import os
import sys
import time

from pelican import signals
from pelican.log import console as pelican_console

from editions import is_main_site

_STATE = {"started": None, "read": 0, "written": 0, "shown": 0.0, "after": 2.0, "active": False}


def wanted(stream=sys.stderr, environ=os.environ):
    return stream.isatty() and environ.get("CI", "").lower() in ("", "false", "0")


def start(pelican):
    settings = pelican.settings
    if not is_main_site(settings):
        return  # a subsite: the main site's counters go on
    _STATE.update(started=time.monotonic(), read=0, written=0, shown=0.0, active=wanted(),
                  after=float(settings.get("PROGRESS_AFTER_SECONDS", 2)))


def show(final=False):
    if not _STATE["active"] or _STATE["started"] is None:
        return
    now = time.monotonic()
    if not final and (now - _STATE["started"] < _STATE["after"] or now - _STATE["shown"] < 0.25):
        return
    if final and not _STATE["shown"]:
        return  # a short build never showed a line
    _STATE["shown"] = now
    line = f"read {_STATE['read']:,} files · wrote {_STATE['written']:,} pages"
    spinner = pelican_spinner()
    if spinner is not None:
        if not final:  # Pelican prints its own summary when the spinner ends
            spinner.update(text=f"Generating... {line}")
        return
    sys.stderr.write(f"\r\033[K{line}" + ("\n" if final else ""))
    sys.stderr.flush()


def pelican_spinner():
    """The "Generating..." spinner Pelican shows on a terminal (rich), if any:
    our line goes into it rather than fighting it for the same line."""
    live_stack = getattr(pelican_console, "_live_stack", None)
    if live_stack:
        get_renderable = getattr(live_stack[-1], "get_renderable", None)
        renderable = get_renderable() if get_renderable else None
        if hasattr(renderable, "update"):
            return renderable
    return None


def file_read(sender, **kwargs):
    _STATE["read"] += 1
    show()


def page_written(sender, **kwargs):
    _STATE["written"] += 1
    show()


def finish(pelican):
    if is_main_site(pelican.settings):
        show(final=True)
        _STATE["started"] = None


def register():
    signals.initialized.connect(start)
    signals.article_generator_preread.connect(file_read)
    signals.page_generator_preread.connect(file_read)
    signals.content_written.connect(page_written)
    signals.feed_written.connect(page_written)
    signals.finalized.connect(finish)
