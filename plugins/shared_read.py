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
inode and change time it had when the main edition read it (a save during
the build makes the edition read the file itself, as before), and only for
articles and pages.  ``article_generator_context`` and the preread signals
are sent once per file, by the main edition's read.  Records live for one
build: the main site starts each build with none and drops them when it
finishes (``make serve``'s rebuilds record only the files they read).

Why our own: pelican-i18n-subsites has no way to hand a subsite the main
site's reads, and Pelican's content caches are per edition (one cache file
per site) and stamp files by time only.  Settings read: ``DEFAULT_LANG``,
``EDITIONS`` (through editions.is_main_site).
"""

import os

from pelican import signals
from pelican.contents import Article, Page
from pelican.urlwrappers import URLWrapper

from editions import is_main_site

SHARED_CLASSES = (Article, Page)
_RECORDS = {}  # (content class, absolute path) -> (stamp, body, metadata)


def file_stamp(path):
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns


def for_edition(value, settings):
    """A metadata value as the edition's reader would have made it: sections,
    tags and bylines made again with its settings, lists copied."""
    if isinstance(value, URLWrapper):
        return type(value)(value.name, settings)
    if isinstance(value, list):
        return [for_edition(item, settings) for item in value]
    return value


def recording_main_reads(readers):
    """readers_init (main edition): keep what the reader made of each story."""
    read_file = readers.read_file

    def read_and_record(base_path, path, content_class=Page, fmt=None, context=None, **signals_and_senders):
        if content_class not in SHARED_CLASSES:
            return read_file(base_path, path, content_class, fmt, context, **signals_and_senders)
        full_path = os.path.abspath(os.path.join(base_path, path))
        stamp = file_stamp(full_path)

        def construct(content, metadata, settings, source_path, context):
            if stamp is not None:
                _RECORDS[content_class, full_path] = (stamp, content, {
                    name: list(value) if isinstance(value, list) else value for name, value in metadata.items()})
            return content_class(content=content, metadata=metadata, settings=settings,
                                 source_path=source_path, context=context)

        construct.__name__ = content_class.__name__  # Pelican names the class in its debug log
        return read_file(base_path, path, construct, fmt, context, **signals_and_senders)

    readers.read_file = read_and_record


def using_main_reads(readers):
    """readers_init (another edition): build from the main edition's read."""
    read_file = readers.read_file

    def read_or_reuse(base_path, path, content_class=Page, fmt=None, context=None, **signals_and_senders):
        full_path = os.path.abspath(os.path.join(base_path, path))
        record = _RECORDS.get((content_class, full_path))
        if record is None or record[0] != file_stamp(full_path):
            return read_file(base_path, path, content_class, fmt, context, **signals_and_senders)
        _, content, metadata = record
        return content_class(
            content=content, metadata={name: for_edition(value, readers.settings) for name, value in metadata.items()},
            settings=readers.settings, source_path=full_path, context=context)

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
