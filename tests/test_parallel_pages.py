"""Pages rendered on every core (plugins/parallel_pages.py) are the pages
Pelican's own writer renders one after the other, byte for byte, in the
publish build as it ships; and the work really is shared among processes."""

import logging
import os
import tempfile
from pathlib import Path

import pytest
from pelican import signals

import parallel_pages
import processes
from parallel_pages import Deferred, ParallelPelican, render_on_every_core
from sitebuild import (SCALE_CHUNK_STORIES, built, differences, pelican_signals_muted, project_settings,
                       write_scale_content)

# Pelican's writer, rendering each page as it is asked for; the same story lists.
ONE_BY_ONE = 'PELICAN_CLASS="linear_lists.LinearPelican"'


def test_the_site_renders_its_pages_on_every_core():
    module, name = project_settings()["PELICAN_CLASS"].rsplit(".", 1)
    assert (module, name) == ("parallel_pages", "ParallelPelican")


def test_every_published_page_of_a_scale_newsroom_is_the_one_pelicans_writer_makes(tmp_path):
    """The publish build (minified, fingerprinted, search index, compressed
    copies) of the 300-story newsroom in two editions, its pages shared
    between two processes, one story with an ``{attach}`` file (moved beside
    the story's page when Pelican first renders the story)."""
    content = write_scale_content(tmp_path / "content")
    story = next(path for path in sorted((content / "articles").rglob("*.md")) if ".ur." not in path.name)
    (story.parent / "lorem-report.txt").write_text("Lorem ipsum report.\n", encoding="utf-8")
    header, body = story.read_text(encoding="utf-8").split("\n\n", 1)
    story.write_text(f"{header}\n\n[The report]({{attach}}lorem-report.txt)\n\n{body}", encoding="utf-8")
    chunks = f"PAGEFIND_CHUNK_STORIES={SCALE_CHUNK_STORIES}"

    ours = built(tmp_path / "ours", content=content, settings="publishconf.py",
                 extra_settings=[chunks, "RENDER_PROCESSES=2"])
    one_by_one = built(tmp_path / "one-by-one", content=content, settings="publishconf.py",
                       extra_settings=[chunks, ONE_BY_ONE])

    assert not differences(ours, one_by_one)
    pages = list(Path(ours).rglob("*.html"))
    assert len(pages) > 900 and any(page.relative_to(ours).parts[0] == "ur" for page in pages)
    attached = [path.parent for path in Path(ours).rglob("lorem-report.txt")]
    assert any((folder / "index.html").is_file() for folder in attached)  # beside the story's page


def test_a_story_claimed_for_its_page_moves_its_attached_file_in_this_process(tmp_path, written):
    """Pelican attaches a file to a story when it first renders the story's
    HTML, which a forked process would do out of this one's sight: the
    writer does it when the page is claimed (our site's plugins also read
    every story's HTML earlier; a site without them relies on this)."""
    import copy

    from pelican.contents import Article, Static
    from pelican.settings import DEFAULT_CONFIG
    from pelican.writers import Writer

    settings = {**copy.deepcopy(DEFAULT_CONFIG), "PATH": str(tmp_path), "OUTPUT_PATH": str(tmp_path / "output")}
    context = {"localsiteurl": "", "static_content": {}, "generated_content": {}, "static_links": set()}
    with pelican_signals_muted(keep=[signals.content_written]):
        report = Static("", settings=settings, context=context, source_path=str(tmp_path / "news" / "report.txt"),
                        metadata={"title": "report"})
        context["static_content"]["news/report.txt"] = report
        story = Article("<p><a href=\"{attach}report.txt\">The report</a></p>", settings=settings, context=context,
                        source_path=str(tmp_path / "news" / "story.md"),
                        metadata={"title": "Story", "slug": "story", "save_as": "2024/story/index.html"})
        writer = Writer(str(tmp_path / "output"), settings=settings)
        writer.__class__ = parallel_pages.deferring_writer_class(Writer)
        writer.deferred, writer.deferring = [], True

        writer.write_file(story.save_as, PidTemplate(), context, article=story)

        assert writer.deferred and not written  # claimed, not rendered
        assert report.save_as == "2024/story/report.txt"


class PidTemplate:
    """A template whose page says which process rendered it."""

    name = "pid.html"

    def render(self, localcontext):
        if localcontext.get("fail_in_child") and os.getpid() != localcontext["parent"]:
            raise OSError("disk full")
        if localcontext.get("warn"):
            logging.getLogger("parallel_pages_test").warning("page %s has a problem", localcontext["number"])
        return f"{localcontext['number']} {os.getpid()}"


def jobs_for(folder, count, **extra):
    context = {"localsiteurl": None}
    parent = os.getpid()
    jobs = []
    for number in range(count):
        path = str(folder / f"{number}.html")
        jobs.append(Deferred(PidTemplate(), lambda number=number: {"localsiteurl": None, "number": number,
                                                                   "parent": parent, **extra},
                             context, path, path, None))
    return jobs


@pytest.fixture
def written(monkeypatch):
    """The pages ``content_written`` announced, in this process (and to no
    receiver: plugins of the session's in-process builds are connected)."""
    announced = []
    monkeypatch.setattr(signals.content_written, "send", lambda path, context=None: announced.append(path))
    return announced


@pytest.mark.parametrize("mode", ["forked", "one process", "a forked process fails"])
def test_pages_are_shared_among_processes_where_forking_is_safe(tmp_path, monkeypatch, written, mode):
    forks = []
    real_fork = os.fork

    def counting_fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    monkeypatch.setattr(processes, "available_cpus", lambda: 2)
    if mode == "one process":
        monkeypatch.setattr(processes, "can_fork", lambda: False)
    jobs = jobs_for(tmp_path, 2 * parallel_pages.PARALLEL_MIN_PAGES,
                    fail_in_child=mode == "a forked process fails")

    render_on_every_core(jobs)

    pids = {}
    for job in jobs:
        number, pid = Path(job.path).read_text(encoding="utf-8").split()
        assert number == Path(job.path).stem
        pids.setdefault(int(pid), 0)
        pids[int(pid)] += 1
    assert len(forks) == (1 if mode != "one process" and processes.can_fork() else 0)
    if forks and mode == "forked":
        assert len(pids) == 2 and os.getpid() in pids and set(pids.values()) == {len(jobs) // 2}
    else:  # one process, or the failed share rendered again here
        assert pids == {os.getpid(): len(jobs)}
    assert sorted(written) == sorted(job.target for job in jobs)


class Kept(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_warnings_logged_in_a_forked_copy_are_logged_here(tmp_path, monkeypatch, written):
    """A build counts and prints its warnings in its own process (plugins/build_log.py)."""
    kept = Kept()
    logger = logging.getLogger("parallel_pages_test")
    monkeypatch.setattr(logger, "propagate", False)
    logger.addHandler(kept)
    monkeypatch.setattr(processes, "available_cpus", lambda: 2)
    jobs = jobs_for(tmp_path, 2 * parallel_pages.PARALLEL_MIN_PAGES, warn=True)
    try:
        render_on_every_core(jobs)
    finally:
        logger.removeHandler(kept)

    assert sorted(kept.messages) == sorted(f"page {number} has a problem" for number in range(len(jobs)))
    pids = {Path(job.path).read_text(encoding="utf-8").split()[1] for job in jobs}
    assert len(pids) == (2 if processes.can_fork() else 1)


def test_a_fork_that_fails_leaves_its_share_to_this_process(tmp_path, monkeypatch, written):
    def no_memory():
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", no_memory)
    monkeypatch.setattr(processes, "available_cpus", lambda: 4)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temporary"))
    (tmp_path / "temporary").mkdir()
    jobs = jobs_for(tmp_path / "pages", 4 * parallel_pages.PARALLEL_MIN_PAGES)

    render_on_every_core(jobs)

    assert {Path(job.path).read_text(encoding="utf-8").split()[1] for job in jobs} == {str(os.getpid())}
    assert sorted(written) == sorted(job.target for job in jobs)
    assert not list((tmp_path / "temporary").iterdir())


def test_a_small_build_or_one_process_setting_renders_here(tmp_path, monkeypatch, written):
    monkeypatch.setattr(processes, "available_cpus", lambda: 2)
    few = jobs_for(tmp_path / "few", parallel_pages.PARALLEL_MIN_PAGES - 1)
    many = jobs_for(tmp_path / "many", 2 * parallel_pages.PARALLEL_MIN_PAGES)

    render_on_every_core(few)
    render_on_every_core(many, process_count=1)

    for job in few + many:
        assert Path(job.path).read_text(encoding="utf-8").split()[1] == str(os.getpid())


def test_a_page_written_after_the_pages_were_rendered_is_rendered_at_once(tmp_path, written):
    from pelican.writers import Writer

    writer = Writer(str(tmp_path), settings={"PAGINATED_TEMPLATES": {}, "DEFAULT_PAGINATION": False,
                                             "RENDER_PROCESSES": 1})
    writer.__class__ = parallel_pages.deferring_writer_class(Writer)
    writer.deferred, writer.deferring = [], True

    writer.write_file("early.html", PidTemplate(), {"localsiteurl": None}, number=1)
    assert not (tmp_path / "early.html").exists()  # claimed, not yet rendered
    writer.write_file("early.html", PidTemplate(), {"localsiteurl": None}, number=2, override_output=True)
    writer.render_deferred()
    writer.write_file("late.html", PidTemplate(), {"localsiteurl": None}, number=3)

    assert (tmp_path / "early.html").read_text(encoding="utf-8").split()[0] == "2"  # the last version
    assert (tmp_path / "late.html").read_text(encoding="utf-8").split()[0] == "3"
    assert written == [str(tmp_path / "early.html"), str(tmp_path / "late.html")]


def test_the_pelican_class_renders_pages_before_the_static_files(monkeypatch):
    from pelican import Pelican
    from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator

    # Pelican's own list, without sending its get_generators signal (plugins
    # that earlier tests registered would take this test's settings as theirs).
    monkeypatch.setattr(Pelican, "_get_generator_classes",
                        lambda self: [ArticlesGenerator, PagesGenerator, StaticGenerator])
    classes = ParallelPelican.__new__(ParallelPelican)._get_generator_classes()
    assert classes[-3:] == [PagesGenerator, parallel_pages.RenderPages, StaticGenerator]
