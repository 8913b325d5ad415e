"""Pelican's story lists made in linear time (plugins/linear_lists.py) are the
lists Pelican makes: the same pages, byte for byte, and the same results for
the cases a newsroom's files can produce (translations missing, doubled or
marked, a tag given twice)."""

import copy
import importlib
import logging
from datetime import datetime
from pathlib import Path

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import process_translations as pelican_process_translations

from linear_lists import InOrder, LinearPelican, process_translations
from sitebuild import built, differences, project_settings, write_scale_content

STOCK_CLASS = 'PELICAN_CLASS="pelican.Pelican"'


# The stories made in this process see no plugin (conftest.quiet_plugins).
pytestmark = pytest.mark.usefixtures("quiet_plugins")


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
    module, name = project_settings()["PELICAN_CLASS"].rsplit(".", 1)
    assert issubclass(getattr(importlib.import_module(module), name), LinearPelican)


def test_every_page_of_a_scale_newsroom_is_the_one_pelicans_own_lists_make(scale_builds):
    ours, stock = scale_builds
    assert not differences(ours, stock)
    pages = list(Path(ours).rglob("*.html"))
    tag_pages = [page for page in pages if "/tag/" in page.as_posix()]
    assert len(pages) > 900 and len(tag_pages) > 20  # the comparison covered the lists' pages


def test_every_page_of_the_fixture_newsroom_is_the_one_pelicans_own_lists_make(site, tmp_path, newsroom):
    stock = built(tmp_path / "stock", content=newsroom, extra_settings=[STOCK_CLASS])
    assert not differences(site.root, stock)
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


class Warnings(logging.Handler):
    """The warnings Pelican's `process_translations` logs, caught on its own
    logger (the session's in-process builds give Pelican's loggers handlers
    of their own, which pytest's caplog would not see)."""

    def __init__(self, monkeypatch):
        super().__init__(logging.WARNING)
        self.messages = []
        self.logger = logging.getLogger("pelican.utils")
        monkeypatch.setattr(self.logger, "level", logging.WARNING)
        monkeypatch.setattr(self.logger, "disabled", False)
        self.monkeypatch = monkeypatch

    def emit(self, record):
        self.messages.append(record.getMessage())

    def __enter__(self):
        from pelican.log import LimitFilter

        self.monkeypatch.setattr(LimitFilter, "_raised_messages", set())  # Pelican logs a message once per process
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)


def test_translations_are_paired_as_pelican_pairs_them(monkeypatch):
    stories = newsroom_cases()
    shuffled = stories[5:] + stories[:5]
    sorted_by_pelican = list(shuffled)
    with Warnings(monkeypatch) as expected_warnings:
        expected = pelican_process_translations(sorted_by_pelican, translation_id="slug")
    expected_pairs = {id(story): [id(other) for other in story.translations] for story in stories}
    for story in stories:
        story.translations = []
    sorted_here = list(shuffled)
    with Warnings(monkeypatch) as warnings:
        found = process_translations(sorted_here, translation_id="slug")
    assert [id(story) for story in sorted_here] == [id(story) for story in sorted_by_pelican]  # the caller's list
    assert [[id(story) for story in part] for part in found] == [[id(story) for story in part] for part in expected]
    assert {id(story): [id(other) for other in story.translations] for story in stories} == expected_pairs
    assert warnings.messages == expected_warnings.messages
    assert len(expected_warnings.messages) >= 3  # the doubled, the marked and the all-marked slugs were warned about


def test_translations_without_an_id_or_with_a_missing_one_behave_as_pelicans():
    stories = newsroom_cases()
    assert process_translations(stories, translation_id=None) == (stories, [])
    with pytest.raises(AttributeError, match="there appear to be items without these metadata"):
        process_translations(stories, translation_id="no_such_field")
    with pytest.raises(TypeError, match="Cannot unpack"):
        process_translations(stories, translation_id=5)


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


def test_linear_pelican_builds_with_the_linear_generator(monkeypatch):
    from pelican import Pelican
    from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator

    from linear_lists import LinearArticlesGenerator

    # Pelican's own list, without sending its get_generators signal (plugins
    # that earlier tests registered would take this test's settings as theirs).
    monkeypatch.setattr(Pelican, "_get_generator_classes",
                        lambda self: [ArticlesGenerator, PagesGenerator, StaticGenerator])
    classes = LinearPelican.__new__(LinearPelican)._get_generator_classes()
    assert classes == [LinearArticlesGenerator, PagesGenerator, StaticGenerator]


@pytest.fixture(scope="module")
def generator_content(tmp_path_factory):
    """Generated stories, plus stories that repeat a tag, an author and a
    slug, are marked as translations or are Urdu only."""
    from bench_corpus import write_corpus

    content = tmp_path_factory.mktemp("generator-content")
    write_corpus(content, 120, seed=7)
    extra = content / "repeats"
    extra.mkdir()
    for number in range(20):
        (extra / f"repeat-{number}.md").write_text(
            f"Title: Repeat {number}\nDate: 2023-0{1 + number % 9}-1{number % 10} 09:00\nCategory: Repeats\n"
            f"Tags: twice, twice, other{number % 3}\nAuthors: Ann, Ann, Bob\nSlug: repeat-{number % 7}\n"
            + ("Translation: true\n" if number % 5 == 0 else "") + ("Lang: ur\n" if number % 4 == 0 else "")
            + "\nA generated fixture story.\n", encoding="utf-8")
    return content


def generated_lists(generator_class, content, order, output):
    """Every list the generator makes, and the arguments of every tag,
    section, author and period page it writes, by source path."""
    import pelican.generators
    from pelican.settings import configure_settings

    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings.update(PATH=str(content), OUTPUT_PATH=str(output), CACHE_PATH=str(output / "cache"), PLUGINS=[],
                    ARTICLE_ORDER_BY=order, YEAR_ARCHIVE_SAVE_AS="{date:%Y}/index.html",
                    MONTH_ARCHIVE_SAVE_AS="{date:%Y}/{date:%m}/index.html",
                    DAY_ARCHIVE_SAVE_AS="{date:%Y}/{date:%m}/{date:%d}/index.html")
    settings = configure_settings(settings)
    context = {**settings, "generated_content": {}, "static_links": set(), "static_content": {}, "localsiteurl": ""}
    generator = generator_class(context=context, settings=settings, path=settings["PATH"], theme=settings["THEME"],
                                output_path=settings["OUTPUT_PATH"])
    generator.generate_context()
    assert pelican.generators.process_translations is pelican_process_translations  # put back

    def paths(stories):
        return [story.source_path for story in stories]

    written = []

    def write(name, *args, **kwargs):
        written.append((kwargs.get("template_name"), name, paths(kwargs["articles"]), paths(kwargs["dates"])))

    for generate in ("generate_period_archives", "generate_tags", "generate_categories", "generate_authors"):
        getattr(generator, generate)(write)
    made = {name: paths(getattr(generator, name)) for name in (
        "articles", "translations", "drafts", "drafts_translations", "hidden_articles", "hidden_translations")}
    made["paired"] = {story.source_path: paths(story.translations) for story in generator.articles + generator.translations}
    return written, made


@pytest.mark.parametrize("order", ["reversed-title", "basic", "reversed-date"])
def test_every_list_and_page_argument_is_pelicans_in_any_story_order(generator_content, tmp_path, order):
    from pelican.generators import ArticlesGenerator

    from linear_lists import LinearArticlesGenerator

    expected = generated_lists(ArticlesGenerator, generator_content, order, tmp_path / "stock")
    found = generated_lists(LinearArticlesGenerator, generator_content, order, tmp_path / "linear")
    assert found == expected
    written = expected[0]
    assert {template for template, *_ in written} >= {"tag", "category", "author", "period_archives"}
    if order == "reversed-title":  # listing order is not date order: the lists' own order is checked
        assert any(articles != dates for _, _, articles, dates in written)
