"""Pages rendered on every core: each edition's pages are claimed in writing
order, then rendered together, a share in each forked copy of the process.

Pelican 4.12 renders every page the moment a generator asks its writer for it,
in one process.  `ParallelPages`, mixed into the site's Pelican class
(`ParallelPelican`, set as ``PELICAN_CLASS`` in pelicanconf.py), gives each
edition's run a `DeferringWriter` and, after the generators that write pages
and before Pelican's static files (which it runs last), a `RenderPages`
generator:

* the writer does what Pelican's ``Writer.write_file`` does (the same local
  context, the same pagination, the same rule for a page written twice, checked
  in the same order), except rendering: each page is kept as a `Deferred` job;
  a story's ``{attach}`` links are resolved when its page is claimed, in this
  process, as Pelican does when it renders the page (the linked file moves
  beside the story's page; a move made in a forked process would be lost);
* `RenderPages` renders the jobs: the last version of each page, shared among
  up to ``RENDER_PROCESSES`` processes; a page written after that (a plugin
  on ``finalized``) renders at once.

Forked copies only on Linux (`processes.can_fork`): Windows has no fork, and a
fork on macOS may crash; there every page renders in this process, as before.
A forked copy writes pages and nothing else (nothing on the terminal; the
warnings it logs are logged again here, where the build counts them), and
leaves with its exit status; a share whose process failed (or could not be
started) is rendered here, so that its error is reported as it would be
without the fork.  Pelican's ``content_written`` signal is sent here for every
page once it is written.  While the copies run, this process's objects are
out of its garbage collector's reach (``gc.freeze``): a collection would
write to every object and so copy the memory the copies share.

Pages are byte-identical to Pelican's own writer's (tests/test_parallel_pages.py).
``make serve`` keeps this writer and adds its page signatures to it
(tools/incremental.py).

Not a plugin (nothing to register), and no maintained package does this for
Pelican.  Settings read: ``RENDER_PROCESSES`` (default: the CPUs this process
may use, at most `MAX_RENDER_PROCESSES`), Pelican's ``PAGINATED_TEMPLATES`` and
``DEFAULT_PAGINATION``.
"""

import contextlib
import gc
import json
import logging
import os
import sys
import tempfile
from typing import NamedTuple

from pelican import signals
from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError

from linear_lists import LinearPelican
import processes

# Each process holds a copy of the site's objects; below this many pages, a
# fork costs more than it saves.
MAX_RENDER_PROCESSES = 4
PARALLEL_MIN_PAGES = 64


class Deferred(NamedTuple):
    """A page to render once every page of its edition is known."""
    template: object
    make_localcontext: object
    context: dict
    path: str  # the page's place in the output
    target: str  # where it is written: `path`, or os.devnull for a page Pelican skips
    signature: object  # make serve's (tools/incremental.py); None here


def render_page(template, localcontext, context, path, opener=None):
    """What Pelican's writer does for one page (`opener`: its checked open),
    without the ``content_written`` signal."""
    if localcontext["localsiteurl"]:
        context["localsiteurl"] = localcontext["localsiteurl"]
    output = template.render(localcontext)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with opener() if opener is not None else open(path, "w", encoding="utf-8") as file:
        file.write(output)


def render_share(jobs, announce=False):
    for job in jobs:
        localcontext = job.make_localcontext()
        render_page(job.template, localcontext, job.context, job.target)
        if announce:
            signals.content_written.send(job.target, context=localcontext)


def announce(jobs):
    for job in jobs:
        signals.content_written.send(job.target, context=job.make_localcontext())


class Collected(logging.Handler):
    """A forked child's log: what it would have printed, kept for its parent."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        self.records.append((record.name, record.levelno, message))


def render_in_child(jobs, log_path):
    """A forked child's share.  Another thread's lock held at the fork may be
    in the child (make serve's server threads): the child writes nothing but
    pages and, for its parent, the warnings logged while rendering them (into
    `log_path`), and leaves with its exit status, running nothing of the
    parent's."""
    status = 1
    try:
        sys.stdout = sys.stderr = open(os.devnull, "w")
        collected = Collected()
        root = logging.getLogger()
        for logger in [root, *logging.Logger.manager.loggerDict.values()]:
            if isinstance(logger, logging.Logger) and logger.handlers:
                # Where this process would have printed: at the root, and at a
                # logger that does not pass its records on to the root.
                logger.handlers = [collected] if logger is root or not logger.propagate else []
        if collected not in root.handlers:
            root.addHandler(collected)
        gc.freeze()  # the parent's objects out of the collector's reach (a collection would copy their pages)
        render_share(jobs)
        with open(log_path, "w", encoding="utf-8") as log:
            json.dump(collected.records, log)
        status = 0
    finally:
        os._exit(status)


def replay_log(log_path):
    """The warnings a child logged, logged here (where the build counts and prints them)."""
    with open(log_path, encoding="utf-8") as log:
        for name, level, message in json.load(log):
            logging.getLogger(name).log(level, "%s", message)


def render_on_every_core(jobs, process_count=None):
    """Render `jobs`: a share in each forked copy of this process where that
    is safe (Linux), the first share here; elsewhere (or where a fork fails)
    all of them here.  A share whose process failed is rendered again here,
    so that its error is raised as it would be without the fork.  Sends
    ``content_written`` for every page, here, and logs here what the forked
    copies logged."""
    wanted = min(processes.available_cpus(), MAX_RENDER_PROCESSES) if process_count is None else max(1, int(process_count))
    count = wanted if processes.can_fork() and len(jobs) >= PARALLEL_MIN_PAGES else 1
    shares = [jobs[index::count] for index in range(count)]
    here, children = [shares[0]], []  # children: (pid, share, log path)
    if count > 1:
        gc.freeze()  # while the copies share this process's memory, its collections leave them alone
    try:
        try:
            for share in shares[1:]:
                descriptor, log_path = tempfile.mkstemp(prefix="pelican-render-", suffix=".json")
                os.close(descriptor)
                try:
                    pid = os.fork()
                except OSError:  # no memory for another copy: this share renders here
                    os.unlink(log_path)
                    here.append(share)
                    continue
                if pid == 0:
                    render_in_child(share, log_path)
                children.append((pid, share, log_path))
            for share in here:
                render_share(share, announce=True)
        finally:  # no copy left writing pages once this returns or raises
            finished = [(share, log_path, os.waitpid(pid, 0)[1] == 0) for pid, share, log_path in children]
            if count > 1:
                gc.unfreeze()
        for share, log_path, succeeded in finished:
            if succeeded:
                replay_log(log_path)
                announce(share)
            else:
                render_share(share, announce=True)
    finally:
        for _, _, log_path in children:
            with contextlib.suppress(OSError):
                os.unlink(log_path)


def has_attachments(content):
    text = content._content or ""
    return "attach}" in text or "|attach|" in text


def pages_to_render(jobs):
    """Of the `Deferred` jobs of a writer, in writing order, the pages to
    render: a page written twice only in its last version, none of those
    Pelican skips."""
    written = [job for job in jobs if job.target != os.devnull]
    last = {job.target: index for index, job in enumerate(written)}
    return [job for index, job in enumerate(written) if last[job.target] == index]


class DeferringWriter:
    """Writer mixin: Pelican 4.12's ``Writer.write_file``, with each page
    claimed now and rendered by `render_deferred`.  ``make serve``'s writer
    adds signatures through the two ``_signature`` methods."""

    def _call_signature(self, template, context, name, kwargs, paginated):
        return None

    def _page_signature(self, call_signature, save_as, page_num, pages):
        return None

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if not name:
            return
        for key in ("article", "page"):
            content = kwargs.get(key)
            if isinstance(content, Content) and has_attachments(content):
                content.get_content(content.get_siteurl())

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
        paginating = paginated and template_name in self.settings["PAGINATED_TEMPLATES"]
        call = self._call_signature(template, context, name, kwargs, paginated if paginating else {})
        if paginating:
            per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
            paginators = {key: Paginator(name, url, value, self.settings, per_page) for key, value in paginated.items()}
            for page_num in range(next(iter(paginators.values())).num_pages):
                paginated_kwargs = kwargs.copy()
                pages = {}
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
                    pages[key] = (paginator, page)
                self._emit(template, lambda save_as=page.save_as, extra=paginated_kwargs: localcontext_for(save_as, extra),
                           context, page.save_as, override_output,
                           self._page_signature(call, page.save_as, page_num, pages))
        else:
            self._emit(template, lambda: localcontext_for(name, kwargs), context, name, override_output,
                       self._page_signature(call, name, None, None))

    def _emit(self, template, make_localcontext, context, name, override, signature, path=None):
        """`path`: the page's file (`sanitised_join` of the output folder and
        `name`), when the caller has it already."""
        path = path or sanitised_join(self.output_path, name)
        if not self.deferring:  # a page written after RenderPages (on finalized)
            localcontext = make_localcontext()
            render_page(template, localcontext, context, path, lambda: self._open_w(path, "utf-8", override=override))
            signals.content_written.send(path, context=localcontext)
            self._rendered([Deferred(template, make_localcontext, context, path, path, signature)])
            return
        # Claimed now, in writing order, by Pelican's rule for a page written
        # twice; the file keeps its last version until it renders.
        target = self._claim(path, override)
        self.deferred.append(Deferred(template, make_localcontext, context, path, target, signature))

    def _claim(self, path, override):
        """Pelican 4.12's `Writer._open_w` without opening the file: where a
        page goes (os.devnull for one that an earlier override keeps), or
        FileOverwriteFailedError for a page written twice without override."""
        if path in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{path}" a second time (was previously overwritten)')
            return os.devnull
        if path in self._written_files and not override:
            raise FileOverwriteFailedError(f'Failed to overwrite "{path}" as Pelican has already written to it '
                                           "previously (set `override=True` if intended)")
        if override:
            self._overridden_files.add(path)
        self._written_files.add(path)
        return path

    def render_deferred(self):
        """Render the pages claimed so far (`pages_to_render`).  Later pages
        render at once."""
        jobs, self.deferred, self.deferring = self.deferred, [], False
        render_on_every_core(pages_to_render(jobs), self.settings.get("RENDER_PROCESSES"))
        self._rendered(jobs)

    def _rendered(self, jobs):
        """Called with the jobs just rendered (make serve records signatures)."""


_WRITER_CLASSES = {}


def deferring_writer_class(base):
    """`DeferringWriter` over the writer class `base` (Pelican's, or the one a
    ``get_writer`` plugin returned), one class per base."""
    if issubclass(base, DeferringWriter):
        return base
    if base not in _WRITER_CLASSES:
        _WRITER_CLASSES[base] = type(f"Deferring{base.__name__}", (DeferringWriter, base), {})
    return _WRITER_CLASSES[base]


class RenderPages:
    """A generator after the others that write pages and before the static
    files: it renders the edition's pages (`DeferringWriter.render_deferred`)."""

    def __init__(self, *args, context, settings, path, theme, output_path, **kwargs):
        # What every Pelican generator has (plugins read a generator's settings).
        self.context, self.settings, self.path, self.theme, self.output_path = context, settings, path, theme, output_path

    def generate_output(self, writer):
        if isinstance(writer, DeferringWriter):
            writer.render_deferred()


class ParallelPages:
    """Pelican mixin: each run's writer defers its pages (`DeferringWriter`),
    `RenderPages` renders them before the static files (Pelican runs its
    StaticGenerator last)."""

    def _get_generator_classes(self):
        *others, static = super()._get_generator_classes()
        return [*others, RenderPages, static]

    def _get_writer(self):
        writer = super()._get_writer()
        writer.__class__ = deferring_writer_class(type(writer))
        writer.deferred, writer.deferring = [], True
        return writer


class ParallelPelican(ParallelPages, LinearPelican):
    """The site's Pelican class: story lists in linear time (`linear_lists`),
    pages rendered on every core."""
