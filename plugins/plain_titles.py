"""Titles and summaries are plain text, not HTML.

Pelican hands a Markdown ``Title:`` to the page as raw HTML, so ``<``, ``&`` or
a ``<script>`` in a title would become markup.  This plugin escapes the title
as text, and adds ``plain_title`` to every article and page: the title as
typed, for ``<title>``, feeds and structured data.

Titles and summaries stay as typed through typography: Pelican runs typogrify
over them after the reader (``--`` would become an em dash, straight quotes
curly ones, and ``&nbsp;`` and ``<span class="caps">`` would be added), so on
``content_object_init`` the escaped title and summary as typed are put back.
Editors type the characters they mean (‘curly quotes’, —); the body keeps
typogrify's typography.

``Summary:`` is plain text too: Pelican would render it as Markdown with raw
HTML, so a summary could carry ``<img onerror=...>`` or a ``javascript:`` link
into the Atom feeds (where it is HTML) and the pages.  The reader keeps the
summary exactly as typed, escaped (``<b>`` shows as ``<b>``; no Markdown, no
HTML, no links); templates print it with ``|striptags``, which unescapes it to
text that autoescape escapes again.

It is ours because no plugin treats titles as text; it hooks Pelican's reader
through the ``readers_init`` signal.  The reader reuses one Markdown parser
(``read_once.OneParserPerReader``).  Settings read: none.  Adds the
metadata ``plain_title`` and ``plain_summary``.
"""

import html

from pelican import signals
from pelican.readers import MarkdownReader
from read_once import OneParserPerReader


class PlainTitleMarkdownReader(OneParserPerReader, MarkdownReader):
    def _parse_metadata(self, meta):
        metadata = super()._parse_metadata(meta)
        for name, lines in meta.items():
            if name.lower() == "summary":
                text = " ".join(line.strip() for line in lines).strip()
                metadata["summary"] = metadata["plain_summary"] = html.escape(text, quote=False)
        return metadata

    def read(self, source_path):
        content, metadata = super().read(source_path)
        if "title" in metadata:
            metadata["plain_title"] = metadata["title"]
            metadata["title"] = html.escape(metadata["title"], quote=False)
        return content, metadata


def keep_typed_text(content):
    """Undo typogrify on the title and summary (it ran after the reader)."""
    plain_title = getattr(content, "plain_title", None)
    if plain_title is not None:
        content.title = content.metadata["title"] = html.escape(plain_title, quote=False)
    plain_summary = content.metadata.get("plain_summary")
    if plain_summary is not None:
        content._summary = content.metadata["summary"] = plain_summary


def use_plain_title_reader(readers):
    for extension in PlainTitleMarkdownReader.file_extensions:
        if extension in readers.reader_classes:
            readers.reader_classes[extension] = PlainTitleMarkdownReader


def register():
    signals.readers_init.connect(use_plain_title_reader)
    signals.content_object_init.connect(keep_typed_text)
