"""Every warning and error that Pelican or a plugin logs reaches the editor, as ``path:line: message``.

Pelican reports what goes wrong while it reads and writes through Python's
logging: a file it cannot read ("Could not process ..."), a status it does not
know, a link it cannot resolve, an image without alt text.  Run with
``--quiet`` (or with a log level above the message's) those lines are never
printed, and ``--fatal errors`` only acts on lines that were printed, so a
story could vanish from the site with exit status 0.

This plugin, on the first ``initialized`` signal of the process (the main
site):

* makes sure records of level WARNING and above are emitted whatever the
  command line said (the ``pelican`` logger and the root logger are lowered to
  WARNING when they were set higher);
* prints each of them once on standard error in the form of the content
  checks (``plugins/validation.py``)::

      content/articles/2018/story.md:1: <what is wrong>
      content/articles/2018/story.md:1: warning: <what to look at>
      error: <a problem that names no content file>

  naming the content file when the record mentions one (relative to the
  project root, as the checks print it); Pelican's own handler (rich or plain)
  keeps INFO and DEBUG lines only, so nothing is printed twice;
* counts errors (and warnings when ``STRICT`` is on, as for the checks) and
  stops the build with exit status 1 once every edition has read its content
  (``all_generators_finalized``, before any page of that edition is written)
  and again at the end (``finalized``) for problems found while writing.
  Exit by ``SystemExit``, which Pelican's ``except Exception`` does not turn
  into a traceback; tools/build.py then leaves ``output/`` as it was.

A traceback is printed only for CRITICAL records (Pelican crashed: a bug in
our code or a plugin, not in the content) or when ``DEBUG`` is set.

Messages that Pelican logs in every preview build and that no editor can act
on are silenced with Pelican's own ``LOG_FILTER`` setting (pelicanconf.py).

Why our own: Pelican's handlers print its messages as they are, without the
file's place, and ``--fatal`` aborts at the first one with a traceback.
Settings read: ``PATH``, ``STRICT``, ``DEBUG``.
"""

import logging
import os
import sys
import traceback
from pathlib import Path

from pelican import signals

from editions import is_main_site

_STATE = {"handler": None, "errors": 0, "warnings": 0, "settings": None}

# Pelican 4.12 messages about one content file, reworded for an editor.  The
# key is the record's format string; the value makes the text from its
# arguments and the exception being handled (Pelican logs "Could not process"
# inside its `except`, without the exception in the message).
KNOWN_MESSAGES = {
    "Could not process %s": lambda args, error: (
        f"{error}" if hasattr(error, "line") else f"could not be read ({type(error).__name__}: {error})"
        if error is not None else "could not be read"),
    "Unknown status '%s' for file %s, skipping it. (Not in %s)":
        lambda args, error: f"unknown Status \"{args[0]}\"; the story was left out (use one of: "
                            f"{', '.join(args[2])})",
    "Skipping %s: file %r would be written outside output path":
        lambda args, error: f"the story would be written outside the site ({args[1]}); it was left out",
    "Skipping %s: could not find information about '%s'":
        lambda args, error: f"missing {str(args[1]).capitalize()}; the story was left out",
    "Duplicate definition of `%s` for %s. Using first one.":
        lambda args, error: f"{str(args[0]).capitalize()} is given more than once; only the first is used",
    "Empty alt attribute for image %s in %s":
        lambda args, error: f"the image {args[0]} has no alt text; describe it for readers who cannot see it",
    "Unable to find '%s', skipping url replacement.":
        lambda args, error: f"link to a missing file: {args[0]}",
}


def strict(settings, environ=os.environ):
    return bool(settings.get("STRICT")) or environ.get("STRICT", "") not in ("", "0")


def shown_path(path, content_root):
    """As plugins/validation.py prints it (relative to the working directory)."""
    path = Path(path).resolve()
    for base in (Path.cwd().resolve(), Path(content_root).resolve().parent):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def content_file(record, content_root):
    """The content file a record is about: its ``source_path`` (a plugin's
    ``extra``), or the first argument that names a file of the content folder."""
    if getattr(record, "source_path", None):
        return Path(record.source_path)
    args = record.args if isinstance(record.args, tuple) else tuple((record.args or {}).values())
    root = Path(content_root).resolve()
    for arg in args:
        arg = getattr(arg, "source_path", arg)  # a Content object names its file
        if not isinstance(arg, (str, os.PathLike)) or not str(arg).strip() or "\n" in str(arg):
            continue
        candidate = Path(arg)
        candidate = candidate if candidate.is_absolute() else root / candidate
        try:
            resolved = candidate.resolve()
            if resolved.is_relative_to(root) and resolved.is_file():
                return resolved
        except (OSError, ValueError):
            continue
    return None


def handled_exception(record):
    """The exception of the record, or the one being handled where it was logged."""
    if record.exc_info and record.exc_info[1] is not None:
        return record.exc_info[1]
    return sys.exc_info()[1]


def line_of(record):
    if isinstance(getattr(record, "source_line", None), int):
        return record.source_line
    exception = handled_exception(record)
    args = record.args if isinstance(record.args, tuple) else ()
    for candidate in (exception, *args):
        line = getattr(candidate, "line", None)
        if isinstance(line, int):
            return line
    return 1


def one_line(text):
    return "; ".join(part.strip() for part in str(text).splitlines() if part.strip())


class EditorLogHandler(logging.Handler):
    """Prints WARNING and above as `path:line: message`, counting them."""

    def __init__(self, stream=None):
        super().__init__(level=logging.WARNING)
        self.stream = stream

    def format_record(self, record):
        settings = _STATE["settings"] or {}
        content_root = settings.get("PATH", "content")
        source = content_file(record, content_root)
        known = KNOWN_MESSAGES.get(record.msg) if isinstance(record.msg, str) else None
        try:
            message = known(record.args, handled_exception(record)) if known and source is not None \
                else record.getMessage()
        except Exception:  # a message that does not fit our wording: print it as Pelican wrote it
            message = record.getMessage()
        message = one_line(message)
        warning = "warning: " if record.levelno < logging.ERROR else ""
        if source is not None:
            return f"{shown_path(source, content_root)}:{line_of(record)}: {warning}{message}"
        return f"{'warning' if warning else 'error'}: {message}"

    def emit(self, record):
        try:
            text = self.format_record(record)
            if record.exc_info and (record.levelno >= logging.CRITICAL or (_STATE["settings"] or {}).get("DEBUG")):
                text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            stream = self.stream or sys.stderr
            stream.write(text + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)
        if record.levelno >= logging.ERROR:
            _STATE["errors"] += 1
        else:
            _STATE["warnings"] += 1


def below_warning(record):
    return record.levelno < logging.WARNING


def install(pelican):
    """Once per process: route WARNING and above to our handler."""
    _STATE["settings"] = pelican.settings
    if _STATE["handler"] is not None:
        return
    root = logging.getLogger()
    for handler in root.handlers:
        handler.addFilter(below_warning)
    handler = _STATE["handler"] = EditorLogHandler()
    root.addHandler(handler)
    for logger in (root, logging.getLogger("pelican")):
        if logger.level == logging.NOTSET or logger.level > logging.WARNING:
            if logger is root or logger.level != logging.NOTSET:
                logger.setLevel(logging.WARNING)


def reset(pelican):
    """A new build in the same process (make serve) starts counting again;
    a language subsite goes on counting the main site's."""
    if is_main_site(pelican.settings):
        _STATE["errors"] = _STATE["warnings"] = 0


def failed(settings):
    return _STATE["errors"] > 0 or (strict(settings) and _STATE["warnings"] > 0)


def stop_if_failed(settings, when):
    if failed(settings):
        counts = [f"{_STATE['errors']} error{'s' * (_STATE['errors'] != 1)}"]
        if strict(settings) and _STATE["warnings"]:
            counts.append(f"{_STATE['warnings']} warning{'s' * (_STATE['warnings'] != 1)} (STRICT)")
        print(f"build stopped {when}: {' and '.join(counts)} above", file=sys.stderr, flush=True)
        raise SystemExit(1)


def after_reading(generators):
    settings = generators[0].settings if generators else (_STATE["settings"] or {})
    stop_if_failed(settings, "before writing")


def at_the_end(pelican):
    stop_if_failed(pelican.settings, "after writing")


def register():
    signals.initialized.connect(install)
    signals.initialized.connect(reset)
    signals.all_generators_finalized.connect(after_reading)
    signals.finalized.connect(at_the_end)
