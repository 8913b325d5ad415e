"""The English article page publishes the reference article as a newspaper page."""

import re

import pytest

from sitebuild import ARTICLE_PATH, ARTICLE_SLUG

import pelicanconf


def visible_text(element):
    return re.sub(r"\s+", " ", element.get_text().replace("\xa0", " ")).strip()


@pytest.fixture(scope="module")
def page(site):
    return site.html(ARTICLE_PATH)


def test_masthead_shows_site_name_setting_and_language_switch(page):
    masthead = page.select_one("header.masthead")
    assert visible_text(masthead.select_one(".site-name")) == pelicanconf.SITENAME
    switch = masthead.select_one("nav.language-switch")
    assert visible_text(switch).replace(" | ", "|") == "English|اردو"
    current = switch.select_one("[aria-current]")
    assert visible_text(current) == "English"
    urdu = switch.find("a", hreflang="ur")
    assert visible_text(urdu) == "اردو" and urdu["lang"] == "ur"
    assert urdu["href"].startswith("/ur/")


def test_urdu_link_of_the_language_switch_leads_to_an_urdu_page(site, page):
    href = page.select_one("nav.language-switch a[hreflang=ur]")["href"]
    target = site.path(href.lstrip("/") + ("index.html" if href.endswith("/") else ""))
    assert target.exists()
    assert site.html(target.relative_to(site.root)).html["lang"] == "ur"


def test_edition_date_is_the_build_date_from_source_date_epoch(page):
    edition = page.select_one(".masthead .edition-date time")
    assert visible_text(edition) == "Friday, April 19th 2024"
    assert edition["datetime"] == "2024-04-19"


def test_todays_paper_link_goes_to_a_page_that_exists(site, page):
    link = page.find("a", string="Today's Paper")
    assert link is not None
    assert site.path(link["href"].lstrip("/") + "index.html").exists()


def test_headline_is_the_only_h1_with_curly_quotes(page):
    headings = page.find_all("h1")
    assert len(headings) == 1
    assert visible_text(headings[0]) == "US-backed alliance launches ‘final’ battle against IS in Syria"


def test_reading_time_is_shown_and_computed(page):
    assert visible_text(page.select_one(".story-meta .reading-time")) == "1 min read"


def test_section_links_to_the_section_page_listing_the_story(site, page):
    section = page.select_one(".story-meta a.story-section")
    assert visible_text(section) == "Syria"
    assert section["href"] == "/section/syria/"
    listing = site.html("section/syria/index.html")
    assert visible_text(listing.find("h1")) == "Syria"
    assert listing.find("a", href=f"/2018/05/02/{ARTICLE_SLUG}/") is not None


def test_publication_date_is_a_time_element(page):
    published = page.select_one(".story-meta time.published")
    assert published["datetime"] == "2018-05-02"
    assert visible_text(published) == "2 May 2018"


def test_body_is_the_reference_word_for_word_with_bold_dateline(page, reference_lines):
    paragraphs = page.select(".story-body > p")
    expected = reference_lines[reference_lines.index("1 min read") + 2:]
    assert [visible_text(p) for p in paragraphs] == expected
    first = paragraphs[0]
    dateline = first.find("strong")
    assert visible_text(dateline) == "AL TANAK:"
    assert first.contents[0] is dateline or visible_text(first).startswith(visible_text(dateline))


def test_body_has_typogrify_typography(page):
    body = page.select_one(".story-body")
    assert body.select("span.caps"), "typogrify marks runs of capitals"
    assert "\xa0" in body.get_text(), "typogrify keeps the last two words of a paragraph together"


def test_no_byline(page):
    assert not page.select('[rel~="author"], .byline, .author')
    assert not re.search(r"\bBy [A-Z]", visible_text(page.select_one("article")))


def test_landmarks_and_skip_link(page):
    for landmark in ("header", "nav", "main", "article", "footer"):
        assert page.find(landmark) is not None, landmark
    first_link = page.body.find("a")
    assert first_link["href"] == "#main" and page.find(id="main").name == "main"


def test_page_language_and_title(page):
    assert page.html["lang"] == "en" and page.html["dir"] == "ltr"
    assert page.title.string == f"US-backed alliance launches ‘final’ battle against IS in Syria — {pelicanconf.SITENAME}"


def test_no_reference_to_another_host(site):
    for relative in site.pages():
        html = site.html(relative)
        for element in html.find_all(src=True) + html.find_all("link", href=True):
            url = element.get("src") or element.get("href")
            assert not re.match(r"^(https?:)?//", url), f"{relative}: {url}"
        # Reading needs no JavaScript.  Every page may bring the masthead's
        # date up to today (theme/static/js/today.js); only the search pages
        # load a second script.
        scripts = sorted(re.sub(r"^.*/js/|(\.[0-9a-f]{12})?\.js$", "", script["src"]) for script in html.find_all("script", src=True))
        assert scripts == (["search", "today"] if relative in SEARCH_PAGES else ["today"]), relative
        assert all(script.get("type") == "module" for script in html.find_all("script", src=True)), relative


SEARCH_PAGES = {"search/index.html", "ur/search/index.html"}
