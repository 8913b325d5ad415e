"""Corrections: the note above the story, with its date, and the story's last change."""

import json
import xml.etree.ElementTree as ET

import pytest

from newsroom import CORRECTED, SITEURL, last_change, moment, path_of, published_stories, url_of

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_fixture_correction_is_later_than_its_modified():
    assert moment(CORRECTED["correction_date"]) > moment(CORRECTED["modified"])


@pytest.mark.parametrize("lang, label, shown_date", [("en", "Correction", "12 April 2024"),
                                                     ("ur", "تصحیح", "12 اپریل، 2024")])
def test_the_note_stands_between_the_header_and_the_body(site, lang, label, shown_date):
    page = site.html(path_of(CORRECTED, lang))
    note = page.select_one("article .correction")
    assert note.find("strong").get_text() == label
    time = note.find("time")
    assert time.get_text() == shown_date
    assert time["datetime"] == moment(CORRECTED["correction_date"]).isoformat()
    expected = CORRECTED["correction"] if lang == "en" else CORRECTED["urdu"]["correction"]
    assert note.get_text(" ", strip=True).endswith(expected)
    order = [element for element in page.select("article .story-header, article .correction, article .story-body")]
    assert [element["class"][0] for element in order] == ["story-header", "correction", "story-body"]


def test_stories_without_a_correction_have_no_note(site):
    others = [story for story in published_stories() if "correction" not in story]
    assert others
    for story in others:
        assert site.html(path_of(story)).select_one(".correction") is None


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_correction_is_the_last_change_for_search_engines_and_feeds(published, lang):
    page = published.html(path_of(CORRECTED, lang))
    [data] = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    corrected = moment(CORRECTED["correction_date"]).isoformat()
    assert data["dateModified"] == corrected == last_change(CORRECTED, lang).isoformat()
    assert data["correction"] == {"@type": "CorrectionComment", "datePublished": corrected,
                                  "text": CORRECTED["correction"] if lang == "en" else CORRECTED["urdu"]["correction"]}
    assert page.find("meta", property="article:modified_time")["content"] == corrected
    sitemap = ET.parse(published.path("sitemap.xml")).getroot()
    entry = next(url for url in sitemap if url.findtext(f"{SITEMAP}loc") == url_of(CORRECTED, lang, site=SITEURL))
    assert entry.findtext(f"{SITEMAP}lastmod") == corrected
    feed = ET.parse(published.path(f"{'ur/' if lang == 'ur' else ''}feeds/all.atom.xml")).getroot()
    entry = next(e for e in feed.findall(f"{ATOM}entry")
                 if e.find(f"{ATOM}link").get("href") == url_of(CORRECTED, lang, site=SITEURL))
    assert entry.findtext(f"{ATOM}updated") == corrected
