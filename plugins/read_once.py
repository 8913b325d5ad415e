"""Each source text and each template is compiled once per process, whichever edition uses it.

The Urdu edition is a pelican-i18n-subsites subsite: a second Pelican run in
the same process that reads every file again (it needs the English stories to
pair translations).  Pelican also builds a new Markdown parser per file and
applies typogrify in ``Readers.read_file`` after the reader, outside its own
cache.  Both conversions are pure functions of their input text, so this
plugin remembers their results, keyed by a digest of the text and of the
options that change the output:

* Markdown: an extension (added to ``MARKDOWN["extensions"]``) that memoizes
  ``Markdown.convert`` together with the ``Meta`` it extracted.  Pelican
  converts formatted metadata (the summary) with the ``meta`` preprocessor
  removed; that is part of the key.
* typogrify: ``typogrify.filters.typogrify`` is replaced by a memoizing
  wrapper; the key includes smartypants' current dash style, which Pelican sets
  from ``TYPOGRIFY_DASHES`` just before calling it.

* Jinja: every generator of every edition makes its own Jinja environment
  and compiles each template again; a shared in-memory bytecode cache (keyed
  by Jinja on the template's name and a checksum of its source) compiles each
  one once.  All editions use the same ``JINJA_ENVIRONMENT`` options, which
  the cache key does not cover.

The memo lives as long as the process: one build, or the whole ``make serve``
session, where an edit then costs one conversion.  Values are the very string
objects handed to the first caller, so both editions share them in memory.

Why our own: Pelican's content caches (``CACHE_CONTENT``) are per edition and
on disk, and cache the reader's output before typogrify.

Settings read: ``MARKDOWN``, ``JINJA_ENVIRONMENT`` (both get an entry).
"""

import hashlib

import smartypants
from jinja2 import BytecodeCache
import typogrify.filters
from markdown.extensions import Extension
from pelican import signals

_MARKDOWN_MEMO = {}
_TYPOGRIFY_MEMO = {}
STATS = {"markdown_hits": 0, "markdown_misses": 0, "typogrify_hits": 0, "typogrify_misses": 0}


def _digest(*parts):
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(str(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.digest()


class MemoizedConvert(Extension):
    """Markdown extension: ``convert`` answers from the memo for a text it has seen."""

    def __init__(self, options_key="", **kwargs):
        self.options_key = options_key
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        convert = md.convert
        options_key = self.options_key

        def memoized_convert(source):
            extracts_meta = "meta" in md.preprocessors
            key = _digest(options_key, extracts_meta, source)
            found = _MARKDOWN_MEMO.get(key)
            if found is None:
                STATS["markdown_misses"] += 1
                html = convert(source)
                meta = getattr(md, "Meta", None)
                found = (html, {name: list(values) for name, values in meta.items()} if meta is not None else None)
                _MARKDOWN_MEMO[key] = found
            else:
                STATS["markdown_hits"] += 1
            html, meta = found
            if meta is not None:
                md.Meta = {name: list(values) for name, values in meta.items()}
            return html

        md.convert = memoized_convert


_original_typogrify = typogrify.filters.typogrify


def memoized_typogrify(text, ignore_tags=None, **filters):
    key = _digest(smartypants.Attr.default, ignore_tags, sorted(filters.items()), text)
    found = _TYPOGRIFY_MEMO.get(key)
    if found is None:
        STATS["typogrify_misses"] += 1
        found = _TYPOGRIFY_MEMO[key] = _original_typogrify(text, ignore_tags, **filters)
    else:
        STATS["typogrify_hits"] += 1
    return found


class MemoryBytecodeCache(BytecodeCache):
    def __init__(self):
        self.buckets = {}

    def load_bytecode(self, bucket):
        code = self.buckets.get(bucket.key)
        if code is not None and code[0] == bucket.checksum:
            bucket.code = code[1]

    def dump_bytecode(self, bucket):
        self.buckets[bucket.key] = (bucket.checksum, bucket.code)


TEMPLATE_CACHE = MemoryBytecodeCache()


def add_template_cache(pelican):
    environment = pelican.settings.setdefault("JINJA_ENVIRONMENT", {})
    environment["bytecode_cache"] = TEMPLATE_CACHE


def add_markdown_memo(pelican):
    markdown = pelican.settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    if not any(isinstance(extension, MemoizedConvert) for extension in extensions):
        options_key = repr(sorted(markdown.items(), key=lambda item: item[0]))
        extensions.append(MemoizedConvert(options_key=options_key))


def register():
    typogrify.filters.typogrify = memoized_typogrify
    signals.initialized.connect(add_markdown_memo)
    signals.initialized.connect(add_template_cache)
