"""Search in Chromium: Pagefind finds stories in the reader's language."""

import json
import re
from urllib.parse import quote

import pytest

from newsroom import published_stories
from sitebuild import ARTICLE_SLUG

ENGLISH_ARTICLE = f"/2018/05/02/{ARTICLE_SLUG}/"
URDU_ARTICLE = f"/ur/2018/05/02/{ARTICLE_SLUG}/"


def search(open_page, path, query, width=1280):
    visit = open_page(path, width=width)
    page = visit.page
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_function(
        "document.querySelector('.search-status').textContent.length > 0"
        " && !document.querySelector('.search-status').textContent.endsWith('…')")
    return visit


def result_links(page):
    return page.eval_on_selector_all(".search-results a", "links => links.map(a => new URL(a.href).pathname)")


def test_urdu_query_finds_the_urdu_translation_only(open_page):
    visit = search(open_page, "ur/search/", "شام")
    assert result_links(visit.page) == [URDU_ARTICLE]
    assert visit.page.locator(".search-results mark").first.inner_text() == "شام"
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.foreign_requests == []


def test_english_query_finds_the_english_article_only(open_page):
    visit = search(open_page, "search/", "Deir Ezzor")
    assert result_links(visit.page) == [ENGLISH_ARTICLE]
    assert "1 story found" in visit.page.inner_text(".search-status")
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.foreign_requests == []


def test_each_edition_searches_its_own_language(open_page):
    assert result_links(search(open_page, "search/", "شام").page) == []
    assert result_links(search(open_page, "ur/search/", "Deir Ezzor").page) == []
    visit = search(open_page, "search/", "شام")
    assert visit.page.inner_text(".search-status").startswith("No stories found")


def test_only_article_headlines_and_bodies_are_indexed(open_page, site):
    entry = json.loads(site.text("pagefind/pagefind-entry.json"))
    # Every published story (no listing, no draft, no scheduled story) in its language's index.
    assert {lang: info["page_count"] for lang, info in entry["languages"].items()} == {
        "en": len(published_stories("en")), "ur": len(published_stories("ur"))}
    # The paper's name is in every page's masthead, title and footer, never in a story.
    assert result_links(search(open_page, "search/", "Lantern Gazette").page) == []
    assert result_links(search(open_page, "ur/search/", "لالٹین گزٹ").page) == []
    # The headline is searchable.
    assert result_links(search(open_page, "search/", "final battle").page) == [ENGLISH_ARTICLE]


def test_query_in_the_address_runs_the_search(open_page):
    visit = open_page("ur/search/?q=" + quote("دیر الزور"))
    visit.page.wait_for_selector(".search-results a")
    assert result_links(visit.page) == [URDU_ARTICLE]
    assert visit.page.input_value("#search-query") == "دیر الزور"


@pytest.mark.parametrize("path", ["search/", "ur/search/"])
def test_without_javascript_the_page_explains_and_offers_links(browser, server, site, path):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server}/{path}")
        assert not page.locator(".search-form").is_visible()
        fallback = page.locator(".search-fallback")
        assert fallback.is_visible()
        links = page.eval_on_selector_all(".search-fallback a", "links => links.map(a => new URL(a.href).pathname)")
        prefix = "/ur/" if path.startswith("ur/") else "/"
        assert f"{prefix}paper/" in links and f"{prefix}archive/" in links
        for link in links:
            assert site.path(link.lstrip("/") + "index.html").exists(), link
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path, query, lang", [("search/", "Deir Ezzor", "en"), ("ur/search/", "شام", "ur")])
def test_search_page_is_labelled_fits_and_uses_our_stylesheet(open_page, screenshots_dir, width, path, query, lang):
    visit = search(open_page, path, query, width=width)
    page = visit.page
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    label = page.locator("label[for=search-query]")
    assert label.is_visible() and label.inner_text().strip()
    assert page.get_attribute(".search-status", "role") == "status"
    assert not page.locator(".search-fallback").is_visible()
    stylesheets = page.evaluate("[...document.styleSheets].map(s => new URL(s.href).pathname)")
    assert len(stylesheets) == 1 and re.fullmatch(r"/theme/css/site\.[0-9a-f]{12}\.css", stylesheets[0])
    # The result list starts on the reading side: right in Urdu, left in English.
    box = page.locator(".search-results li").first.bounding_box()
    main = page.locator(".search-page").bounding_box()
    edge = main["x"] + main["width"] - (box["x"] + box["width"]) if lang == "ur" else box["x"] - main["x"]
    assert abs(edge) < 2
    page.screenshot(path=str(screenshots_dir / f"{lang}-search-{width}.png"), full_page=True)
