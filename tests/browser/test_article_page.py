"""The reference article in headless Chromium: what a reader sees."""

import re

import pytest

from sitebuild import ARTICLE_SLUG

ARTICLE = f"2018/05/02/{ARTICLE_SLUG}/"


def normalise(text):
    return re.sub(r"[ \t\xa0]+", " ", text)


def test_every_reference_line_is_visible_in_order(open_page, reference_lines):
    visit = open_page(ARTICLE)
    text = normalise(visit.page.inner_text("body"))
    position = 0
    for line in reference_lines:
        found = text.find(line, position)
        assert found >= 0, f"not visible after position {position}: {line!r}"
        position = found + len(line)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path, name", [(ARTICLE, "article"), ("", "home")])
def test_screenshots_fit_the_viewport(open_page, screenshots_dir, width, path, name):
    visit = open_page(path, width=width)
    page = visit.page
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    headline = page.locator("h1.headline, .lead-story h2").first.bounding_box()
    assert headline["width"] > 0 and headline["x"] + headline["width"] <= width
    stylesheet_applied = page.evaluate("getComputedStyle(document.querySelector('.site-name')).textAlign")
    assert stylesheet_applied == "center"
    page.screenshot(path=str(screenshots_dir / f"en-{name}-{width}.png"), full_page=True)


def test_readable_measure_on_wide_screens(open_page):
    page = open_page(ARTICLE, width=1600).page
    paragraph = page.locator(".story-body p").first.bounding_box()
    font_size = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.story-body p')).fontSize)"))
    characters_per_line = paragraph["width"] / (font_size * 0.5)
    assert 45 <= characters_per_line <= 90


def test_skip_link_is_the_first_tab_stop_and_visible_when_focused(open_page):
    page = open_page(ARTICLE).page
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    box = page.locator(".skip-link").bounding_box()
    assert box["width"] > 40 and box["height"] > 16, "a readable link, not a clipped sliver"
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 900
    page.keyboard.press("Tab")
    moved = page.locator(".skip-link").bounding_box()
    assert moved["y"] + moved["height"] <= 0, "it leaves the screen again once focus moves on"


def test_dark_mode_changes_the_colours(open_page):
    light = open_page(ARTICLE, color_scheme="light").page.evaluate("getComputedStyle(document.body).backgroundColor")
    dark = open_page(ARTICLE, color_scheme="dark").page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light != dark
