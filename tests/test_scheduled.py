"""Scheduled stories: dated after the build, they wait, and one line says until when."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from newsroom import SCHEDULED, authors, author_slug, date_of, paper_day, path_of, published_stories, url_of
from sitebuild import Site

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LINE = ("scheduled: content/articles/2024/fixture-scheduled.md appears at 2024-04-22T09:00:00+05:00 (Asia/Karachi), "
        "with its translation content/articles/2024/fixture-scheduled.ur.md")
LATER = date_of(SCHEDULED) + timedelta(hours=3)


@pytest.fixture(scope="module")
def later(tmp_path_factory, newsroom):
    """The preview build of the same newsroom three hours after the scheduled story's date."""
    return Site.build(tmp_path_factory.mktemp("later") / "output", content=newsroom,
                      env={"SOURCE_DATE_EPOCH": str(int(LATER.timestamp()))})


def files_naming(site, text):
    """Every built file (pages, feeds, sitemap, search index) whose bytes contain `text`."""
    found = []
    for path in site.root.rglob("*"):
        if path.is_file() and path.suffix not in (".br", ".gz") and text.encode() in path.read_bytes():
            found.append(path.relative_to(site.root).as_posix())
    return sorted(found)


def test_the_fixture_story_is_after_the_build_and_has_a_translation():
    assert SCHEDULED not in published_stories("en") and SCHEDULED not in published_stories("ur")
    assert "urdu" in SCHEDULED and set(SCHEDULED["tags"]) & {t for s in published_stories() for t in s["tags"]}


@pytest.mark.parametrize("build", ["site", "published"])
def test_a_scheduled_story_and_its_translation_are_nowhere_yet(request, build):
    site = request.getfixturevalue(build)
    for lang in ("en", "ur"):
        assert not site.path(path_of(SCHEDULED, lang)).exists()
    # Not linked from any page, listing, feed, sitemap or the search index.
    assert files_naming(site, SCHEDULED["slug"]) == []
    assert files_naming(site, SCHEDULED["title"]) == [] and files_naming(site, SCHEDULED["urdu"]["title"]) == []
    # A tag only it has has no page yet; a tag it shares lists the others only.
    assert not site.path("tag/fixture-embargo/index.html").exists()
    assert site.path("tag/fixture-markets/index.html").exists()


@pytest.mark.parametrize("build", ["site", "published"])
def test_the_build_prints_one_line_naming_it_and_when_it_appears(request, build):
    log = request.getfixturevalue(build).log
    assert [line for line in log.splitlines() if "fixture-scheduled" in line] == [LINE]
    assert log.count("scheduled:") == 1


def test_a_build_after_its_date_publishes_it_everywhere(later):
    assert later.html("index.html").select_one(".edition-date time")["datetime"] == LATER.date().isoformat()
    assert "scheduled:" not in later.log
    for lang in ("en", "ur"):
        page = later.html(path_of(SCHEDULED, lang))
        assert page.find("h1").get_text().replace("\xa0", " ") == (SCHEDULED["title"] if lang == "en"
                                                                    else SCHEDULED["urdu"]["title"])
        prefix = "ur/" if lang == "ur" else ""
        url = url_of(SCHEDULED, lang)
        home = later.html(f"{prefix}index.html")
        assert home.select_one(".lead-story h2 a")["href"] == url, "the newest story leads"
        feed = ET.parse(later.path(f"{prefix}feeds/all.atom.xml")).getroot()
        assert feed.find(f"{ATOM}entry/{ATOM}link").get("href") == url
        assert later.html(f"{prefix}author/{author_slug(SCHEDULED['authors'][0])}/index.html").find("a", href=url)
        assert later.html(f"{prefix}section/business/index.html").find("a", href=url)
        # Its day's paper is today's paper in a build of that day.
        paper = later.html(f"{prefix}paper/index.html")
        assert paper.find("a", href=url) and paper.select_one("h1 time")["datetime"] == paper_day(SCHEDULED, lang)
        assert paper.select_one(".page-heading-label").get_text() == ("Today's Paper" if lang == "en" else "آج کا اخبار")
    english = later.html(path_of(SCHEDULED))
    assert english.select_one("nav.language-switch a[hreflang=ur]")["href"] == url_of(SCHEDULED, "ur")
    assert [a.get_text() for a in english.select(".byline a")] == authors(SCHEDULED)
    assert later.path("tag/fixture-embargo/index.html").exists()
    locations = {url.findtext(f"{SITEMAP}loc") for url in ET.parse(later.path("sitemap.xml")).getroot()}
    assert {url_of(SCHEDULED), url_of(SCHEDULED, "ur")} <= locations


class Story:
    """A stand-in for a Pelican article: what held_back reads."""

    def __init__(self, **attributes):
        self.__dict__.update(attributes)


def test_held_back_keeps_a_translation_until_its_original_appears():
    from scheduled import held_back

    now = date_of(SCHEDULED) - timedelta(days=1)
    original = Story(lang="en", date=date_of(SCHEDULED), translations=[])
    early_translation = Story(lang="ur", translated_from="en", date=now - timedelta(days=2),
                                        translations=[original])
    later_translation = Story(lang="ur", translated_from="en", date=date_of(SCHEDULED) + timedelta(days=1),
                                        translations=[])
    published_original = Story(lang="en", date=now - timedelta(days=3), translations=[later_translation])
    later_translation.translations = [published_original]
    original.translations = [early_translation]
    held = held_back([original, early_translation, published_original, later_translation], now)
    assert held == {original: original.date, early_translation: original.date, later_translation: later_translation.date}

