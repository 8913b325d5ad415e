"""Pelican's story lists made in linear time (plugins/linear_lists.py) are the
lists Pelican makes: the same pages, byte for byte, and the same results for
the cases a newsroom's files can produce (translations missing, doubled or
marked, a tag given twice)."""

import copy
import filecmp
import logging
from datetime import datetime
from pathlib import Path

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import process_translations as pelican_process_translations

from linear_lists import InOrder, LinearPelican, process_translations
from sitebuild import ROOT, built, write_scale_content

STOCK_CLASS = 'PELICAN_CLASS="pelican.Pelican"'


def differences(left, right):
    """Relative paths that differ between two folders, or exist in one only."""
    found = []

    def walk(comparison, prefix):
        found.extend(prefix / name for name in comparison.left_only + comparison.right_only + comparison.diff_files)
        found.extend(prefix / name for name in comparison.funny_files)
        for name, sub in comparison.subdirs.items():
            walk(sub, prefix / name)

    walk(filecmp.dircmp(left, right, ignore=[]), Path())
    return found


def identical_files(left, right):
    """dircmp compares by size and time stamp; compare bytes as well."""
    mismatched = []
    for path in Path(left).rglob("*"):
        if path.is_file():
            other = Path(right) / path.relative_to(left)
            if not other.is_file() or path.read_bytes() != other.read_bytes():
                mismatched.append(path.relative_to(left))
    return mismatched


@pytest.fixture(scope="module")
def scale_builds(tmp_path_factory):
    """The generated 300-story newsroom (tags shared by many stories, Urdu
    translations, three years of archives), built with Pelican's own class
    and with ours (pelicanconf.py's PELICAN_CLASS)."""
    folder = tmp_path_factory.mktemp("linear-lists")
    content = write_scale_content(folder / "content")
    ours = built(folder / "ours", content=content)
    stock = built(folder / "stock", content=content, extra_settings=[STOCK_CLASS])
    return ours, stock


def test_the_site_is_built_with_linear_lists():
    from pelican.settings import read_settings
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        settings = read_settings("pelicanconf.py")
    finally:
        os.chdir(cwd)
    assert settings["PELICAN_CLASS"] == "linear_lists.LinearPelican"


def test_every_page_of_a_scale_newsroom_is_the_one_pelicans_own_lists_make(scale_builds):
    ours, stock = scale_builds
    assert not differences(ours, stock)
    assert not identical_files(ours, stock)
    pages = list(Path(ours).rglob("*.html"))
    tag_pages = [page for page in pages if "/tag/" in page.as_posix()]
    assert len(pages) > 900 and len(tag_pages) > 20  # the comparison covered the lists' pages


def test_every_page_of_the_fixture_newsroom_is_the_one_pelicans_own_lists_make(site, tmp_path, newsroom):
    stock = built(tmp_path / "stock", content=newsroom, extra_settings=[STOCK_CLASS])
    assert not differences(site.root, stock)
    assert not identical_files(site.root, stock)
    assert any("/author/" in page.as_posix() for page in Path(stock).rglob("*.html"))


def article(slug, lang, number, **metadata):
    settings = copy.deepcopy(DEFAULT_CONFIG)
    return Article(f"<p>{slug} {lang} {number}</p>", settings=settings, source_path=f"{slug}-{lang}-{number}.md",
                   metadata={"title": f"{slug} {lang} {number}", "slug": slug, "lang": lang,
                             "date": datetime(2024, 1, 1 + number), **metadata})


def newsroom_cases():
    """Stories as an editor's files can make them: a story and its
    translation, a story alone, two stories with one slug, a translation
    without its original, an original marked as a translation."""
    return [
        article("river", "en", 1), article("river", "ur", 2),
        article("alone", "en", 3),
        article("twice", "en", 4), article("twice", "en", 5), article("twice", "ur", 6),
        article("orphan", "ur", 7),
        article("marked", "en", 8, translation="true"), article("marked", "ur", 9),
        article("all-marked", "en", 10, translation="true"), article("all-marked", "ur", 11, translation="true"),
    ]


def test_translations_are_paired_as_pelican_pairs_them(caplog, monkeypatch):
    from pelican.log import LimitFilter

    stories = newsroom_cases()
    shuffled = stories[5:] + stories[:5]
    monkeypatch.setattr(LimitFilter, "_raised_messages", set())
    with caplog.at_level(logging.WARNING):
        expected = pelican_process_translations(list(shuffled), translation_id="slug")
    expected_pairs = {id(story): [id(other) for other in story.translations] for story in stories}
    expected_warnings = [record.getMessage() for record in caplog.records]
    for story in stories:
        story.translations = []
    caplog.clear()
    monkeypatch.setattr(LimitFilter, "_raised_messages", set())  # Pelican logs a message once per process
    with caplog.at_level(logging.WARNING):
        found = process_translations(list(shuffled), translation_id="slug")
    assert [[id(story) for story in part] for part in found] == [[id(story) for story in part] for part in expected]
    assert {id(story): [id(other) for other in story.translations] for story in stories} == expected_pairs
    assert [record.getMessage() for record in caplog.records] == expected_warnings
    assert len(expected_warnings) >= 3  # the doubled, the marked and the all-marked slugs were warned about


def test_translations_without_an_id_or_with_a_missing_one_behave_as_pelicans():
    stories = newsroom_cases()
    assert process_translations(stories, translation_id=None) == (stories, [])
    with pytest.raises(AttributeError, match="there appear to be items without these metadata"):
        process_translations(stories, translation_id="no_such_field")


def test_a_list_in_the_order_of_another_keeps_that_order_and_each_story_once():
    stories = newsroom_cases()
    by_date = InOrder(stories)
    assert by_date.by_identity
    tag = [stories[7], stories[2], stories[7], stories[0]]  # a tag given twice, out of order
    assert by_date.members(tag) == [story for story in stories if story in tag]
    assert by_date.members([]) == []
    assert by_date.members([article("elsewhere", "en", 12)]) == []


def test_items_that_compare_by_value_are_found_by_value():
    class Label(str):
        pass

    labels = [Label("b"), Label("a"), Label("b")]
    in_order = InOrder(labels)
    assert not in_order.by_identity
    assert in_order.members([Label("b")]) == [labels[0], labels[2]]


def test_linear_pelican_builds_with_the_linear_generator():
    from pelican.generators import ArticlesGenerator

    from linear_lists import LinearArticlesGenerator

    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings.update(PATH=str(ROOT / "content"), OUTPUT_PATH=str(ROOT / "output"), PLUGINS=[])
    pelican = LinearPelican.__new__(LinearPelican)
    pelican.settings = settings
    classes = pelican._get_generator_classes()
    assert LinearArticlesGenerator in classes and ArticlesGenerator not in classes
