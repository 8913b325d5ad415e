"""Rebuilds for `make serve` that redo only what an edit changed.

A `Session` keeps one Pelican configuration alive in this process and builds
into the output folder in place (the atomic staging build of tools/build.py
stays the way to publish).  Between builds it keeps:

* every edition's content objects, through Pelican's own generator-level
  content cache (``CONTENT_CACHING_LAYER = "generator"``) held in memory
  instead of pickled: a file whose mtime did not change is not read again;
* the signature of every page it wrote.  The writer (Pelican's, with
  `SkipUnchanged` mixed in) renders a page only when its signature changed.
  A signature names what the page shows: its template and output path, a
  token for each story on it (a story re-read from disk gets a new token;
  so does one whose translations changed), the edition's date and its
  section navigation.  Pages whose inputs cannot be named that way (a
  template called without stories) are always rendered.

A template or catalog change drops every signature (everything is rendered
again, still without re-reading content).  Settings and plugin changes need
a new process (tools/serve.py restarts itself); a deleted or renamed source
file falls back to a full atomic build, which also removes stale pages.
"""

import itertools
import logging
import os
import sys
import time
from pathlib import Path

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.log import init as init_logging
from pelican.settings import read_settings
from pelican.utils import sanitised_join

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402

_TOKENS = itertools.count(1)
_SESSION = None  # the session whose build is running


def token(content):
    """A number that changes when `content` is a new object (re-read)."""
    found = content.__dict__.get("_render_token")
    if found is None:
        found = content.__dict__["_render_token"] = next(_TOKENS)
    return found


def version(content):
    """What a page shows of a story: the story and its translations."""
    return (token(content), tuple(token(t) for t in getattr(content, "translations", ())))


SIMPLE = (str, int, float, bool, type(None), tuple)


class SkipUnchanged:
    """Writer mixin: render a page only when its signature changed."""

    def _site_signature(self, context):
        edition_date = context.get("EDITION_DATE")
        return (
            context.get("DEFAULT_LANG"),
            context.get("SITEURL"),
            edition_date.date().isoformat() if edition_date else None,
            tuple((str(section), section.url) for section in context.get("section_nav", ())),
        )

    def _listing_signature(self, kwargs):
        parts = []
        for key, value in sorted(kwargs.items()):
            if key in _SESSION.unused_variables:
                continue
            if key in ("articles", "dates", "all_articles") and isinstance(value, list):
                parts.append((key, tuple(version(item) for item in value)))
            elif key in ("article", "page"):
                parts.append((key, version(value)))
            elif hasattr(value, "slug") and hasattr(value, "url"):  # Category, Tag, Author
                parts.append((key, str(value), value.url))
            elif isinstance(value, SIMPLE):
                parts.append((key, value))
            else:
                return None  # something we cannot name: always render
        return tuple(parts)

    def _emit(self, template, localcontext, context, name, override, signature):
        path = sanitised_join(self.output_path, name)
        session = _SESSION
        if signature is not None and session.signatures.get(path) == signature and os.path.exists(path):
            self._written_files.add(path)
            session.stats["kept"] += 1
            return
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        output = template.render(localcontext)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with self._open_w(path, "utf-8", override=override) as file:
            file.write(output)
        signals.content_written.send(path, context=localcontext)
        session.stats["rendered"] += 1
        if signature is None:
            session.signatures.pop(path, None)
        else:
            session.signatures[path] = signature

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        """Pelican 4.12's Writer.write_file, with the signature check."""
        if not name:
            return
        from pelican.paginator import Paginator
        from pelican.utils import get_relative_path, path_to_url

        def localcontext_for(save_as, extra):
            localcontext = context.copy()
            localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
            if relative_urls:
                relative_url = path_to_url(get_relative_path(save_as))
                localcontext["SITEURL"] = relative_url
                localcontext["localsiteurl"] = relative_url
            localcontext["output_file"] = save_as
            localcontext.update(extra)
            return localcontext

        if paginated is None:
            paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
        site = self._site_signature(context)
        template_id = getattr(template, "name", None)
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
            paginators = {key: Paginator(name, url, value, self.settings, per_page) for key, value in paginated.items()}
            others = self._listing_signature({k: v for k, v in kwargs.items() if k not in paginated})
            for page_num in range(next(iter(paginators.values())).num_pages):
                paginated_kwargs = kwargs.copy()
                shown = []
                for key, paginator in paginators.items():
                    previous_page = paginator.page(page_num) if page_num > 0 else None
                    page = paginator.page(page_num + 1)
                    next_page = paginator.page(page_num + 2) if page_num + 1 < paginator.num_pages else None
                    paginated_kwargs.update({
                        f"{key}_paginator": paginator,
                        f"{key}_page": page,
                        f"{key}_previous_page": previous_page,
                        f"{key}_next_page": next_page,
                    })
                    shown.append((key, paginator.num_pages, tuple(version(item) for item in page.object_list)))
                signature = None if others is None else (template_id, page.save_as, page_num, site, others, tuple(shown))
                self._emit(template, localcontext_for(page.save_as, paginated_kwargs), context,
                           page.save_as, override_output, signature)
        else:
            others = self._listing_signature(kwargs)
            signature = None if others is None else (template_id, name, site, others)
            self._emit(template, localcontext_for(name, kwargs), context, name, override_output, signature)

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom",
                   override_output=False, feed_title=None):
        if path:
            complete_path = sanitised_join(self.output_path, path)
            limit = self.settings["FEED_MAX_ITEMS"]
            signature = ("feed", feed_type, url, feed_title, context.get("SITEURL"), context.get("FEED_DOMAIN"),
                         tuple(version(item) for item in elements[:limit]))
            if _SESSION.signatures.get(complete_path) == signature and os.path.exists(complete_path):
                self._written_files.add(complete_path)
                _SESSION.stats["kept"] += 1
                return None
            _SESSION.signatures[complete_path] = signature
            _SESSION.stats["rendered"] += 1
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)


_WRITER_CLASSES = {}


class IncrementalPelican(Pelican):
    """Pelican whose writer is wrapped with `SkipUnchanged` (also used by
    pelican-i18n-subsites for the subsites, through ``PELICAN_CLASS``)."""

    def _get_writer(self):
        writer = super()._get_writer()
        base = type(writer)
        if base not in _WRITER_CLASSES:
            _WRITER_CLASSES[base] = type(f"Incremental{base.__name__}", (SkipUnchanged, base), {})
        writer.__class__ = _WRITER_CLASSES[base]
        return writer


def keep_content_in_memory(generator):
    """Give the generator the session's in-memory content cache."""
    if _SESSION is None or not isinstance(generator, (ArticlesGenerator, PagesGenerator)):
        return
    key = (generator.settings["DEFAULT_LANG"], type(generator).__name__)
    generator._cache = _SESSION.content_caches.setdefault(key, {})
    generator.save_cache = lambda: None


class Session:
    """One preview site, rebuilt in place by `build()`."""

    def __init__(self, output, content=ROOT / "content", settings_file=ROOT / "pelicanconf.py", theme=None):
        self.output = Path(output).resolve()
        self.content = Path(content).resolve()
        self.settings_file = Path(settings_file).resolve()
        self.theme = theme
        self.content_caches = {}
        self.signatures = {}
        self.stats = {}
        self.last_duration = None
        self.unused_variables = set()
        init_logging(level=logging.WARNING, fatal="errors")
        signals.article_generator_init.connect(keep_content_in_memory)
        signals.page_generator_init.connect(keep_content_in_memory)
        self._find_unused_variables()

    def _settings(self):
        override = {
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.output),
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": False,
            "CONTENT_CACHING_LAYER": "generator",
            "CHECK_MODIFIED_METHOD": "mtime",
            "DELETE_OUTPUT_DIRECTORY": False,
            "PELICAN_CLASS": IncrementalPelican,
        }
        if self.theme:
            override["THEME"] = str(self.theme)
        cwd = os.getcwd()
        os.chdir(ROOT)  # settings name plugins and the theme relative to the repository
        try:
            return read_settings(str(self.settings_file), override=override)
        finally:
            os.chdir(cwd)

    def forget_pages(self):
        """Render every page at the next build (a template or catalog changed)."""
        self.signatures.clear()
        self._find_unused_variables()

    def _find_unused_variables(self):
        """Listing variables that no template mentions do not make a page
        change (Pelican hands every tag page the list of all stories)."""
        theme = Path(self.theme) if self.theme else ROOT / "theme"
        templates = "".join(path.read_text(encoding="utf-8") for path in (theme / "templates").rglob("*.html"))
        self.unused_variables = {name for name in ("all_articles",) if name not in templates}

    def forget_content(self):
        self.content_caches.clear()
        self.signatures.clear()

    def build(self, catalogs=False):
        """Build in place; returns the number of pages rendered."""
        global _SESSION
        started = time.perf_counter()
        if catalogs:
            build.compile_catalogs()
        self.stats = {"rendered": 0, "kept": 0}
        self.output.mkdir(parents=True, exist_ok=True)
        _SESSION = self
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            IncrementalPelican(self._settings()).run()
        finally:
            os.chdir(cwd)
            _SESSION = None
        self.last_duration = time.perf_counter() - started
        return self.stats["rendered"]

    def full_build(self):
        """The atomic staging build of tools/build.py (removes stale pages)."""
        self.forget_content()
        status = build.build(str(self.settings_file), str(self.output), str(self.content),
                             [f"THEME=\"{self.theme}\""] if self.theme else ())
        return status
