"""The Urdu edition builds its stories from the main edition's reads
(plugins/shared_read.py): the same site, byte for byte, without opening and
parsing every file twice; a file saved during the build is read again."""

import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import blinker
import pytest
from pelican.contents import Article
from pelican.readers import Readers

import file_stamps
import shared_read
from bench_corpus import write_corpus
from incremental import Session
from sitebuild import REFERENCE_EPOCH, ROOT, built, differences, project_settings, write_scale_content

URDU_STORY = """Title: آزمائشی خبر
Date: 2024-03-05 10:30
Category: دنیا
Tags: آزمائشی موسم, Fixture harbour
Authors: آزمائشی رپورٹر
Slug: fixture-ferry
Lang: ur
Translated_From: en

**کراچی:** آزمائشی فیری منگل کو دوبارہ روانہ ہوئی۔
"""


def plugins_without_shared_reads():
    plugins = [name for name in project_settings()["PLUGINS"] if name != "shared_read"]
    assert len(plugins) == len(project_settings()["PLUGINS"]) - 1  # the site uses the plugin
    return f"PLUGINS={json.dumps(plugins)}"


def test_a_scale_newsroom_built_from_shared_reads_is_the_site_read_twice(tmp_path):
    content = write_scale_content(tmp_path / "content")
    shared = built(tmp_path / "shared", content=content, settings="publishconf.py")
    twice = built(tmp_path / "twice", content=content, settings="publishconf.py",
                  extra_settings=[plugins_without_shared_reads()])
    assert not differences(shared, twice)
    assert len(list(Path(shared).glob("ur/20*/**/index.html"))) > 50  # the comparison covered Urdu stories


def test_the_fixture_newsroom_built_from_shared_reads_is_the_site_read_twice(site, tmp_path, newsroom):
    twice = built(tmp_path / "twice", content=newsroom, extra_settings=[plugins_without_shared_reads()])
    assert not differences(site.root, twice)


class CountingReaders:
    """An edition's readers, as the build makes them, counting the files its
    Markdown reader opens."""

    def __init__(self, settings, share=True):
        self.readers = Readers(settings)
        self.opened = []
        markdown = self.readers.readers["md"]
        read = markdown.read
        markdown.read = lambda path: (self.opened.append(path), read(path))[1]
        if share:
            shared_read.share_reads(self.readers)

    def read(self, content, name="story.md", **signals_and_senders):
        return self.readers.read_file(base_path=str(content), path=name, content_class=Article, context={},
                                      **signals_and_senders)


@pytest.fixture
def editions(tmp_path, quiet_plugins):
    content = tmp_path / "content"
    content.mkdir()
    (content / "story.md").write_text(URDU_STORY, encoding="utf-8")
    main = {**project_settings(), "PATH": str(content)}
    urdu = {**main, **main["I18N_SUBSITES"]["ur"], "DEFAULT_LANG": "ur"}
    yield content, main, urdu
    shared_read._RECORDS.clear()


def test_the_urdu_edition_opens_no_file_the_main_edition_read(editions):
    content, main, urdu = editions
    main_readers, urdu_readers = CountingReaders(main), CountingReaders(urdu)
    in_main = main_readers.read(content)
    in_urdu = urdu_readers.read(content)
    assert len(main_readers.opened) == 1 and urdu_readers.opened == []

    read_by_itself = CountingReaders(urdu, share=False).read(content)
    for story in (in_urdu, read_by_itself):
        assert story.settings is urdu and story.in_default_lang
        assert story.category.slug == "world"  # the Urdu section name maps to its English slug here only
    assert in_main.category.slug != "world" and not in_main.in_default_lang
    for attribute in ("title", "content", "summary", "slug", "date", "lang", "locale_date", "url", "save_as"):
        assert getattr(in_urdu, attribute) == getattr(read_by_itself, attribute), attribute
    for attribute in ("tags", "authors"):
        assert [(item.name, item.slug) for item in getattr(in_urdu, attribute)] == \
            [(item.name, item.slug) for item in getattr(read_by_itself, attribute)], attribute
        assert all(item.settings is urdu for item in getattr(in_urdu, attribute))


def test_a_file_saved_after_the_main_edition_read_it_is_read_again(editions):
    content, main, urdu = editions
    main_readers, urdu_readers = CountingReaders(main), CountingReaders(urdu)
    main_readers.read(content)
    (content / "story.md").write_text(URDU_STORY.replace("دوبارہ روانہ", "پھر روانہ"), encoding="utf-8")
    in_urdu = urdu_readers.read(content)
    assert len(urdu_readers.opened) == 1
    assert "پھر روانہ" in in_urdu.content


def test_a_same_size_save_that_keeps_the_modification_time_is_read_again(editions):
    content, main, urdu = editions
    story = content / "story.md"
    main_readers, urdu_readers = CountingReaders(main), CountingReaders(urdu)
    main_readers.read(content)
    before = story.stat()
    story.write_text(URDU_STORY.replace("کراچی", "ڈھاکا"), encoding="utf-8")  # as many bytes
    os.utime(story, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert story.stat().st_size == before.st_size
    assert "ڈھاکا" in urdu_readers.read(content).content
    assert len(urdu_readers.opened) == 1


def test_a_save_in_the_same_clock_tick_is_read_again(editions, monkeypatch):
    """A file system whose clock ticks in seconds (FAT, HFS+) can give a file
    saved twice within one tick the same status: the bytes tell."""
    content, main, urdu = editions
    story = content / "story.md"
    status = os.stat(story)
    monkeypatch.setattr(file_stamps, "os", SimpleNamespace(stat=lambda path: status))
    main_readers, urdu_readers = CountingReaders(main), CountingReaders(urdu)
    main_readers.read(content)
    story.write_text(URDU_STORY.replace("کراچی", "ڈھاکا"), encoding="utf-8")
    assert "ڈھاکا" in urdu_readers.read(content).content
    assert len(urdu_readers.opened) == 1


def test_a_file_read_while_recent_and_unchanged_since_is_shared(editions, monkeypatch):
    content, main, urdu = editions
    main_readers, urdu_readers = CountingReaders(main), CountingReaders(urdu)
    main_readers.read(content)  # the file was written a moment ago: its stamp has a digest
    monkeypatch.setattr(file_stamps, "RACY_NS", -1)  # the Urdu edition reads when it is no longer recent
    urdu_readers.read(content)
    assert urdu_readers.opened == []


@pytest.mark.parametrize("own_setting", [{"TYPOGRIFY": False}, {"CATEGORY_SAVE_AS": ""}])
def test_an_edition_whose_reader_settings_differ_reads_every_file_itself(editions, own_setting):
    content, main, urdu = editions
    main_readers = CountingReaders(main)
    urdu_readers = CountingReaders({**urdu, **own_setting})
    main_readers.read(content)
    in_urdu = urdu_readers.read(content)
    assert len(urdu_readers.opened) == 1
    assert in_urdu.content == CountingReaders({**urdu, **own_setting}, share=False).read(content).content


def test_each_edition_sends_the_read_signals_once_per_file_with_the_metadata_as_read(editions):
    content, main, urdu = editions
    sent = []
    preread, context_signal = blinker.NamedSignal("preread"), blinker.NamedSignal("context")
    preread.connect(lambda sender: sent.append(("preread", sender)), weak=False)

    def mark_title(sender, metadata):
        sent.append(("context", sender, metadata["title"]))
        metadata["title"] += " (checked)"  # what a handler may do: each edition's read gets it once

    context_signal.connect(mark_title, weak=False)
    stories = [CountingReaders(settings).read(content, preread_signal=preread, preread_sender=edition,
                                              context_signal=context_signal, context_sender=edition)
               for edition, settings in (("en", main), ("ur", urdu))]
    title = "آزمائشی&nbsp;خبر"  # typogrify keeps the last two words together
    assert sent == [("preread", "en"), ("context", "en", title),
                    ("preread", "ur"), ("context", "ur", title)]
    assert [story.title for story in stories] == [f"{title} (checked)"] * 2


def test_make_serve_builds_the_urdu_edition_from_the_main_editions_reads(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    content = tmp_path / "content"
    files = len(write_corpus(content, 12, seed=3))
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    session = Session(tmp_path / "served", content, theme=theme)
    before = dict(shared_read.STATS)
    assert session.build(catalogs=True) > 0  # pages rendered
    assert shared_read.STATS["reused"] - before["reused"] == files  # the Urdu edition opened none of them
    assert shared_read.STATS["read_again"] == before["read_again"]

    urdu = next(p for p in sorted(content.rglob("*.ur.md")))
    urdu.write_text(urdu.read_text(encoding="utf-8").replace("۔", " زنجباریم۔", 1), encoding="utf-8")
    reused = shared_read.STATS["reused"]
    assert session.quick_update([urdu])
    assert shared_read.STATS["reused"] == reused + 1
    pages = [page for page in (session.output / "ur").rglob("index.html") if "زنجباریم" in page.read_text("utf-8")]
    assert pages
    session.stop_search_index()


def test_the_reads_are_forgotten_when_the_build_ends(editions):
    content, main, urdu = editions
    CountingReaders(main).read(content)
    shared_read.forget_reads(type("Build", (), {"settings": main}))
    urdu_readers = CountingReaders(urdu)
    urdu_readers.read(content)
    assert len(urdu_readers.opened) == 1
