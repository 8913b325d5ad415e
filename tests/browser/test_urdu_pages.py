"""The Urdu edition in headless Chromium: right to left, Nastaliq glyphs, no tofu."""

import pytest

from sitebuild import ARTICLE_SLUG

URDU_ARTICLE = f"ur/2018/05/02/{ARTICLE_SLUG}/"

LINE_BOXES = """
(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const lines = [...range.getClientRects()].filter(r => r.width > 1);
  const box = element.getBoundingClientRect();
  return {box: {left: box.left, right: box.right}, first: {left: lines[0].left, right: lines[0].right},
          last: {left: lines[lines.length - 1].left, right: lines[lines.length - 1].right}};
}
"""

# Draws each character with the page's Urdu face, with a fallback face only,
# and the font's missing-glyph box; a character drawn by our font differs from both.
GLYPH_CHECK = """
async (characters) => {
  await document.fonts.ready;
  await document.fonts.load('48px "Noto Nastaliq Urdu"', characters.join(''));
  const canvas = document.createElement('canvas');
  canvas.width = 96; canvas.height = 128;
  const context = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (font, text) => {
    context.clearRect(0, 0, 96, 128);
    context.font = font;
    context.fillText(text, 16, 80);
    return context.getImageData(0, 0, 96, 128).data.join(',');
  };
  const tofu = draw('48px "Noto Nastaliq Urdu"', '\\uE000');
  const problems = [];
  for (const character of characters) {
    const ours = draw('48px "Noto Nastaliq Urdu"', character);
    const fallback = draw('48px monospace', character);
    if (ours === tofu) problems.push(character + ' is a missing-glyph box');
    else if (ours === fallback) problems.push(character + ' is not drawn by our font');
  }
  return problems;
}
"""


def test_urdu_article_text_is_right_aligned_and_starts_at_the_right(open_page):
    page = open_page(URDU_ARTICLE, width=1280).page
    paragraphs = page.locator(".story-body p")
    assert paragraphs.count() == 7
    for index in range(paragraphs.count()):
        boxes = paragraphs.nth(index).evaluate(LINE_BOXES)
        assert abs(boxes["first"]["right"] - boxes["box"]["right"]) < 3, index
        assert abs(boxes["last"]["right"] - boxes["box"]["right"]) < 3, index
    last_paragraph = paragraphs.nth(6).evaluate(LINE_BOXES)
    assert last_paragraph["last"]["left"] > last_paragraph["box"]["left"] + 40, "a short last line hangs from the right"


@pytest.mark.parametrize("path", [URDU_ARTICLE, "ur/"])
def test_masthead_mirrors(open_page, path):
    page = open_page(path, width=1280).page
    switch = page.locator(".language-switch").bounding_box()
    todays_paper = page.locator(".todays-paper").bounding_box()
    assert switch["x"] > todays_paper["x"], "the language switch stands at the right in Urdu"
    english = open_page(path.removeprefix("ur/"), width=1280).page
    assert english.locator(".language-switch").bounding_box()["x"] < english.locator(".todays-paper").bounding_box()["x"]


def test_urdu_text_is_drawn_by_the_nastaliq_font_without_tofu(open_page):
    page = open_page(URDU_ARTICLE).page
    text = page.inner_text("main")
    characters = sorted({c for c in text if "\u0600" <= c <= "\u06ff"})
    assert len(characters) > 30
    assert page.evaluate(GLYPH_CHECK, characters) == []
    families = page.evaluate("getComputedStyle(document.querySelector('.story-body p')).fontFamily")
    assert families.startswith('"Noto Nastaliq Urdu"')
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert '"Noto Nastaliq Urdu"' in loaded or "Noto Nastaliq Urdu" in loaded


def test_english_pages_do_not_download_the_urdu_font(open_page):
    visit = open_page(f"2018/05/02/{ARTICLE_SLUG}/")
    fonts = []
    visit.page.on("request", lambda request: request.resource_type == "font" and fonts.append(request.url))
    visit.page.reload(wait_until="networkidle")
    assert fonts == []


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path, name", [(URDU_ARTICLE, "article"), ("ur/", "home")])
def test_urdu_screenshots_fit_the_viewport(open_page, screenshots_dir, width, path, name):
    page = open_page(path, width=width).page
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    page.screenshot(path=str(screenshots_dir / f"ur-{name}-{width}.png"), full_page=True)
