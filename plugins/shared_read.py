"""Each story is read once per build, whichever editions publish it.

pelican-i18n-subsites builds the Urdu edition as a second Pelican run, and
that run reads every source file again: it needs the English stories too, to
pair translations.  Markdown and typogrify are already remembered
(read_once.py), but the rest of a read (opening the file, parsing and
processing its metadata, typogrify's lookups, path metadata) is done twice,
about a tenth of a build at 5,000 stories.

The main edition records what its reader produced for each story and page:
the converted body and the metadata as Pelican hands them to the content
class.  A later edition that reads the same file in the same build gets that
record instead of reading: its metadata's sections, tags and bylines are made
again with the edition's own settings (their slugs depend on them: Urdu
section names map to English slugs only in the Urdu edition), then the
edition's content class is built from it as Pelican builds it, so
``content_object_init`` and every edition-specific attribute (settings,
context, language, dates, photos) are the edition's own.  What changes for
the edition is only that the file is not opened and parsed again; its output
is byte-identical.

A record is used only while the file still has the size, modification time,
inode and change time it had when the main edition read it (and, for a file
changed in the last few seconds, the same bytes): a save during the build
makes the edition read the file itself, as before.  Only articles and pages
are shared, and only with an edition whose settings differ from the main
edition's in nothing a reader uses (``EDITION_SETTINGS``: addresses, names,
locale, slugs); an edition with its own ``TYPOGRIFY`` or ``MARKDOWN`` reads
every file itself.  The edition still sends the preread and
``article_generator_context`` signals for each file, with its own copy of the
metadata as the reader made it.  Records are dropped when a build starts and
when it ends (``make serve``'s quick updates record the files they read, until
the next build).

Why our own: pelican-i18n-subsites has no way to hand a subsite the main
site's reads, and Pelican's content caches are per edition (one cache file
per site) and stamp files by time only.  Settings read: every setting of
both editions (compared), ``DEFAULT_LANG`` and ``EDITIONS`` (which edition
is the main one).
"""

import os

from pelican import signals
from pelican.contents import Article, Page
from pelican.readers import SkipStub
from pelican.urlwrappers import URLWrapper

from editions import is_main_site
from file_stamps import same_file, stamp_of

SHARED_CLASSES = (Article, Page)
# Settings in which editions differ without changing what a reader makes of
# a file: where pages go and how they are named, shown and slugged (the
# content class applies those itself, with the edition's settings).  An
# edition whose settings differ from the main edition's in any other key
# (TYPOGRIFY, MARKDOWN, DEFAULT_METADATA...) reads every file itself.
EDITION_SETTINGS = {
    "DEFAULT_LANG", "LOCALE", "SITENAME", "SITEURL", "FEED_DOMAIN", "OUTPUT_PATH", "CACHE_PATH", "CSS_FILE",
    "TEXT_DIRECTION", "NUMBER_LOCALE", "JINJA_FILTERS", "URDU_FONT_PRELOAD", "ROBOTS_SAVE_AS",
    "STATIC_PATHS", "THEME_STATIC_DIR", "THEME_STATIC_PATHS", "DATE_FORMATS", "DEFAULT_DATE_FORMAT",
    "SLUGIFY_USE_UNICODE", "SLUGIFY_PRESERVE_CASE", "SLUGIFY_SOURCE", "SLUG_REGEX_SUBSTITUTIONS",
    "CATEGORY_REGEX_SUBSTITUTIONS", "TAG_REGEX_SUBSTITUTIONS", "AUTHOR_REGEX_SUBSTITUTIONS",
}
EDITION_SETTING_SUFFIXES = ("_URL", "_SAVE_AS")
READER_SETTINGS = {"CATEGORY_SAVE_AS"}  # has a suffix above, and the reader reads it (the default category)

_MAIN = {"settings": None}
_RECORDS = {}  # (content class, absolute path) -> (stamp, body, metadata)
STATS = {"recorded": 0, "reused": 0, "read_again": 0}


def unchanged_since(stamp, path):
    """Whether the file at `path` is still the one stamped `stamp`."""
    return same_file(stamp, stamp_of(path), path)


def copy_of(metadata):
    return {name: list(value) if isinstance(value, list) else value for name, value in metadata.items()}


def for_edition(value, settings):
    """A metadata value as the edition's reader would have made it: sections,
    tags and bylines made again with its settings, lists copied."""
    if isinstance(value, URLWrapper):
        return type(value)(value.name, settings)
    if isinstance(value, list):
        return [for_edition(item, settings) for item in value]
    return value


def reads_alike(settings, main_settings):
    """Whether a reader with `settings` makes of every file what one with
    `main_settings` makes (they differ in EDITION_SETTINGS at most)."""
    for name in set(settings) | set(main_settings):
        if name in EDITION_SETTINGS or (name.endswith(EDITION_SETTING_SUFFIXES) and name not in READER_SETTINGS):
            continue
        mine, main = settings.get(name, KeyError), main_settings.get(name, KeyError)
        if mine is not main and mine != main:
            return False
    return True


class RecordingSignal:
    """Pelican's context signal, also keeping the metadata it was sent (what
    the reader made, before any handler changed it)."""

    def __init__(self, signal, keep):
        self.signal, self.keep, self.name = signal, keep, getattr(signal, "name", repr(signal))

    def send(self, sender, metadata):
        self.keep(copy_of(metadata))
        return self.signal.send(sender, metadata=metadata)


def recording_main_reads(readers):
    """readers_init (main edition): keep what the reader made of each story."""
    read_file = readers.read_file
    _MAIN["settings"] = readers.settings

    def read_and_record(base_path, path, content_class=Page, fmt=None, context=None, preread_signal=None,
                        preread_sender=None, context_signal=None, context_sender=None):
        if content_class not in SHARED_CLASSES:
            return read_file(base_path, path, content_class, fmt, context, preread_signal, preread_sender,
                             context_signal, context_sender)
        full_path = os.path.abspath(os.path.join(base_path, path))
        stamp = stamp_of(full_path)
        as_read = {}
        if context_signal is not None:
            context_signal = RecordingSignal(context_signal, lambda metadata: as_read.setdefault("metadata", metadata))

        def construct(content, metadata, settings, source_path, context):
            if stamp is not None:
                _RECORDS[content_class, full_path] = (stamp, content, as_read.get("metadata") or copy_of(metadata))
                STATS["recorded"] += 1
            return content_class(content=content, metadata=metadata, settings=settings,
                                 source_path=source_path, context=context)

        construct.__name__ = content_class.__name__  # Pelican names the class in its debug log
        return read_file(base_path, path, construct, fmt, context, preread_signal, preread_sender,
                         context_signal, context_sender)

    readers.read_file = read_and_record


def using_main_reads(readers):
    """readers_init (another edition): build from the main edition's read."""
    if _MAIN["settings"] is None or not reads_alike(readers.settings, _MAIN["settings"]):
        return
    read_file = readers.read_file
    settings = readers.settings

    def read_or_reuse(base_path, path, content_class=Page, fmt=None, context=None, preread_signal=None,
                      preread_sender=None, context_signal=None, context_sender=None):
        full_path = os.path.abspath(os.path.join(base_path, path))
        record = _RECORDS.get((content_class, full_path))
        if record is None or not unchanged_since(record[0], full_path):
            if record is not None:
                STATS["read_again"] += 1
            return read_file(base_path, path, content_class, fmt, context, preread_signal, preread_sender,
                             context_signal, context_sender)
        STATS["reused"] += 1
        _, content, metadata = record
        # What Readers.read_file does after reading, with the edition's settings.
        if preread_signal is not None:
            preread_signal.send(preread_sender)
        metadata = {name: for_edition(value, settings) for name, value in metadata.items()}
        if context_signal is not None:
            context_signal.send(context_sender, metadata=metadata)
        if metadata.get("status") == "skip":
            content_class = SkipStub
        return content_class(content=content, metadata=metadata, settings=settings, source_path=full_path,
                             context=context)

    readers.read_file = read_or_reuse


def share_reads(readers):
    if is_main_site(readers.settings):
        recording_main_reads(readers)
    else:
        using_main_reads(readers)


def forget_reads(pelican):
    if is_main_site(pelican.settings):
        _RECORDS.clear()


def register():
    signals.initialized.connect(forget_reads)
    signals.readers_init.connect(share_reads)
    signals.finalized.connect(forget_reads)
