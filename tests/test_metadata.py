"""What search engines and link previews read, parsed from the built pages."""

import json
import re
from datetime import datetime

import pytest

import pelicanconf
from newsroom import LONE, STORIES, last_change, moment, path_of, published_stories, url_of
from sitebuild import ARTICLE_PATH

SITEURL = "https://lantern-gazette.example"
SITENAMES = {"en": pelicanconf.SITENAME, "ur": pelicanconf.I18N_SUBSITES["ur"]["SITENAME"]}
REQUIRED_NEWS_FIELDS = {"@context", "@type", "headline", "description", "inLanguage", "articleSection",
                        "datePublished", "dateModified", "mainEntityOfPage", "publisher", "url"}


def text(element):
    return re.sub(r"\s+", " ", element.get_text().replace("\xa0", " ")).strip()


def json_ld(page):
    return [json.loads(script.string) for script in page.find_all("script", type="application/ld+json")]


def meta(page, key):
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def article_pages(site):
    return [p for p in site.pages() if re.match(r"(ur/)?\d{4}/\d{2}/\d{2}/[^/]+/index\.html$", p)]


def local_path(site, url):
    """The output file an absolute URL of the publish build points at."""
    assert url.startswith(SITEURL + "/"), url
    return site.path(url[len(SITEURL) + 1:] + "index.html")


@pytest.fixture(scope="module")
def built_site(published):
    return published


def test_every_json_ld_block_is_valid_json(built_site):
    blocks = 0
    for relative in built_site.pages():
        for script in built_site.html(relative).find_all("script", type="application/ld+json"):
            json.loads(script.string)
            blocks += 1
    assert blocks >= len(article_pages(built_site)) + 2


def test_news_article_json_ld_on_every_article_page(built_site):
    pages = article_pages(built_site)
    assert pages
    for relative in pages:
        page = built_site.html(relative)
        lang = page.html["lang"]
        [data] = [block for block in json_ld(page) if block["@type"] == "NewsArticle"]
        assert REQUIRED_NEWS_FIELDS <= data.keys(), relative
        assert data["@context"] == "https://schema.org"
        assert data["inLanguage"] == lang
        assert data["headline"] == text(page.find("h1")), "headline is the visible headline as plain text"
        assert "\xa0" not in data["headline"] and "<span" not in data["headline"]
        assert data["articleSection"] == text(page.select_one(".story-meta .story-section"))
        assert data["description"] == meta(page, "description")
        published = datetime.fromisoformat(data["datePublished"])
        modified = datetime.fromisoformat(data["dateModified"])
        assert published.isoformat() == data["datePublished"] and modified.isoformat() == data["dateModified"]
        assert published.tzinfo is not None and modified >= published
        assert published.date().isoformat() == page.select_one("time.published")["datetime"]
        assert data["publisher"] == {"@type": "Organization", "name": SITENAMES[lang],
                                     "url": f"{SITEURL}/{'ur/' if lang == 'ur' else ''}"}
        bylined = page.select(".byline a[rel=author]")
        if bylined:
            assert data["author"] == [{"@type": "Person", "name": text(a), "url": a["href"]} for a in bylined]
            assert [a["href"] for a in bylined] == [tag["content"] for tag in page.find_all("meta", property="article:author")]
        else:
            assert data["author"] == data["publisher"], "a story without a byline is the paper's"
        assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": data["url"]}


def test_canonical_og_url_and_json_ld_agree_and_lead_to_the_page(built_site):
    for relative in article_pages(built_site):
        page = built_site.html(relative)
        canonical = page.find("link", rel="canonical")["href"]
        [data] = json_ld(page)
        assert canonical == meta(page, "og:url") == data["url"] == data["mainEntityOfPage"]["@id"]
        assert local_path(built_site, canonical) == built_site.path(relative)


def test_opengraph_and_twitter_tags(built_site):
    for relative in article_pages(built_site):
        page = built_site.html(relative)
        lang = page.html["lang"]
        [data] = json_ld(page)
        assert meta(page, "og:type") == "article"
        assert meta(page, "og:title") == data["headline"] == meta(page, "twitter:title")
        assert meta(page, "og:description") == meta(page, "description") == meta(page, "twitter:description")
        assert meta(page, "og:locale") == {"en": "en_US", "ur": "ur_PK"}[lang]
        assert meta(page, "og:site_name") == SITENAMES[lang]
        assert meta(page, "article:published_time") == data["datePublished"]
        assert meta(page, "article:section") == data["articleSection"]
        assert meta(page, "twitter:card") == "summary"


def test_reference_article_and_its_translation_point_at_each_other(published):
    english = json_ld(published.html(ARTICLE_PATH))[0]
    urdu_page = published.html(f"ur/{ARTICLE_PATH}")
    urdu = json_ld(urdu_page)[0]
    assert urdu["translationOfWork"]["@id"] == english["url"]
    assert [t["@id"] for t in english["workTranslation"]] == [urdu["url"]]
    assert meta(urdu_page, "og:locale:alternate") == "en_US"
    assert urdu["articleSection"] == "شام" and urdu["inLanguage"] == "ur"


def test_preview_build_canonical_is_root_relative_and_resolves(site):
    page = site.html(ARTICLE_PATH)
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical == "/" + ARTICLE_PATH.removesuffix("index.html")
    assert canonical == json_ld(page)[0]["url"] == meta(page, "og:url")


@pytest.mark.parametrize("prefix, lang", [("", "en"), ("ur/", "ur")])
def test_home_page_has_website_json_ld(published, prefix, lang):
    [data] = json_ld(published.html(f"{prefix}index.html"))
    assert data["@type"] == "WebSite" and data["name"] == SITENAMES[lang]
    assert data["url"] == f"{SITEURL}/{prefix}" and data["inLanguage"] == lang
    search = data["potentialAction"]["target"]["urlTemplate"]
    assert search == f"{SITEURL}/{prefix}search/?q={{search_term_string}}"
    assert local_path(published, search.split("?")[0]).exists()


def test_headline_with_markup_characters_is_plain_text_everywhere(published):
    story = next(s for s in STORIES if "<b>" in s["title"])
    page = published.html(path_of(story))
    assert json_ld(page)[0]["headline"] == story["title"]
    assert meta(page, "og:title") == story["title"]
    assert page.find("h1").find("b") is None


def test_updated_is_shown_only_when_the_story_has_modified(published):
    for lang in ("en", "ur"):
        for story in published_stories(lang):
            page = published.html(path_of(story, lang))
            updated = page.select_one(".story-meta .updated")
            data = json_ld(page)[0]
            if "modified" in story:
                assert text(updated).startswith("Updated " if lang == "en" else "تازہ")
                assert datetime.fromisoformat(updated.find("time")["datetime"]) == moment(story["modified"])
            else:
                assert updated is None
            # dateModified: the later of Modified and Correction_Date
            assert datetime.fromisoformat(data["dateModified"]) == last_change(story, lang)
            if "modified" in story or "correction_date" in story:
                assert meta(page, "article:modified_time") == data["dateModified"]
            else:
                assert data["dateModified"] == data["datePublished"]
                assert meta(page, "article:modified_time") is None


def test_related_stories_same_section_first_then_shared_topics(published):
    stories = published_stories("en")

    def url(story):
        return url_of(story, site=SITEURL)

    for story in stories:
        page = published.html(path_of(story))
        listed = [a["href"] for a in page.select(".related-stories li > a")]
        assert url(story) not in listed
        same = [s for s in stories if s is not story and s["category"] == story["category"]]
        sharing = [s for s in stories if s is not story and s["category"] != story["category"]
                   and set(story["tags"]) & set(s["tags"])]
        limit = pelicanconf.RELATED_STORIES_MAX
        assert len(listed) == min(limit, len(same) + len(sharing))
        assert listed[:len(same)] == [url(s) for s in same][:limit], "same section first, newest first"
        assert set(listed[len(same):]) <= {url(s) for s in sharing}


def test_a_lone_story_has_no_related_stories_box(published):
    assert [s for s in published_stories("en") if s is not LONE and (s["category"] == LONE["category"]
                                                                     or set(s["tags"]) & set(LONE["tags"]))] == []
    assert published.html(path_of(LONE)).select_one(".related-stories") is None
