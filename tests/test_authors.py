"""Bylines and author pages, in both editions."""

import re
import xml.etree.ElementTree as ET

import pytest

from newsroom import (AYESHA, DRAFT, OMAR, SCHEDULED, SITEURL, STORIES, ZARA, author_slug, authors, path_of,
                      published_stories, url_of)

ATOM = "{http://www.w3.org/2005/Atom}"
BYLINED = [story for story in STORIES if story.get("authors")]


def text(element):
    return re.sub(r"\s+", " ", element.get_text().replace("\xa0", " ")).strip()


def stories_by(author, lang="en"):
    return [story for story in published_stories(lang) if author in story.get("authors", [])]


def prefix(lang):
    return "ur/" if lang == "ur" else ""


def test_the_fixture_has_single_double_and_no_bylines_in_both_editions():
    counts = {len(story.get("authors", [])) for story in published_stories("ur")}
    assert counts == {0, 1, 2}
    assert stories_by(AYESHA, "ur") and stories_by(OMAR, "ur")


@pytest.mark.parametrize("lang, written", [("en", "By Ayesha Fixture and Omar Sample"),
                                           ("ur", "تحریر: عائشہ فکسچر اور عمر سیمپل")])
def test_a_byline_names_the_authors_as_the_language_lists_them(site, lang, written):
    story = next(s for s in published_stories(lang) if len(s.get("authors", [])) == 2)
    byline = site.html(path_of(story, lang)).select_one("header .byline")
    assert text(byline) == written


def test_every_byline_links_each_author_to_their_page(site):
    for lang in ("en", "ur"):
        for story in published_stories(lang):
            page = site.html(path_of(story, lang))
            links = page.select(".byline a")
            assert [text(a) for a in links] == authors(story, lang), story["slug"]
            assert [a["href"] for a in links] == [f"/{prefix(lang)}author/{author_slug(a)}/" for a in story.get("authors", [])]
            assert all(a.get("rel") == ["author"] for a in links)
            for link in links:
                assert site.path(link["href"].lstrip("/") + "index.html").is_file()
            if not story.get("authors"):
                assert page.select_one(".byline") is None


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_an_author_page_lists_the_authors_published_stories_newest_first(site, lang):
    for author in (AYESHA, OMAR):
        page = site.html(f"{prefix(lang)}author/{author_slug(author)}/index.html")
        assert page.html["lang"] == lang
        heading = text(page.find("h1"))
        assert heading.endswith(author[0 if lang == "en" else 1])
        listed = [a["href"] for a in page.select(".story-card-headline a")]
        assert listed == [url_of(story, lang) for story in stories_by(author, lang)]
        assert url_of(SCHEDULED, lang) not in listed, "scheduled stories wait for their date here too"


def test_an_author_has_one_page_per_edition_and_the_switch_pairs_them(site):
    for author in (AYESHA, OMAR):
        english = site.html(f"author/{author_slug(author)}/index.html")
        urdu_url = f"/ur/author/{author_slug(author)}/"
        assert english.select_one("nav.language-switch a[hreflang=ur]")["href"] == urdu_url
        urdu = site.html(urdu_url.lstrip("/") + "index.html")
        assert urdu.select_one("nav.language-switch a[hreflang=en]")["href"] == f"/author/{author_slug(author)}/"


def test_an_author_of_drafts_only_has_no_page(site, published):
    for built in (site, published):
        assert not built.path(f"author/{author_slug(ZARA)}").exists()
        assert not built.path(f"ur/author/{author_slug(ZARA)}").exists()
    assert ZARA in DRAFT["authors"]


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_authors_index_lists_every_author_with_a_page(site, lang):
    index = site.html(f"{prefix(lang)}author/index.html")
    listed = {a["href"]: text(a) for a in index.select(".author-list a")}
    expected = {author for story in published_stories(lang) for author in story.get("authors", [])}
    assert listed == {f"/{prefix(lang)}author/{author_slug(a)}/": a[0 if lang == "en" else 1] for a in expected}
    footer = site.html(f"{prefix(lang)}index.html").select_one(".site-footer")
    assert footer.find("a", href=f"/{prefix(lang)}author/")


def test_each_author_has_a_feed_of_their_stories(published):
    for lang in ("en", "ur"):
        for author in (AYESHA, OMAR):
            feed_path = f"{prefix(lang)}feeds/author/{author_slug(author)}.atom.xml"
            feed = ET.parse(published.path(feed_path)).getroot()
            links = [entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")]
            assert links == [url_of(story, lang, site=SITEURL) for story in stories_by(author, lang)], feed_path
            page = published.html(f"{prefix(lang)}author/{author_slug(author)}/index.html")
            assert page.head.find("link", type="application/atom+xml", href=f"{SITEURL}/{feed_path}")


def test_story_cards_carry_the_byline_without_links(site):
    section = site.html("section/pakistan/index.html")
    for card in section.select(".story-card"):
        slug = card.find("a")["href"].rstrip("/").rsplit("/", 1)[1]
        story = next(s for s in STORIES if s["slug"] == slug)
        byline = card.select_one(".story-card-byline")
        assert (byline is not None) == bool(story.get("authors"))
        if byline is not None:
            assert byline.find("a") is None and all(name in text(byline) for name in authors(story))
