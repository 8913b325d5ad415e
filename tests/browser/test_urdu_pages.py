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


# The Urdu alphabet, its punctuation and digits: the font subset holds them all,
# whatever the day's stories say (plugins/urdu_font.py).
URDU_ALPHABET = "ا آ ب پ ت ٹ ث ج چ ح خ د ڈ ذ ر ڑ ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن ں و ہ ھ ء ی ے ۂ ۓ ؤ ئ أ ۃ".split()
URDU_SIGNS = list("،؛؟۔٪") + list("۰۱۲۳۴۵۶۷۸۹") + list("0123456789") + ["\u064e", "\u0650", "\u064f", "\u0651", "\u0670"]


def test_every_letter_of_the_alphabet_is_drawn_by_our_font(open_page):
    page = open_page("ur/").page
    assert page.evaluate(GLYPH_CHECK, URDU_ALPHABET + list("،؛؟۔٪") + list("۰۱۲۳۴۵۶۷۸۹")) == []


# Each label of the Urdu edition against the same text drawn in the face's
# Regular at the label's computed size, without small capitals or bold, at the
# same place: two screenshots of the page, compared by their ink.  A browser
# that fakes small capitals draws Nastaliq at about 70 % of its size; a faked
# bold thickens every stroke.  Everything else on the page is hidden while a
# screenshot is taken, and the frame reaches well beyond the label's box (Nastaliq
# overhangs it).
PREPARE_LABEL = """
([selector, reference]) => {
  const element = document.querySelector(selector);
  const style = getComputedStyle(element);
  const facts = {text: element.textContent.trim(), size: style.fontSize, weight: style.fontWeight,
                 caps: style.fontVariantCaps, background: getComputedStyle(document.body).backgroundColor};
  const plain = {textDecoration: 'none', border: '0', background: 'transparent', whiteSpace: 'nowrap',
                 boxShadow: 'none', outline: 'none'};
  document.body.style.visibility = 'hidden';
  Object.assign(element.style, plain, {visibility: 'visible'});
  const box = element.getBoundingClientRect();
  const size = parseFloat(style.fontSize);
  const frame = document.createElement('div');
  frame.id = 'label-frame';
  Object.assign(frame.style, {position: 'absolute', zIndex: '1000', visibility: 'visible', pointerEvents: 'none',
    left: `${box.left + scrollX - size}px`, top: `${box.top + scrollY - size}px`,
    width: `${box.width + 2 * size}px`, height: `${box.height + 2 * size}px`});
  const copy = document.createElement('span');
  copy.id = 'reference-label';
  copy.textContent = facts.text;
  Object.assign(copy.style, plain, {
    position: 'absolute', zIndex: '999', visibility: 'hidden', direction: style.direction,
    left: `${box.left + scrollX}px`, top: `${box.top + scrollY}px`, width: `${box.width}px`,
    paddingTop: style.paddingTop, paddingInline: style.paddingInlineStart, textAlign: 'start',
    color: style.color, fontFamily: style.fontFamily, fontSize: style.fontSize, lineHeight: style.lineHeight,
    fontStyle: style.fontStyle, fontWeight: '400', fontVariant: 'normal', fontSynthesis: 'none', letterSpacing: 'normal',
    ...(reference || {}),
  });
  document.body.append(frame, copy);
  return facts;
}
"""
SHOW_REFERENCE = """
(selector) => {
  document.querySelector(selector).style.visibility = 'hidden';
  document.querySelector('#reference-label').style.visibility = 'visible';
}
"""

URDU_LABELS = [
    ("ur/", ".section-nav a"),
    ("ur/", ".kicker a"),
    ("ur/", ".site-name a"),
    ("ur/", ".language-switch [aria-current]"),
    ("ur/", ".masthead-links a"),
    (URDU_ARTICLE, ".story-section"),
    (URDU_ARTICLE, ".story-body strong"),
    ("ur/archive/", ".archive-section"),
    ("ur/archive/", ".archive-year"),
    ("ur/paper/", ".section-heading a"),
    ("ur/paper/", ".page-heading-label"),
    ("ur/paper/archive/", ".page-heading-label"),
    ("ur/paper/archive/", ".calendar-count"),
]


def label_and_reference(page, selector, reference=None):
    """Ink of the label and of its reference drawing ({"pixels", "width", "height"})."""
    from pixels import ink

    page.locator(selector).first.scroll_into_view_if_needed()
    facts = page.evaluate(f"({PREPARE_LABEL})", [selector, reference])
    background = tuple(int(part) for part in facts["background"][4:-1].split(",")[:3])
    frame = page.locator("#label-frame")
    label = ink(frame.screenshot(), background)
    page.evaluate(f"({SHOW_REFERENCE})", selector)
    drawn = ink(frame.screenshot(), background)
    page.evaluate("""(selector) => {
      document.querySelector('#label-frame').remove();
      document.querySelector('#reference-label').remove();
      document.body.style.visibility = '';
      document.querySelector(selector).style.visibility = '';
    }""", selector)
    return facts, label, drawn


@pytest.mark.parametrize("path", sorted({path for path, _ in URDU_LABELS}))
def test_urdu_labels_are_drawn_at_the_size_their_style_says(open_page, path):
    page = open_page(path, width=1280).page
    page.evaluate("document.fonts.ready")
    for selector in [selector for label_path, selector in URDU_LABELS if label_path == path]:
        facts, label, drawn = label_and_reference(page, selector)
        assert facts["caps"] == "normal" and facts["weight"] == "400", (selector, facts)
        assert drawn["pixels"] > 50, (selector, facts)
        assert 0.95 <= label["width"] / drawn["width"] <= 1.05, (selector, facts, label, drawn)
        assert 0.95 <= label["height"] / drawn["height"] <= 1.05, (selector, facts, label, drawn)
        assert 0.9 <= label["pixels"] / drawn["pixels"] <= 1.1, (selector, facts, label, drawn)


def test_the_label_measure_sees_faked_small_capitals_and_bold(open_page):
    """The planted defects: the same comparison against a synthesized small-caps
    or bold drawing of a label fails."""
    page = open_page("ur/", width=1280).page
    page.evaluate("document.fonts.ready")
    _, label, small_caps = label_and_reference(
        page, ".section-nav a", {"fontVariant": "all-small-caps", "fontSynthesis": "small-caps"})
    assert small_caps["width"] < 0.85 * label["width"], (label, small_caps)
    _, label, bold = label_and_reference(page, ".section-nav a", {"fontWeight": "700", "fontSynthesis": "weight"})
    assert bold["pixels"] > 1.1 * label["pixels"], (label, bold)


URDU_TEXT_STYLES = """
() => [...document.querySelectorAll('body *')]
  .filter(el => !el.closest('[lang="en"]') && [...el.childNodes].some(n => n.nodeType === 3 && /[\\u0600-\\u06FF]/.test(n.textContent)))
  .map(el => {
    const s = getComputedStyle(el);
    return {tag: el.tagName, cls: el.className, weight: s.fontWeight, caps: s.fontVariantCaps,
            synthesis: s.fontSynthesisWeight + ' ' + s.fontSynthesisSmallCaps, spacing: s.letterSpacing};
  })
  .filter(s => s.weight !== '400' || s.caps !== 'normal' || s.synthesis !== 'none none' || !['normal', '0px'].includes(s.spacing))
"""


@pytest.mark.parametrize("path", ["ur/", URDU_ARTICLE, "ur/archive/", "ur/paper/", "ur/paper/archive/", "ur/search/", "ur/section/syria/"])
def test_no_urdu_text_asks_for_a_weight_or_small_capitals_the_font_lacks(open_page, path):
    page = open_page(path).page
    assert page.evaluate(URDU_TEXT_STYLES) == []
