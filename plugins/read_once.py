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

* One Markdown parser per reader: Pelican's ``MarkdownReader.read`` builds a
  new ``Markdown`` (all extensions) for every file.  `OneParserPerReader`
  (mixed into our reader by ``plain_titles``) keeps one and resets it between
  files, putting back the ``meta`` preprocessor that Pelican removes while it
  converts formatted metadata.

* Two cores: a build that starts with an empty memo first converts every
  Markdown file in ``PATH`` once, half of them in a forked second process
  (``READ_ONCE_PROCESSES``, default: the CPUs this process may use, and only
  when there are more than ``READ_ONCE_PARALLEL_MIN_FILES`` files, default
  200); the results join the memo, and the editions then read from it.
  Where a fork is not safe or does not exist (macOS, Windows: see
  plugins/processes.py), the editions convert the files themselves.

The memo lives as long as the process: one build, or the whole ``make serve``
session, where an edit then costs one conversion.  It is also kept on disk,
``CACHE_PATH/read_once.pickle`` (the main site's), with the entries the build
used: the next build starts with it, so a second build with nothing changed
converts nothing.  Its keys are digests of the text, so a changed file simply
misses; a new Markdown, typogrify or smartypants version starts afresh.  With
``READ_ONCE_STORIES_KEPT`` (a ``make serve`` start that took its stories back
from the last start, tools/kept_reads.py: it reads few files, if any) the memo
is read at the first text it does not hold, or once the start is over (0.35 s
at 5,000 stories, not spent before the first page), the sources are not
converted on every core first, and at exit the memo keeps the entries this
process did not use.  Values are the very string
objects handed to the first caller, so both editions share them in memory.

Why our own: Pelican's content caches (``CACHE_CONTENT``) are per edition and
on disk, and cache the reader's output before typogrify.

Settings read: ``MARKDOWN``, ``JINJA_ENVIRONMENT`` (both get an entry),
``CACHE_PATH``, ``PATH``, ``READ_ONCE_PROCESSES``,
``READ_ONCE_PARALLEL_MIN_FILES``, ``READ_ONCE_STORIES_KEPT``.
"""

import atexit
import hashlib
import os
import pickle
import zlib
from importlib.metadata import version
from pathlib import Path

import smartypants
from jinja2 import BytecodeCache
import typogrify.filters
from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.meta import MetaPreprocessor
from pelican import signals
from pelican.contents import Article
from pelican.readers import MarkdownReader, Readers
from pelican.utils import pelican_open

from processes import available_cpus, can_fork

_MARKDOWN_MEMO = {}
_TYPOGRIFY_MEMO = {}
_USED = set()
_DISK = {"path": None}
CHUNK = 256
MEMO_VERSION = (4, version("markdown"), version("typogrify"), version("smartypants"))
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
            if found is None and _DISK.get("stories_kept"):
                load_from_disk()  # once: nothing after it is read
                found = _MARKDOWN_MEMO.get(key)
            _USED.add(key)
            if found is None:
                STATS["markdown_misses"] += 1
                html = convert(source)
                meta = getattr(md, "Meta", None)
                # Compressed: this HTML is only typogrify's input; the page
                # keeps typogrify's output (shared through its own memo).
                _MARKDOWN_MEMO[key] = (zlib.compress(html.encode("utf-8"), 1),
                                       {name: list(values) for name, values in meta.items()} if meta is not None else None)
                meta = _MARKDOWN_MEMO[key][1]
            else:
                STATS["markdown_hits"] += 1
                packed, meta = found
                html = zlib.decompress(packed).decode("utf-8")
            if meta is not None:
                md.Meta = {name: list(values) for name, values in meta.items()}
            return html

        md.convert = memoized_convert


class OneParserPerReader:
    """``MarkdownReader.read`` with one ``Markdown`` per reader, reset between files."""

    _parser = None

    def read(self, source_path):
        self._source_path = source_path
        parser = self._parser
        if parser is None:
            parser = self._parser = Markdown(**self.settings["MARKDOWN"])
        else:
            parser.reset()
            if "meta" not in parser.preprocessors:
                parser.preprocessors.register(MetaPreprocessor(parser), "meta", 27)
        self._md = parser
        with pelican_open(source_path) as text:
            content = parser.convert(text)
        metadata = self._parse_metadata(parser.Meta) if hasattr(parser, "Meta") else {}
        return content, metadata


_original_typogrify = typogrify.filters.typogrify


def memoized_typogrify(text, ignore_tags=None, **filters):
    key = _digest(smartypants.Attr.default, ignore_tags, sorted(filters.items()), text)
    found = _TYPOGRIFY_MEMO.get(key)
    if found is None and _DISK.get("stories_kept"):
        load_from_disk()  # once: nothing after it is read
        found = _TYPOGRIFY_MEMO.get(key)
    _USED.add(key)
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


def load_memo(pelican):
    """Start from the memo the previous build left (first site of the process
    only).  With ``READ_ONCE_STORIES_KEPT`` it is read later: at the first
    text it does not hold, once the start is over, or at exit to be written
    back with the entries this process added (`save_memo`)."""
    if _DISK["path"] is not None:
        return
    _DISK["path"] = Path(pelican.settings["CACHE_PATH"]) / "read_once.pickle"
    atexit.register(save_memo)
    if pelican.settings.get("READ_ONCE_STORIES_KEPT"):
        _DISK["stories_kept"] = True
    else:
        load_from_disk()


def load_from_disk():
    """The memo on disk, read once (at the first site's start, or, with
    ``READ_ONCE_STORIES_KEPT``, at the first text it does not hold)."""
    if _DISK.get("path") is None or _DISK.get("read"):
        return
    _DISK["read"] = True
    path = _DISK["path"]
    try:
        with path.open("rb") as file:
            if pickle.load(file) != MEMO_VERSION:
                return
            while True:
                markdown_entries, typogrify_entries = pickle.load(file)
                for key, (packed, meta) in markdown_entries.items():
                    _MARKDOWN_MEMO[key] = (packed, _decoded(meta))
                for key, value in typogrify_entries.items():
                    _TYPOGRIFY_MEMO[key] = value.decode("utf-8", "surrogatepass")
    except (OSError, EOFError, ValueError, pickle.UnpicklingError):
        return


def _encoded(meta):
    if meta is None:
        return None
    return {name: [value.encode("utf-8", "surrogatepass") for value in values] for name, values in meta.items()}


def _decoded(meta):
    if meta is None:
        return None
    return {name: [value.decode("utf-8", "surrogatepass") for value in values] for name, values in meta.items()}


def save_memo():
    """Keep the entries this process used (a removed story's entries go)."""
    path = _DISK["path"]
    if path is None:
        return
    changed = STATS["markdown_misses"] or STATS["typogrify_misses"]
    keep_unused = _DISK.get("stories_kept")
    if keep_unused:
        if not changed:
            return  # the memo on disk is as it was
        load_from_disk()  # its entries, with this process's
    unused = not keep_unused and len(_USED) < len(_MARKDOWN_MEMO) + len(_TYPOGRIFY_MEMO)
    if not (changed or unused or not path.exists()):
        return
    markdown_keys = [key for key in _MARKDOWN_MEMO if keep_unused or key in _USED]
    typogrify_keys = [key for key in _TYPOGRIFY_MEMO if keep_unused or key in _USED]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as file:
            # Text goes out as UTF-8 bytes, in chunks: pickling a str makes
            # CPython keep a UTF-8 copy inside it, which for the whole memo
            # would add a third to the build's peak memory.
            pickle.dump(MEMO_VERSION, file)
            for start in range(0, max(len(markdown_keys), len(typogrify_keys)), CHUNK):
                pickle.dump((
                    {key: (_MARKDOWN_MEMO[key][0], _encoded(_MARKDOWN_MEMO[key][1]))
                     for key in markdown_keys[start:start + CHUNK]},
                    {key: _TYPOGRIFY_MEMO[key].encode("utf-8", "surrogatepass")
                     for key in typogrify_keys[start:start + CHUNK]},
                ), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def source_files(settings):
    extensions = tuple(f".{extension}" for extension in MarkdownReader.file_extensions)
    root = Path(settings["PATH"])
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.name.endswith(extensions))


def convert_files(settings, paths):
    """Read `paths` as Pelican would (our reader, typogrify), for the memo only."""
    readers = Readers(settings)
    context = {"generated_content": {}, "static_content": {}, "static_links": set(), "localsiteurl": ""}
    for path in paths:
        try:
            readers.read_file(base_path=settings["PATH"], path=path, content_class=Article, context=context)
        except Exception:  # Pelican reports it when it reads the file itself
            pass


def convert_in_parallel(pelican):
    """With an empty memo, convert the sources on every core before Pelican reads them."""
    settings = pelican.settings
    processes = int(settings.get("READ_ONCE_PROCESSES", available_cpus()))
    if _DISK.get("stories_kept"):
        return  # a make serve start that took its stories back: it reads few files, if any
    if _MARKDOWN_MEMO or processes < 2 or _DISK.get("converted") or not can_fork():
        return
    _DISK["converted"] = True
    paths = source_files(settings)
    if len(paths) < int(settings.get("READ_ONCE_PARALLEL_MIN_FILES", 200)):
        return
    shares = [paths[index::processes] for index in range(processes)]
    children = []
    for share in shares[1:]:
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child converts its share and sends the new memo entries back
            os.close(reading)
            status = 1
            try:
                convert_files(settings, share)
                with os.fdopen(writing, "wb") as pipe:
                    pickle.dump((_MARKDOWN_MEMO, _TYPOGRIFY_MEMO), pipe, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        os.close(writing)
        children.append((pid, reading))
    convert_files(settings, shares[0])
    for pid, reading in children:
        try:
            with os.fdopen(reading, "rb") as pipe:
                markdown_memo, typogrify_memo = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError):
            markdown_memo, typogrify_memo = {}, {}  # the editions read those files themselves
        os.waitpid(pid, 0)
        for key, value in markdown_memo.items():
            _MARKDOWN_MEMO.setdefault(key, value)
        for key, value in typogrify_memo.items():
            _TYPOGRIFY_MEMO.setdefault(key, value)


def register():
    typogrify.filters.typogrify = memoized_typogrify
    signals.initialized.connect(add_markdown_memo)
    signals.initialized.connect(add_template_cache)
    signals.initialized.connect(load_memo)
    signals.get_generators.connect(convert_in_parallel)
