"""Bylines, corrections and author pages in Chromium, both editions, phone and desktop."""

import pytest

from newsroom import CORRECTED, OMAR, author_slug, path_of


def page_path(kind, lang):
    prefix = "ur/" if lang == "ur" else ""
    if kind == "corrected":
        return path_of(CORRECTED, lang).removesuffix("index.html")
    return f"{prefix}author/{author_slug(OMAR)}/"


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_a_corrected_story_shows_byline_and_note_above_the_body(open_page, screenshots_dir, lang, width):
    visit = open_page(page_path("corrected", lang), width=width)
    page = visit.page
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    byline, note, body = (page.locator(selector) for selector in (".byline", ".correction", ".story-body"))
    assert byline.is_visible() and note.is_visible()
    assert OMAR[0 if lang == "en" else 1] in byline.inner_text()
    assert byline.bounding_box()["y"] < note.bounding_box()["y"] < body.bounding_box()["y"]
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.foreign_requests == []
    page.screenshot(path=str(screenshots_dir / f"{lang}-corrected-article-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_an_author_page_fits_and_lists_stories(open_page, screenshots_dir, lang, width):
    visit = open_page(page_path("author", lang), width=width)
    page = visit.page
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert OMAR[0 if lang == "en" else 1] in page.inner_text("h1")
    assert page.locator(".story-card").count() >= 2
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.foreign_requests == []
    page.screenshot(path=str(screenshots_dir / f"{lang}-author-{width}.png"), full_page=True)
