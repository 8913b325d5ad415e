"""Rebuilds for `make serve` that redo only what an edit changed.

A `Session` keeps one Pelican configuration alive in this process and builds
into the output folder in place (the atomic staging build of tools/build.py
stays the way to publish).  Between builds it keeps:

* every edition's content objects, through Pelican's own generator-level
  content cache (``CONTENT_CACHING_LAYER = "generator"``) held in memory
  instead of pickled: a file whose mtime did not change is not read again;
  from one start to the next they are kept on disk with each file's checks
  (tools/kept_reads.py: `keep_reads` once a start's pages are written, taken
  back by the next start's first build);
* the signature of every page it wrote.  The writer (the site's, which
  renders each edition's pages on every core, plugins/parallel_pages.py,
  with `SkipUnchanged` mixed in) renders a page only when its signature changed.
  In `make serve` a build leaves its pages and their signatures for later
  (`write_pages_left`): a rebuild renders the open pages, the browser
  reloads them, and only then are the other signatures named and compared.
  A signature names what the page shows: its template and output path, a
  token for each story on it (a story re-read from disk gets a new token;
  so does one whose translations changed), the edition's date and its
  section navigation.  A story's own page names its related stories too; a
  listing does not, unless a template other than the story page's mentions
  them (`listed_version`): a new story, related to every story of its
  section, changes their pages, not every listing that shows one of them.
  Pages whose inputs cannot be named that way (a template called without
  stories) are always rendered.

The preview shows what the published site does not: drafts
(``PREVIEW_SETTINGS``, plugins/drafts.py), in its builds in place and in its
atomic full builds alike.

An edited template renders every page the last build recorded again, from
the objects and contexts it recorded, without running Pelican
(`quick_template_update`; the theme's template for photos in story bodies
needs the stories read again, tools/serve.py).  A catalog change drops every
signature (everything is rendered again, still without re-reading content).  A page or feed that an earlier
build wrote and this one does not (a deleted story's, a story whose slug
changed, a listing's last page) is removed before the steps after the pages
read the output.  An edited stylesheet or script of the theme is copied
(`quick_theme_update`).  Settings and plugin changes need a new process
(tools/serve.py restarts itself); a deleted photo or other copied file falls
back to a full atomic build with the preview's steps, which also removes
what it published.
"""

import contextlib
import fnmatch
import gc
import importlib
import itertools
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import weakref
from datetime import date
from pathlib import Path
from typing import NamedTuple

from pelican import signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.log import init as init_logging
from pelican.settings import read_settings
from pelican.utils import posixize_path, sanitised_join

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402
import kept_reads  # noqa: E402

# What makes the preview show more than the published site, in its in-process
# builds and its atomic full builds alike: drafts (plugins/drafts.py).
PREVIEW_SETTINGS = {"SHOW_DRAFTS": True}

# The templates of a story's own page that show its related stories (the
# theme's; `Session._what_templates_use_now`).
STORY_PAGE_TEMPLATES = ("article.html", "partials/related_stories.html")

# Pages rendered between two looks at what browsers asked for, at start and
# after an edit (`Session._render_open_pages_first`): the longest a reader waits for a page.
RENDER_BATCH = 512

_TOKENS = itertools.count(1)
_SESSION = None  # the session whose build is running


def token(content):
    """A number that changes when `content` is a new object (re-read)."""
    found = content.__dict__.get("_render_token")
    if found is None:
        found = content.__dict__["_render_token"] = next(_TOKENS)
    return found


class Version(NamedTuple):
    story: int
    translations: tuple
    related: tuple


def by_identity(memo, obj, make):
    """`make(obj)`, kept in `memo` by the object's identity for as long as
    the memo lives (the object is kept too: its id is not reused meanwhile)."""
    found = memo.get(id(obj))
    if found is None or found[0] is not obj:
        found = memo[id(obj)] = (obj, make(obj))
    return found[1]


def version(content, memo=None):
    """What a story's own page shows of it: the story, its translations and
    the related stories listed under it.  `memo` (one edition's writer's, for
    one build: nothing changes a story's translations or related stories
    once its edition writes) keeps each story's, by object."""
    if memo is not None:
        return by_identity(memo, content, version)
    return Version(token(content), tuple(token(t) for t in getattr(content, "translations", ())),
                   tuple(token(r) for r in getattr(content, "related_stories", ())))


def listed_version(content, memo=None):
    """What a listing (a section, tag, archive or paper page, a feed) shows of
    a story: not the related stories of its own page.  A new story becomes a
    related story of hundreds of others; the pages that list those do not
    change.  `Session.related_in_listings` says when a template shows them."""
    if _SESSION is not None and _SESSION.related_in_listings:
        return version(content, memo)
    if memo is not None:
        return by_identity(memo.setdefault("listed", {}), content, listed_version)
    return Version(token(content), tuple(token(t) for t in getattr(content, "translations", ())), ())


class Later:
    """A signature named when first asked for (`value`), once."""

    def __init__(self, make, *arguments):
        self.make, self.arguments = make, arguments

    def value(self):
        if self.make is not None:
            self.found = self.make(*self.arguments)
            self.make = self.arguments = None
        return self.found


def named(signature):
    """`signature`, named now if it was left for later."""
    return signature.value() if isinstance(signature, Later) else signature


class Unnamed(Exception):
    """A template variable whose content cannot be summed up."""


def name_of(value, memo=None, listed=False):
    """A hashable summary of a template variable that changes when what it
    shows changes: stories by their version (`listed_version` inside lists
    and dicts), sections and tags by name and URL, dates, and lists or dicts
    of those (Today's Paper).  `memo`: `version`'s."""
    if isinstance(value, Content):
        return ("story", (listed_version if listed else version)(value, memo))
    if hasattr(value, "slug") and hasattr(value, "url"):  # Category, Tag, Author
        return ("term", str(value), value.url)
    if isinstance(value, (str, int, float, bool, type(None), date)):
        return value
    if isinstance(value, dict):
        return ("dict", tuple((key, name_of(item, memo, listed=True)) for key, item in sorted(value.items())))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(name_of(item, memo, listed=True) for item in value))
    raise Unnamed(type(value).__name__)


def tokens_of(signature, found=None):
    """Every story token inside a signature (pages to redo when one changes)."""
    found = set() if found is None else found
    if isinstance(signature, Version):
        found.add(signature.story)
        found.update(signature.translations)
        found.update(signature.related)
    elif isinstance(signature, tuple):
        for part in signature:
            tokens_of(part, found)
    return found


def read_attributes(content):
    """The attributes Pelican's Content sets from a story's metadata (one per
    key, ``_summary`` for its Summary, the localized dates)."""
    return {key.lower() for key in content.metadata} | {"_summary", "locale_date", "locale_modified"}


def forget_memoized(objects=None):
    """Drop Pelican's memo of story HTML and summaries (`pelican.utils.memoized`
    on Content.get_content/get_summary, keyed by the object): for `objects`,
    or all of it (it would otherwise keep every object of every build)."""
    identities = None if objects is None else {id(obj) for obj in objects}
    for name in ("get_content", "get_summary"):
        cache = Content.__dict__[name].cache
        if identities is None:
            cache.clear()
        else:
            # One pass over every story's entries (about 130,000 at 100,000
            # stories): a set lookup per key, not a scan of `objects` per key.
            for key in [key for key in cache if key and id(key[0]) in identities]:
                del cache[key]


def placement(content):
    """What puts a story where it is: if this is unchanged, an edit changes
    only what the pages that already show it say."""
    metadata = {name: value for name, value in content.metadata.items()
                if name not in ("title", "plain_title", "summary", "plain_summary")}
    return (
        type(content), content._expand_settings("url"), content._expand_settings("save_as"),
        sorted((name, str(value)) for name, value in metadata.items()),
        content.slug, content.lang, content.status, content.in_default_lang,
    )


def output_key(path):
    """An output file's path as Pelican's writer names it (the key of
    `Session.jobs`): absolute, with forward slashes on Windows too."""
    return posixize_path(os.path.abspath(path))


class SkipUnchanged:
    """Writer mixin, over a `parallel_pages.DeferringWriter`: a page is
    rendered only when its signature changed; the pages and feeds earlier
    builds wrote and this one did not are removed once the edition's pages
    are rendered."""

    @property
    def _memo(self):
        """This writer's (one edition, one build): story versions, and the
        site's part of the signatures (one tuple for every page: make serve
        walks the parts of a signature once each, `Session.record`)."""
        memo = self.__dict__.get("_signature_memo")
        if memo is None:
            memo = self.__dict__["_signature_memo"] = {"versions": {}, "sites": {}}
        return memo

    def _site_signature(self, context):
        return by_identity(self._memo["sites"], context, self._make_site_signature)

    def _make_site_signature(self, context):
        edition_date = context.get("EDITION_DATE")
        return (
            context.get("DEFAULT_LANG"),
            context.get("SITEURL"),
            edition_date.date().isoformat() if edition_date else None,
            tuple((str(section), section.url) for section in context.get("section_nav", ())),
            # The archive's years and months (plugins/archives.py): every page's footer.
            tuple((year["url"], tuple(month["url"] for month in year["months"]))
                  for year in context.get("archive_years", ())),
        )

    def _listing_signature(self, kwargs):
        try:
            return tuple((key, name_of(value, self._memo["versions"])) for key, value in sorted(kwargs.items())
                         if key not in _SESSION.unused_variables)
        except Unnamed:
            return None  # something we cannot name: always render

    def _signatures_later(self):
        """A build that leaves its pages for later (``PAGES_AFTER_SERVING``)
        leaves their signatures too (`Later`): a first build names them once
        the pages are written (the server answers 1 s sooner at 5,000
        stories), a rebuild once the open pages are reloaded, before it
        renders the others whose signature changed (the reload comes 0.5 s
        sooner).  Nothing changes the stories in between (the watcher's
        thread writes them before it rebuilds)."""
        return self.deferring and _SESSION.signatures_later

    def _call_signature(self, template, context, name, kwargs, paginated):
        if self._signatures_later():
            return Later(self._make_call_signature, template, context, kwargs, paginated)
        return self._make_call_signature(template, context, kwargs, paginated)

    def _make_call_signature(self, template, context, kwargs, paginated):
        others = self._listing_signature({key: value for key, value in kwargs.items() if key not in paginated})
        return None if others is None else (getattr(template, "name", None), self._site_signature(context), others)

    def _page_signature(self, call, save_as, page_num, pages):
        if isinstance(call, Later):
            return Later(self._make_page_signature, call, save_as, page_num, pages)
        return self._make_page_signature(call, save_as, page_num, pages)

    def _make_page_signature(self, call, save_as, page_num, pages):
        if isinstance(call, Later):
            call = call.value()
        if call is None:
            return None
        template_id, site, others = call
        if pages is None:
            return (template_id, save_as, site, others)
        versions = self._memo["versions"]
        shown = tuple((key, paginator.num_pages, tuple(listed_version(item, versions) for item in page.object_list))
                      for key, (paginator, page) in pages.items())
        return (template_id, save_as, page_num, site, others, shown)

    def _emit(self, template, make_localcontext, context, name, override, signature):
        path = sanitised_join(self.output_path, name)
        session = _SESSION
        if path in self._overridden_files and not override:
            # Pelican keeps the page an earlier write overrode: this one is not
            # the page, and not what a quick edit should render there.
            super()._emit(template, make_localcontext, context, name, override, signature, path)
            return
        session.record(path, ("page", template, make_localcontext, context), signature)
        if isinstance(signature, Later):
            # Compared once named (`Session.write_pages_left`): the page keeps
            # its last signature until then.
            super()._emit(template, make_localcontext, context, name, override, signature, path)
            return
        if session.keeps_page(path, signature):
            self._written_files.add(path)
            return
        super()._emit(template, make_localcontext, context, name, override, signature, path)

    def _rendered(self, jobs):
        from parallel_pages import pages_to_render  # a plugin: importable once the settings are read

        for job in pages_to_render(jobs):  # not the writes Pelican skips: they are not the page
            _SESSION.set_signature(job.path, job.signature)
        _SESSION.stats["rendered"] += len(jobs)

    def render_deferred(self):
        """The edition's pages, then the removal of its stale pages and feeds:
        before the edition's ``finalized``, where the Urdu font's subset starts
        from the Urdu pages and the main site's steps read the output (the
        search index).  The Urdu edition is written inside the main site's
        writer: its run ends first."""
        from editions import is_main_site  # a plugin: importable once the settings are read

        if self.settings.get("PAGES_AFTER_SERVING"):
            # make serve: its pages are written once it serves, or once it
            # reloaded the open ones after an edit (Session.write_pages_left).
            jobs, self.deferred, self.deferring = self.deferred, [], False
            _SESSION.pages_left += jobs
        else:
            with collector_running():
                super().render_deferred()
        main = is_main_site(self.settings)
        _SESSION.remove_stale_outputs(within=None if main else Path(self.settings["OUTPUT_PATH"]))

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom",
                   override_output=False, feed_title=None):
        if path:
            complete_path = sanitised_join(self.output_path, path)
            limit = self.settings["FEED_MAX_ITEMS"]
            signature = ("feed", feed_type, url, feed_title, context.get("SITEURL"), context.get("FEED_DOMAIN"),
                         tuple(listed_version(item, self._memo["versions"]) for item in elements[:limit]))
            _SESSION.record(complete_path, ("feed", self, elements, context, path, url, feed_type, override_output,
                                            feed_title), signature)
            if _SESSION.signatures.get(complete_path) == signature and os.path.exists(complete_path):
                self._written_files.add(complete_path)
                _SESSION.stats["kept"] += 1
                return None
            _SESSION.signatures[complete_path] = signature
            _SESSION.stats["rendered"] += 1
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)


_WRITER_CLASSES = {}


class Incremental:
    """Mixed into the settings' Pelican class, with `parallel_pages.ParallelPages`
    (`incremental_class`): its writer's deferred pages wrapped with
    `SkipUnchanged` (also used by pelican-i18n-subsites for the subsites,
    through ``PELICAN_CLASS``)."""

    def _get_writer(self):
        writer = super()._get_writer()
        base = type(writer)
        if base not in _WRITER_CLASSES:
            _WRITER_CLASSES[base] = type(f"Incremental{base.__name__}", (SkipUnchanged, base), {})
        writer.__class__ = _WRITER_CLASSES[base]
        return writer


_PELICAN_CLASSES = {}


def incremental_class(base):
    """`Incremental` over `base`, the settings' ``PELICAN_CLASS`` (a class, or
    its dotted name as pelicanconf.py gives it), with `ParallelPages` unless
    `base` has it already, one class per base."""
    from parallel_pages import ParallelPages  # a plugin: importable once the settings are read

    if isinstance(base, str):
        module, name = base.rsplit(".", 1)
        base = getattr(importlib.import_module(module), name)
    if issubclass(base, Incremental):
        return base
    if base not in _PELICAN_CLASSES:
        mixins = (Incremental,) if issubclass(base, ParallelPages) else (Incremental, ParallelPages)
        _PELICAN_CLASSES[base] = type(f"Incremental{base.__name__}", (*mixins, base), {})
    return _PELICAN_CLASSES[base]


def source_stamp(path):
    """What tells whether a source file changed since it was read
    (plugins/file_stamps.py); a file that cannot be read has a stamp equal to
    no other: it is read again."""
    from file_stamps import stamp_of  # plugins/ is on sys.path once the settings are read

    return stamp_of(path) or object()


def unchanged(cached, current, path):
    """Whether a file stamped `cached` before is the same file as stamped `current` now."""
    from file_stamps import same_file

    return isinstance(cached, tuple) and isinstance(current, tuple) and same_file(cached, current, path)


def keep_content_in_memory(generator):
    """Give the generator the session's in-memory content cache.  A file's
    stamp is taken before it is read, never after: a save that lands while
    the file is being read leaves a stamp that no longer matches, so the next
    build reads the file again instead of keeping what it read half-way."""
    if _SESSION is None or not isinstance(generator, (ArticlesGenerator, PagesGenerator)):
        return
    key = (generator.settings["DEFAULT_LANG"], type(generator).__name__)
    generator._cache = cache = _SESSION.content_caches.setdefault(key, {})
    if _SESSION.kept_placeholders:
        kept_reads.bind(_SESSION.kept_placeholders, generator, cache)
    stamps_before_reading = {}
    session = _SESSION

    def stamp_of(filename):
        return source_stamp(os.path.join(generator.path, filename))

    def get_cached_data(filename, default=None):
        # Each edition reads every file: one stamp a build, taken before either reads it.
        path = os.path.join(generator.path, filename)
        stamp = session.stamps_this_build.get(path)
        if stamp is None:
            stamp = session.stamps_this_build[path] = source_stamp(path)
        stamps_before_reading[filename] = stamp
        cached_stamp, data = cache.get(filename, (None, default))
        if cached_stamp is None or not unchanged(cached_stamp, stamp, path):
            return default
        if len(stamp) == 4:
            cache[filename] = (stamp, data)  # no longer recent: its metadata suffices from now on
        return data

    def cache_data(filename, data):
        cache[filename] = (stamps_before_reading.pop(filename, None) or stamp_of(filename), data)

    generator._get_file_stamp = stamp_of
    generator.get_cached_data = get_cached_data
    generator.cache_data = cache_data
    generator.save_cache = lambda: None
    share_what_a_rebuild_finds_again(generator, session)
    _SESSION.generators[key] = generator


def share_what_a_rebuild_finds_again(generator, session):
    """What Pelican's generators work out again for every file at every
    build, and each edition again, made once (0.3 s of a rebuild at 5,000
    stories): the files under the content folder (Pelican walks it once for
    the stories and once for files no reader takes, in each edition), once a
    build; a story's source path relative to the content folder
    (``os.path.relpath``), once a session; the static files a story links
    to, once a text."""
    get_files = generator.get_files

    def get_files_once(paths, exclude=None, extensions=None):
        key = (generator.path, (paths,) if isinstance(paths, str) else tuple(paths), tuple(exclude or ()),
               tuple(generator.readers.extensions) if extensions is None else
               extensions if extensions is False else tuple(extensions),
               tuple(generator.settings["IGNORE_FILES"]))
        found = session.files_this_build.get(key)
        if found is None:
            found = session.files_this_build[key] = frozenset(get_files(paths, exclude, extensions))
        return set(found)

    def add_source_path(content, static=False):
        # Pelican 4.12's Generator.add_source_path, its relative path made once.
        key = (content.source_path, content.settings["PATH"])
        location = session.relative_source_paths.get(key)
        if location is None:
            location = session.relative_source_paths[key] = content.get_relative_source_path()
        generator.context["static_content" if static else "generated_content"][location] = content

    def add_static_links(content):
        # Pelican 4.12's Generator.add_static_links, the links of a text found once.
        found = session.static_links.get(content)
        if found is None or found[0] is not content._content:
            found = session.static_links[content] = (content._content, frozenset(content.get_static_links()))
        generator.context["static_links"] |= found[1]

    generator.get_files = get_files_once
    generator.add_source_path = add_source_path
    generator.add_static_links = add_static_links


def keep_out_of_the_collector():
    """After pages rendered outside a build (a template edit, the start's
    pages), as at a build's end: the garbage collected once, what is kept
    left out of the cyclic garbage collector again (a build unfroze its
    objects; the render froze them before forking)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def collector_paused():
    """No automatic collection meanwhile, as where objects are made to be
    kept: a build that unfroze what the last one kept would otherwise scan
    all of it two or three times as it makes new objects (1.2 s of a 4.5 s
    rebuild at 5,000 stories); the build collects once, at its end."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@contextlib.contextmanager
def collector_running():
    """Inside a build that paused the collector (`collector_paused`): on while
    pages render, since a page's garbage is cyclic (7,400 pages' left a
    server 100 MB larger), with what the build made so far frozen, out of
    its scans; the build's end collects everything once."""
    if gc.isenabled():
        yield
        return
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.disable()


def theme_folder_of(theme):
    """The theme a session uses: another copy of theme/ (`theme`), or the project's."""
    return Path(theme) if theme else ROOT / "theme"


class Session:
    """One preview site, rebuilt in place by `build()`."""

    def __init__(self, output, content=ROOT / "content", settings_file=ROOT / "pelicanconf.py", theme=None,
                 log_handler=None):
        self.output = Path(output).resolve()
        self.content = Path(content).resolve()
        self.settings_file = Path(settings_file).resolve()
        self.theme = theme  # another copy of theme/ (the benchmark edits one), or None
        self.theme_folder = theme_folder_of(theme)
        self.content_caches = {}
        # The reads a previous start kept (tools/kept_reads.py): what stands for
        # their editions' settings and contexts until bound, how many files.
        self.kept_placeholders = {}
        self.reads_taken_back = 0
        self._reads_key = None
        self._kept_entries = None
        self.signatures = {}
        self.generators = {}  # of the last build: (lang, class name) -> generator
        self.jobs = {}  # of the last build: output path -> how it was written
        self.dependents = {}  # story token -> output paths that show it
        self.shown_on = {}  # output path -> (the signature its dependents were recorded from, its story tokens)
        self.part_tokens = {}  # of the last build: id of a signature's part -> (the part, its story tokens)
        # What the generators work out again at every build (share_what_a_rebuild_finds_again):
        self.stamps_this_build, self.files_this_build = {}, {}  # source stamps, files found
        self.relative_source_paths = {}  # (source path, content folder) -> Pelican's relative path
        self.static_links = weakref.WeakKeyDictionary()  # story -> (its text, the static files it links)
        self.outputs_seen = set()  # pages and feeds written by this session's builds, not yet removed
        # The preview server's (tools/serve.py): the output paths of the pages
        # open in a browser, and what to do once they are rendered (reload them).
        self.open_pages = set
        self.on_open_pages_rendered = None
        self._pending = set()  # pages a start or an edit has yet to render (any thread asks: is_pending)
        self._wanted = []  # of those, the ones a browser asked for meanwhile, rendered next
        self._pending_lock = threading.Lock()
        self.pages_left = None  # a build's pages (a list, maybe empty) and steps left for later
        self.signatures_later = False  # the pages a build left are named then (`write_pages_left`)
        self.every_page_left_renders = False  # a first build's: no page was written before
        self._written_by_steps = set()  # of those steps, the files a request waits for (the Urdu font)
        self.main_settings = None
        self.stats = {}
        self.last_duration = None
        self.unused_variables = set()
        self.related_in_listings = True
        self._urdu_source_characters = self._urdu_font_coverage = self._urdu_font_stamp = None
        init_logging(level=logging.WARNING, fatal="errors", **({"handler": log_handler} if log_handler else {}))
        signals.article_generator_init.connect(keep_content_in_memory)
        signals.page_generator_init.connect(keep_content_in_memory)
        self._find_unused_variables()
        # A mistake in the settings shows now, not at the first build; the
        # server reads some of them before the first build (its CMS backend).
        self.initial_settings = self._settings()

    def _settings(self, pages_after_serving=False):
        override = {
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.output),
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": False,
            "CONTENT_CACHING_LAYER": "generator",
            "CHECK_MODIFIED_METHOD": "mtime",
            "DELETE_OUTPUT_DIRECTORY": False,
            "VALIDATION_KEEP_RESULTS": True,
            "URDU_FONT_REMEMBER_PAGES": True,
            "PAGES_AFTER_SERVING": pages_after_serving,
            **PREVIEW_SETTINGS,
        }
        if self.theme:
            override["THEME"] = str(self.theme)
        cwd = os.getcwd()
        os.chdir(ROOT)  # settings name plugins and the theme relative to the repository
        try:
            settings = read_settings(str(self.settings_file), override=override)
        finally:
            os.chdir(cwd)
        settings["PELICAN_CLASS"] = incremental_class(settings["PELICAN_CLASS"])
        # Pages re-rendered in place link the plain asset names, and the
        # browser reloads without waiting for Pagefind (plugins/pipeline.py).
        import pipeline  # a plugin: importable once the settings put plugins/ on sys.path

        profile_steps = settings.get("PIPELINE_STEPS", ())
        self.full_build_steps = pipeline.preview_steps(profile_steps, in_background=False)
        settings["PIPELINE_STEPS"] = pipeline.preview_steps(profile_steps)
        return settings

    def record(self, path, job, signature):
        self.jobs[path] = job
        self.outputs_seen.add(path)
        if not isinstance(signature, Later):  # else once it is named (`write_pages_left`)
            self.record_dependents(path, signature)

    def record_dependents(self, path, signature):
        """Note which stories the page at `path` shows.  A page whose signature
        is the one its stories were noted from shows the same stories (the
        tokens are in the signature): nothing to do, as for most pages of a
        rebuild."""
        recorded = self.shown_on.get(path)
        if recorded is not None and recorded[0] == signature:
            return
        tokens = set()
        for part in signature if signature is not None else ():
            tokens |= self._tokens_of_part(part)
        for found in recorded[1] - tokens if recorded is not None else ():
            self._no_longer_shows(path, found)
        for found in tokens:
            self.dependents.setdefault(found, set()).add(path)
        self.shown_on[path] = (signature, tokens)

    def _forget_dependents_of_pages_gone(self):
        """The pages of earlier builds that this one did not write show nothing."""
        for path in [path for path in self.shown_on if path not in self.jobs]:
            for found in self.shown_on.pop(path)[1]:
                self._no_longer_shows(path, found)

    def _no_longer_shows(self, path, found):
        paths = self.dependents.get(found)
        if paths is not None:
            paths.discard(path)
            if not paths:
                del self.dependents[found]

    def _tokens_of_part(self, part):
        """`tokens_of` one part of a signature; a part many pages share (the
        site's, a listing's) is walked once a build."""
        if not isinstance(part, tuple) or isinstance(part, Version):
            return tokens_of(part)
        return by_identity(self.part_tokens, part, tokens_of)

    def set_signature(self, path, signature):
        if signature is None:
            self.signatures.pop(path, None)
        else:
            self.signatures[path] = signature

    def remove_stale_outputs(self, within=None):
        """Remove the pages and feeds of earlier builds (under `within`) that
        this build did not write, with the folders they leave empty."""
        stale = self.outputs_seen - self.jobs.keys()
        if within is not None:  # a string test: the Urdu edition's end sees every English page here
            prefix = os.path.normcase(os.path.join(os.path.abspath(within), ""))
            stale = {path for path in stale if os.path.normcase(path).startswith(prefix)}
        for path in sorted(stale):
            path = Path(path)
            path.unlink(missing_ok=True)
            for folder in path.parents:
                if folder == self.output or not folder.is_relative_to(self.output):
                    break
                try:
                    folder.rmdir()
                except OSError:  # not empty
                    break
            self.signatures.pop(str(path), None)
        self.outputs_seen -= stale
        self.stats["removed"] = self.stats.get("removed", 0) + len(stale)

    def can_remove_in_place(self, paths):
        """Whether deleting the source files `paths` is undone by a build in
        place: each was a story or page this session read (not a photo or
        another file Pelican copies) that published no photo and linked no
        file of the content folder (a full build would no longer publish
        those, and a build in place does not remove them)."""
        if not self.generators:
            return False
        photos = sys.modules["photos"] if "photos" in self.main_settings["PLUGINS"] else None
        for path in map(Path, paths):
            found = [cached[1] for generator in self.generators.values()
                     if (cached := generator._cache.get(os.path.relpath(path, generator.path))) is not None]
            if not found or any(content.get_static_links() for content in found) \
                    or (photos and any(photos.shows_photos(content) for content in found)):
                return False
        return True

    def forget_pages(self):
        """Render every page at the next build (a template or catalog changed)."""
        self.signatures.clear()
        self._find_unused_variables()

    def _find_unused_variables(self):
        self.unused_variables, self.related_in_listings = self._what_templates_use_now()

    def _what_templates_use_now(self):
        """(listing variables no template mentions, whether a template other
        than a story's own page shows related stories).  A listing variable
        that no template mentions does not make a page change (Pelican hands
        every tag page the list of all stories); related stories shown only on
        a story's own page do not make the pages that list it change
        (`listed_version`)."""
        folder = self.theme_folder / "templates"
        texts = {}
        for path in folder.rglob("*.html"):
            if path.name.startswith("."):
                continue  # an editor's lock or backup file (Emacs' .#name.html links to nothing)
            try:
                texts[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
            except OSError:
                continue  # gone meanwhile: the watcher reports it
        everything = "".join(texts.values())
        unused = {name for name in ("all_articles",) if name not in everything}
        related = any("related_stories" in text for name, text in texts.items() if name not in STORY_PAGE_TEMPLATES)
        return unused, related

    def _templates_show_other_things(self):
        """Whether the templates now show what the recorded signatures do not name."""
        return self._what_templates_use_now() != (self.unused_variables, self.related_in_listings)

    def forget_content(self):
        self.content_caches.clear()
        self.signatures.clear()

    def build(self, catalogs=False, fresh=False, pages_after_serving=False):
        """Build in place; returns the number of pages rendered.  `fresh`
        starts from an empty output folder (the first build of a session).
        With `pages_after_serving`, the build reads the site and records its
        pages, and leaves them and the steps after them to
        `write_pages_left` (the server answers meanwhile: at start, every
        page; after an edit, the pages whose signature changed, the open ones
        first)."""
        started = time.perf_counter()
        self.stop_search_index()
        self.pages_left = [] if pages_after_serving else None
        self.signatures_later = pages_after_serving
        self.every_page_left_renders = fresh
        gc.unfreeze()  # the previous build's objects can be collected again
        with collector_paused():
            self._build(catalogs, fresh, pages_after_serving)
            # What the build keeps lives until the next one: leaving it out of
            # the cyclic garbage collector spares quick edits its full
            # collections (0.4 s pauses at 5,000 stories).  Collected and
            # frozen before the collector runs again, which would scan all of
            # it first.  A first build that leaves its pages is frozen now and
            # collected once they are written (`write_pages_left`): the server
            # answers 0.4 s sooner.
            if self.pages_left is None:
                keep_out_of_the_collector()  # and what its pages' render froze
            else:
                gc.freeze()
        self.last_duration = time.perf_counter() - started
        return self.stats["rendered"]

    def _build(self, catalogs, fresh, pages_after_serving):
        global _SESSION
        if catalogs:
            build.compile_catalogs()
        self.stats = {"rendered": 0, "kept": 0}
        if fresh or self._templates_show_other_things():
            # A template edit that came with other changes (a full build in
            # another process took it) can change what the listings show.
            self.forget_pages()
        if fresh:
            self.outputs_seen = set()
            build.remove_leftovers(self.output.parent, self.output.name)
            if self.output.exists():
                retired = self.output.parent / f"{build.RETIRED_PREFIX}{self.output.name}-{os.getpid()}"
                os.rename(self.output, retired)
                # Deleted while this build reads: about 1.5 s of start-up at
                # 5,000 stories.  What a stopped server leaves, the next start
                # removes (build.remove_leftovers).
                threading.Thread(target=shutil.rmtree, args=(retired,), kwargs={"ignore_errors": True},
                                 name="remove the previous preview", daemon=True).start()
        self.output.mkdir(parents=True, exist_ok=True)
        _SESSION = self
        self.generators, self.jobs, self.part_tokens = {}, {}, {}
        self.stamps_this_build, self.files_this_build = {}, {}
        if fresh:
            self.dependents, self.shown_on = {}, {}
        forget_memoized()
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            settings = self._settings(pages_after_serving=pages_after_serving)
            if fresh:
                # Before anything is read: an edit of the settings or a plugin
                # during this start must not pass for the environment it read in.
                self._reads_key = kept_reads.environment_key(settings, self.settings_file,
                                                             kept_reads.session_modules(settings))
                if not self.content_caches:
                    self._take_back_reads(settings)
            pelican = settings["PELICAN_CLASS"](settings)
            self.main_settings = pelican.settings
            pelican.run()
            self._forget_dependents_of_pages_gone()
            if self._kept_entries is not None:  # the files not read again
                self.reads_taken_back = len({name for key, name, story in self._kept_entries
                                             if self.content_caches[key].get(name, (None, None))[1] is story
                                             and os.path.exists(story.source_path)})
                self._kept_entries = None
            if self.pages_left:
                from parallel_pages import pages_to_render  # a plugin: importable once the settings are read

                font = self._urdu_font_paths()
                with self._pending_lock:  # a request for one waits from now (is_pending)
                    self._pending = {job.path for job in pages_to_render(self.pages_left)}
                    # A page sent meanwhile asks for the font: at start, it comes once made, not "not found".
                    self._written_by_steps = {output_key(font[1])} if font and fresh else set()
        except BaseException:
            self.generators = {}  # what this build recorded is incomplete: the next one is a full build
            self.pages_left = None
            raise
        finally:
            os.chdir(cwd)
            _SESSION = None

    def _take_back_reads(self, settings):
        """A first build starts from what the last start read and checked
        (`keep_reads`), when it was kept in this same environment."""
        kept_reads.remove_leftovers(self.output)
        path = kept_reads.state_file(self.output)
        if not path.is_file():
            return
        with collector_paused():  # the objects are kept: collecting while they load only costs time
            found = kept_reads.load(path, self._reads_key)
        if found is None:
            return
        self.content_caches, checks, self.kept_placeholders = found
        self._kept_entries = [(key, name, entry[1]) for key, cache in self.content_caches.items()
                              for name, entry in cache.items()]
        # Few files to read, if any: the Markdown memo (plugins/read_once.py) is
        # read when one is, and keeps its entries for the next publish build.
        settings["READ_ONCE_STORIES_KEPT"] = True
        if checks is not None and "validation" in settings["PLUGINS"]:
            importlib.import_module("validation").take_back(checks)

    def keep_reads(self):
        """Keep what this session read and checked for the next start
        (tools/kept_reads.py), once the start's pages are written.  Returns
        the number of files kept (None: no start to keep); raises
        kept_reads.NotKept when they could not be written."""
        if not self.generators or self.main_settings is None or self._reads_key is None:
            return None
        plugins = self.main_settings["PLUGINS"]
        photos = sys.modules["photos"] if "photos" in plugins else None
        reported = sys.modules["body_html"].reported_files() if "body_html" in plugins else set()
        read_again = {story.source_path for cache in self.content_caches.values() for _, story in cache.values()
                      if story.get_static_links() or (photos and photos.shows_photos(story))
                      or (reported and os.path.realpath(story.source_path) in reported)}
        checks = sys.modules["validation"].kept_state() if "validation" in plugins else None
        return kept_reads.save(kept_reads.state_file(self.output), self._reads_key,
                               kept_reads.kept_files(self.content_caches, read_again), self.generators, checks,
                               self.kept_placeholders)

    def write_pages_left(self):
        """Write the pages a build left (`build`'s `pages_after_serving`):
        the pages open in a browser first (then `on_open_pages_rendered` is
        told), each page a browser asks for before the next batch of the
        others (`is_pending` holds its request until then); then the steps
        after the pages, as a build runs them.  After an edit, only the
        pages whose signature changed render (`_pages_that_changed`).
        Returns whether there were any.  After an edit,
        ``stats["reloaded"]`` is the number of open pages shown before the
        others when the steps did not change what they showed (the Urdu
        font)."""
        import pipeline  # a plugin: importable once the settings are read
        from parallel_pages import pages_to_render

        jobs, self.pages_left = self.pages_left, None
        if jobs is None:
            return False
        started = time.perf_counter()
        rendered = ()
        try:
            with self._rewriting_pages():
                pages = pages_to_render(jobs)  # not the writes Pelican skips: they are not the page
                reloaded, rendered = self._render_open_pages_first(
                    pages, self._start_urdu_font_when_written,
                    changed=None if self.every_page_left_renders else self._pages_that_changed)
                for job in rendered:
                    signature = named(job.signature)
                    self.set_signature(job.path, signature)
                    if self.every_page_left_renders:  # `record` left what it shows for now
                        self.record_dependents(job.path, signature)
                self.stats["rendered"] += len(rendered)
                font_before = self._served_urdu_font_stamp()
                pipeline.run_steps_on(self.output, self.main_settings)
                if reloaded and self._served_urdu_font_stamp() == font_before:
                    self.stats["reloaded"] = reloaded  # the open pages need no second reload
                with self._pending_lock:
                    self._written_by_steps = set()
                if "build_log" in sys.modules:  # as the build's end does: STRICT counts the pages' warnings
                    sys.modules["build_log"].stop_if_failed(self.main_settings, "after writing")
        except BaseException:
            # The pages rendered or to render: none has a signature now (the
            # next build renders them, and logs their warnings again for STRICT).
            # A page kept keeps its own.
            for job in rendered:
                self.signatures.pop(job.path, None)
            with self._pending_lock:  # no request waits for a file that will not come
                self._pending, self._wanted, self._written_by_steps = set(), [], set()
            if "urdu_font" in sys.modules:
                sys.modules["urdu_font"].cancel_subset()
            raise
        keep_out_of_the_collector()  # what the pages' render left, collected once
        if "read_once" in sys.modules:  # for the edits to come, if the start did not need it
            sys.modules["read_once"].load_from_disk()
        self.last_duration += time.perf_counter() - started
        return True

    def pages_left_to_write(self):
        """How many pages `write_pages_left` will write."""
        from parallel_pages import pages_to_render  # a plugin: importable once the settings are read

        return len(pages_to_render(self.pages_left or []))

    def _pages_that_changed(self, jobs):
        """Of `jobs` (pages a rebuild left, their signatures `Later`), the
        ones whose signature is not the one their page was written with, or
        that are not there: each signature is named now, and what the page
        shows noted (`record_dependents`).  The others are kept; the pages
        returned lose their signature until they are rendered."""
        changed = []
        for job in jobs:
            signature = named(job.signature)
            self.record_dependents(job.path, signature)
            if not self.keeps_page(job.path, signature):
                changed.append(job)
        return changed

    def keeps_page(self, path, signature):
        """Whether the page at `path` is there, written with `signature` (it
        is kept, and counted); if not, it has no signature until it is rendered."""
        if signature is not None and self.signatures.get(path) == signature and os.path.exists(path):
            self.stats["kept"] += 1
            return True
        self.signatures.pop(path, None)
        return False

    def _start_urdu_font_when_written(self, jobs):
        """For `_render_open_pages_first`: once the Urdu pages among `jobs` are
        written, the font's subset starts in a second process while the
        others render (as in a build); the ``urdu_font`` step waits for it."""
        if self._urdu_font_paths() is None:
            return None
        import urdu_font  # a plugin: importable once the settings are read

        urdu_root = self._urdu_root()
        urdu_pages = {job.path for job in jobs if Path(job.path).is_relative_to(urdu_root)}
        if not urdu_pages:
            return None  # after an edit that changed no Urdu page: the step has nothing new to read

        def after_batch():
            nonlocal urdu_pages
            with self._pending_lock:
                written = urdu_pages is not None and self._pending.isdisjoint(urdu_pages)
            if written:
                urdu_font.start_subset_unless_few_unread(urdu_root, self.main_settings)
                urdu_pages = None
        return after_batch

    def quick_update(self, paths):
        """Redo only the pages that show the stories in `paths`, without running
        Pelican again, when the edit changes what they say but nothing that
        places them (URL, date, section, tags, language, status, translations):
        each edition's story object is refreshed in place from the file, so
        every list that holds it sees the new text, and the pages and feeds
        recorded as showing it are rendered again.  Returns False (nothing
        done) when a full `build()` is needed.  The edited files are checked
        (plugins/validation.py) before Pelican's reader sees them: a mistake
        is reported as `path:line: message`, and nothing is written."""
        if not self.generators or not paths:
            return False
        started = time.perf_counter()
        stories = []  # (edition generator, cache key, cached object)
        for path in paths:
            path = Path(path).resolve()
            if not path.is_file() or not path.is_relative_to(self.content):
                return False
            found = False
            for generator in self.generators.values():
                key = os.path.relpath(path, generator.path)
                cached = generator._cache.get(key)
                if cached is None:
                    continue
                if not isinstance(generator, ArticlesGenerator):
                    return False
                found = True
                stories.append((generator, key, cached[1]))
            if not found:
                return False
        if "validation" in self.main_settings["PLUGINS"]:
            sys.modules["validation"].validate_changed(self.main_settings, paths)  # raises: nothing written
        refreshed = []  # (edition generator, cache key, old object, new object, stamp before reading)
        for generator, key, cached in stories:
            stamp = generator._get_file_stamp(key)
            new = generator.readers.read_file(
                base_path=generator.path, path=key, content_class=type(cached), context=generator.context)
            if placement(new) != placement(cached):
                return False
            refreshed.append((generator, key, cached, new, stamp))
        if "validation" in self.main_settings["PLUGINS"]:
            sys.modules["validation"].validate_changed_bodies(self.main_settings, paths)  # raises: nothing written
        self.stats = {"rendered": 0, "kept": 0}
        self.stop_search_index()
        with self._rewriting_pages():
            outputs = set()
            for generator, key, old, new, stamp in refreshed:
                old_token = token(old)
                # What the old text set and the new one does not (a removed
                # Summary: Pelican would write its `_summary` back into the
                # metadata at the next build).
                for name in read_attributes(old):
                    if name not in new.__dict__:
                        old.__dict__.pop(name, None)
                for name, value in new.__dict__.items():
                    if name not in ("translations", "_render_token", "_context"):
                        old.__dict__[name] = value
                old.__dict__["_render_token"] = next(_TOKENS)
                # Pelican memoizes a story's HTML and summary by object: drop
                # them before anything derives from the new text.
                forget_memoized([old])
                if "structured_data" in sys.modules:  # values the plugin derives from the text
                    sys.modules["structured_data"].annotate(old, generator.settings)
                generator._cache[key] = (stamp, old)
                shown = self.dependents.pop(old_token, set())
                if shown:
                    self.dependents[token(old)] = shown
                for path in shown:
                    tokens = self.shown_on[path][1]
                    tokens.discard(old_token)
                    tokens.add(token(old))
                outputs |= shown
            for path in sorted(outputs):
                self.signatures.pop(path, None)  # the next full build renders them once more
                job = self.jobs[path]
                if job[0] == "page":
                    _, template, make_localcontext, context = job
                    from parallel_pages import render_page  # a plugin: importable once the settings are read

                    localcontext = make_localcontext()
                    render_page(template, localcontext, context, path)
                    signals.content_written.send(path, context=localcontext)
                else:
                    _, writer, elements, context, relative, url, feed_type, override, feed_title = job
                    writer._written_files.discard(path)
                    writer._overridden_files.discard(path)
                    super(SkipUnchanged, writer).write_feed(elements, context, relative, url, feed_type, override,
                                                            feed_title)
                self.stats["rendered"] += 1
            self._steps_after_pages(outputs)
        self.last_duration = time.perf_counter() - started
        return True

    @contextlib.contextmanager
    def _rewriting_pages(self):
        """Pages rewritten outside a build (a quick edit): this session's; if
        anything fails, pages may be half done, and the next rebuild is a full
        build."""
        global _SESSION
        _SESSION = self
        try:
            yield
        except BaseException:
            self.generators = {}
            raise
        finally:
            _SESSION = None

    def _steps_after_pages(self, outputs):
        """After a quick edit rewrote `outputs`: the Urdu font where they need
        a letter it lacks, the search index in the background.  Returns
        whether the font changed."""
        font_changed = self._refresh_urdu_font(outputs)
        self._refresh_search_index()
        return font_changed

    def quick_theme_update(self, paths):
        """Copy edited theme files (the stylesheet, the scripts) into the
        output as the build does (Pelican copies ``THEME_STATIC_PATHS`` into
        ``THEME_STATIC_DIR`` byte for byte), when that is all the edit
        changes: no page names a theme file by its bytes in the preview (no
        fingerprints) and its steps read pages only (``pipeline.THEME_FILE_STEPS``
        are the ones that would not).  Returns False (nothing done) when a
        build is needed: a file that is new, gone, a link, ignored, or not
        one of the theme's static files."""
        settings = self.main_settings
        if not self.generators or not settings or not paths:
            return False
        import pipeline

        if set(settings["PIPELINE_STEPS"]) & pipeline.THEME_FILE_STEPS:
            return False
        theme = Path(settings["THEME"]).resolve()
        destination_root = self.output / settings["THEME_STATIC_DIR"]
        copies = []
        for path in map(Path, paths):
            if path.is_symlink() or not path.is_file():
                return False
            path = path.resolve()
            destination, names = None, ()  # names: what Pelican's copy matches with IGNORE_FILES
            for static in settings["THEME_STATIC_PATHS"]:
                source = theme / static
                if source.is_file() and path == source:
                    destination, names = destination_root / path.name, (path.name,)
                elif source.is_dir() and path.is_relative_to(source):
                    relative = path.relative_to(source)
                    destination, names = destination_root / relative, (source.name, *relative.parts)
            if destination is None or not destination.is_file() or any(
                    fnmatch.fnmatch(name, pattern) for name in names for pattern in settings["IGNORE_FILES"]):
                return False
            copies.append((path, destination))
        started = time.perf_counter()
        for source, destination in copies:
            shutil.copyfile(source, destination)
        self.stats = {"rendered": 0, "kept": len(self.jobs), "copied": len(copies)}
        self.last_duration = time.perf_counter() - started
        return True

    def quick_template_update(self, paths):
        """Render every page again with the edited templates, without running
        Pelican again, when templates are all the edit changed: a template
        changes how the pages the last build recorded look, not which pages
        there are or what they show (stories, lists, dates: the contexts the
        pages were recorded with).  Each edition's Jinja environment compiles
        its templates afresh.  The edited files are parsed first: a syntax
        mistake is raised (``path:line``) with nothing written.  Feeds are not
        templates and stay.  Returns False (nothing done) when a build is
        needed: a template gone (the build names the pages that still use
        it), a file outside the theme's templates, or a page whose template
        has no name to load it again by."""
        templates = self.theme_folder.resolve() / "templates"
        pages = {path: job for path, job in self.jobs.items() if job[0] == "page"}
        if not self.generators or not pages or not paths:
            return False
        if self._templates_show_other_things():
            return False  # what pages show changes too: their recorded stories are not all they show
        edited = []  # (as the watcher named it, its name under the templates)
        for path in map(Path, paths):
            if not path.is_file() or not path.resolve().is_relative_to(templates):
                return False
            edited.append((path, path.resolve().relative_to(templates).as_posix()))
        if any(job[1].name is None for job in pages.values()):
            return False
        environments = {id(job[1].environment): job[1].environment for job in pages.values()}
        any_environment = next(iter(environments.values()))
        for path, name in edited:  # raises: nothing written
            any_environment.parse(path.read_text(encoding="utf-8"), name, str(path))
        from parallel_pages import Deferred  # a plugin: importable once the settings are read

        started = time.perf_counter()
        for environment in environments.values():
            if environment.cache is not None:
                environment.cache.clear()
        fresh = {}  # (environment, name) -> the template compiled again; raises: nothing written
        for _, template, _, _ in pages.values():
            key = (id(template.environment), template.name)
            if key not in fresh:
                fresh[key] = template.environment.get_template(template.name)
        jobs = []
        for path, (_, template, make_localcontext, context) in pages.items():
            template = fresh[(id(template.environment), template.name)]
            self.jobs[path] = ("page", template, make_localcontext, context)
            jobs.append(Deferred(template, make_localcontext, context, path, path, None))
        self.stop_search_index()
        self.stats = {"rendered": 0, "kept": len(self.jobs) - len(jobs)}
        try:
            with self._rewriting_pages():
                reloaded, _ = self._render_open_pages_first(jobs)
                keep_out_of_the_collector()  # the replaced templates collected
                self.stats["rendered"] = len(jobs)
                if not self._steps_after_pages(pages) and reloaded:
                    self.stats["reloaded"] = reloaded  # the open pages need no second reload
        except BaseException:
            # Signatures do not name a template's text: pages the edit did
            # not reach would be kept by the next build.
            self.signatures.clear()
            raise
        self.last_duration = time.perf_counter() - started
        return True

    def _render_open_pages_first(self, jobs, after_batch_for=None, changed=None):
        """Render `jobs`: the pages open in a browser first, here, then (once
        `on_open_pages_rendered` was told) the others on every core,
        `RENDER_BATCH` at a time, each page a browser asks for meanwhile
        before the next batch (`after_batch_for(the jobs to render)()` is
        called after each).  `changed(jobs)`: those of `jobs` to render,
        asked of the open pages first, then of the others.  Until a page is
        rendered (or known unchanged), `is_pending` says so (the server holds
        a request for it).  Returns how many open pages were rendered before
        the others, and the jobs rendered."""
        from parallel_pages import render_on_every_core, render_share

        open_now = {output_key(path) for path in self.open_pages()}
        first = [job for job in jobs if job.path in open_now]
        rest = [job for job in jobs if job.path not in open_now]
        with self._pending_lock:
            # Asked for already: at start, between serving and this call.
            self._pending = {job.path for job in jobs}
            self._wanted = [path for path in self._wanted if path in self._pending]
        try:
            if changed is not None:
                first = changed(first)
                with self._pending_lock:  # a request for an open page kept is answered now
                    self._pending.difference_update(open_now - {job.path for job in first})
            render_share(first, announce=True)
            self._rendered_now(first)
            if first and self.on_open_pages_rendered is not None:
                self.on_open_pages_rendered()
            if changed is not None:
                rest = changed(rest)
                with self._pending_lock:  # a request for a page kept is answered now
                    self._pending.intersection_update(job.path for job in rest)
            by_path = {job.path: job for job in rest}
            after_batch = after_batch_for(first + rest) if after_batch_for is not None else None
            for start in range(0, len(rest) + 1, RENDER_BATCH):
                with self._pending_lock:
                    wanted = [by_path[path] for path in self._wanted if path in by_path and path in self._pending]
                    self._wanted = []  # (one asked for while its batch rendered is written already)
                if wanted:
                    render_share(wanted, announce=True)
                    self._rendered_now(wanted)
                with self._pending_lock:
                    batch = [job for job in rest[start:start + RENDER_BATCH] if job.path in self._pending]
                if batch:
                    render_on_every_core(batch, self.main_settings.get("RENDER_PROCESSES"))
                    self._rendered_now(batch)
                if after_batch is not None:
                    after_batch()
        finally:
            with self._pending_lock:
                self._pending, self._wanted = set(), []
        return (len(first) if self.on_open_pages_rendered is not None else 0), first + rest

    def _rendered_now(self, jobs):
        with self._pending_lock:
            self._pending.difference_update(job.path for job in jobs)

    def is_pending(self, path):
        """Whether the page at output path `path` has yet to be rendered by
        the edit or the start under way, or, at start, the file at
        `path` has yet to be written by the steps after the pages (any thread)."""
        if not self._pending and not self._written_by_steps:
            return False
        key = output_key(path)
        with self._pending_lock:
            return key in self._pending or key in self._written_by_steps

    def want(self, path):
        """A browser asks for the pending page `path`: render it next (any thread)."""
        path = output_key(path)
        with self._pending_lock:
            if path in self._pending and path not in self._wanted:
                self._wanted.append(path)

    # -- the Urdu font ------------------------------------------------------
    # The build subsets the font to the Urdu edition's text (plugins/urdu_font.py).
    # A quick edit almost never brings a character the served font lacks, so
    # the edit path only compares the rewritten pages' characters with the
    # font's character map, read at start-up (and after each full build), and
    # subsets again only for a character the font lacks but the source has.

    def _urdu_font_paths(self):
        """(source TTF, served WOFF2) when this session's settings use the Urdu font."""
        settings = self.main_settings
        if not settings or "ur" not in settings.get("EDITIONS", {}) or "urdu_font" not in settings["PIPELINE_STEPS"]:
            return None
        return (Path(settings["THEME"]) / settings["URDU_FONT_SOURCE"],
                self.output / settings["THEME_STATIC_DIR"] / "fonts" / settings["URDU_FONT_FILE"])

    def _urdu_root(self):
        return self.output / self.main_settings["EDITIONS"]["ur"]["path"]

    def remember_urdu_font(self):
        """Read, once, what the edit path needs about the Urdu font: the
        characters of every Urdu page and the character maps of the source and
        the served font (start-up work, off the edit path).  The font's second
        process has read the pages of a first build (``URDU_FONT_REMEMBER_PAGES``):
        only the pages written since are read here."""
        paths = self._urdu_font_paths()
        if paths is None:
            return
        import urdu_font
        from processes import files_under  # plugins: importable once the settings are read

        urdu_font.characters_of(files_under(self._urdu_root(), [".html"]))
        self._font_coverage(paths)

    def _served_urdu_font_stamp(self):
        """What tells whether the served Urdu font changed: the font step
        replaces it with a new file only when its bytes change (None: no font)."""
        paths = self._urdu_font_paths()
        try:
            status = paths[1].stat() if paths else None
        except OSError:
            return None
        return status and (status.st_mtime_ns, status.st_size, status.st_ino)

    def _font_coverage(self, paths):
        """(characters the source font has, characters the served font has)."""
        from fontTools.ttLib import TTFont

        source, served = paths
        stamp = self._served_urdu_font_stamp()
        if self._urdu_font_stamp != stamp or self._urdu_font_coverage is None:
            if self._urdu_source_characters is None:
                with TTFont(source, lazy=True) as font:
                    self._urdu_source_characters = frozenset(map(chr, font.getBestCmap()))
            try:
                with TTFont(served, lazy=True) as font:
                    served_characters = frozenset(map(chr, font.getBestCmap()))
            except (OSError, ValueError):
                served_characters = frozenset()
            self._urdu_font_stamp, self._urdu_font_coverage = stamp, served_characters
        return self._urdu_source_characters, self._urdu_font_coverage

    def _refresh_urdu_font(self, outputs):
        paths = self._urdu_font_paths()
        if paths is None:
            return
        urdu_root = self._urdu_root()
        pages = [Path(path) for path in outputs if Path(path).is_relative_to(urdu_root) and path.endswith(".html")]
        if not pages:
            return
        import urdu_font

        source_characters, served_characters = self._font_coverage(paths)
        missing = {char for char in urdu_font.characters_of(pages)
                   if ord(char) > 0x7F and char in source_characters and char not in served_characters}
        if missing:
            urdu_font.subset_urdu_font(self.output, self.main_settings)
        return bool(missing)

    def _search_index(self):
        """The search_index module, when this session's steps index the site."""
        if self.main_settings and "search_index_in_background" in self.main_settings["PIPELINE_STEPS"]:
            return sys.modules.get("search_index")
        return None

    def _refresh_search_index(self):
        search_index = self._search_index()
        if search_index:
            search_index.index_in_background(self.output, self.main_settings)

    def stop_search_index(self):
        """Stop an unfinished Pagefind run before pages change under it."""
        search_index = self._search_index()
        if search_index:
            search_index.cancel_background()

    def wait_for_search_index(self):
        search_index = self._search_index()
        if search_index:
            search_index.wait_for_background()

    def full_build(self):
        """The atomic staging build of tools/build.py (removes stale pages), in
        another process; its problem lines are printed here.  Raises
        BuildFailed (output/ is then as it was)."""
        self.stop_search_index()
        self.forget_content()
        self.generators = {}  # the next edit rebuilds in process from scratch
        # The same steps as a build in place (no fingerprints), not the profile's.
        extra_settings = [f"{key}={json.dumps(value)}" for key, value in
                          {**PREVIEW_SETTINGS, "PIPELINE_STEPS": self.full_build_steps}.items()]
        if self.theme:
            extra_settings.append(f"THEME={json.dumps(str(self.theme))}")
        command = [sys.executable, str(ROOT / "tools" / "build.py"), "--settings", str(self.settings_file),
                   "--output", str(self.output), "--content", str(self.content)]
        if extra_settings:
            command += ["--extra-settings", *extra_settings]
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        for line in run.stderr.splitlines():
            if ": warning: " in line:
                print(line, file=sys.stderr, flush=True)
        if run.returncode != 0:
            raise BuildFailed(run.stdout + run.stderr)
        self.stats = {"rendered": sum(1 for _ in self.output.rglob("*.html")), "kept": 0}

    def summary(self, written=True):
        """"2 stories in 2 editions, 45 pages written" of the last build (without
        the pages: `written` False)."""
        stories = sum(len(generator.articles) for generator in self.generators.values()
                      if isinstance(generator, ArticlesGenerator))
        text = f"{stories} {'story' if stories == 1 else 'stories'} in {len({lang for lang, _ in self.generators})} editions"
        return f"{text}, {self.stats.get('rendered', 0)} pages written" if written else text


class BuildFailed(Exception):
    """tools/build.py failed; `output` is what it printed."""

    def __init__(self, output):
        super().__init__("the full build failed")
        self.output = output


def main(argv=None):
    """`python tools/incremental.py --content C --output O`: time a first
    build, a rebuild with nothing changed and a rebuild after a one-word edit
    (the benchmark's in-process figures); --profile prints where the edit's
    rebuild spends its time."""
    import argparse
    import cProfile
    import io
    import json
    import pstats

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("--content", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--edit", help="a source file to change one word of")
    parser.add_argument("--profile", type=int, default=0, help="print this many lines of the edit's profile")
    args = parser.parse_args(argv)
    session = Session(args.output, args.content)
    timings = {}
    started = time.perf_counter()
    session.build(catalogs=True, fresh=True)
    timings["first_build_s"] = time.perf_counter() - started
    started = time.perf_counter()
    session.build()
    timings["unchanged_rebuild_s"] = time.perf_counter() - started
    timings["unchanged_rebuild_rendered"] = session.stats["rendered"]
    if args.edit:
        path = Path(args.edit)
        header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
        word = body.split()[5]
        path.write_text(f"{header}\n\n{body.replace(f' {word} ', ' lorem ', 1)}", encoding="utf-8")
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        timings["edit_quick"] = session.quick_update([path])
        if not timings["edit_quick"]:
            session.build()
        if profiler:
            profiler.disable()
        timings["edit_rebuild_s"] = time.perf_counter() - started
        timings["edit_rebuild_rendered"] = session.stats["rendered"]
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
            timings["edit_profile"] = out.getvalue()
    print("TIMINGS " + json.dumps(timings), flush=True)


if __name__ == "__main__":
    main()
