"""The Urdu edition builds its stories from the main edition's reads
(plugins/shared_read.py): the same site, byte for byte, without opening and
parsing every file twice; a file saved during the build is read again."""

import json
from pathlib import Path

import pytest
from pelican.readers import Readers

import shared_read
from sitebuild import built, differences, project_settings, write_scale_content

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


@pytest.fixture(autouse=True)
def quiet_plugins():
    """Readers made in this process see no plugin (the session's in-process
    builds leave ours connected to Pelican's signals)."""
    from contextlib import ExitStack

    import blinker
    from pelican.plugins import signals

    with ExitStack() as stack:
        for signal in vars(signals).values():
            if isinstance(signal, blinker.Signal):
                stack.enter_context(signal.muted())
        yield
    shared_read._RECORDS.clear()


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

    def read(self, content, name="story.md"):
        from pelican.contents import Article

        return self.readers.read_file(base_path=str(content), path=name, content_class=Article, context={})


@pytest.fixture
def editions(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "story.md").write_text(URDU_STORY, encoding="utf-8")
    main = {**project_settings(), "PATH": str(content)}
    urdu = {**main, **main["I18N_SUBSITES"]["ur"], "DEFAULT_LANG": "ur"}
    return content, main, urdu


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


def test_the_reads_are_forgotten_when_the_build_ends(editions):
    content, main, urdu = editions
    CountingReaders(main).read(content)
    shared_read.forget_reads(type("Build", (), {"settings": main}))
    urdu_readers = CountingReaders(urdu)
    urdu_readers.read(content)
    assert len(urdu_readers.opened) == 1
