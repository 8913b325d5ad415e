"""Layout a reader sees, on the publish builds served with our headers: fronts
that use a wide screen and stack on a phone, a section bar that scrolls
sideways, the paper's calendars, the masthead's date, and print."""

from datetime import datetime, timezone

import pytest

from sitebuild import ARTICLE_SLUG
from visits import wait_until

BOXES = """(selector) => [...document.querySelectorAll(selector)].map(element => {
  const box = element.getBoundingClientRect();
  return {x: Math.round(box.left), y: Math.round(box.top), right: Math.round(box.right), width: Math.round(box.width)};
})"""


@pytest.mark.parametrize("path", ["", "ur/"])
def test_the_front_page_sets_the_lead_beside_the_next_stories_on_a_wide_screen(open_scale, path):
    wide = open_scale(path, width=1280).page
    [lead] = wide.evaluate(BOXES, ".front-top > .story-card--lead")
    secondary = wide.evaluate(BOXES, ".front-top .front-secondary .story-card")
    assert len(secondary) == 3
    for card in secondary:
        beside = card["x"] >= lead["right"] if path == "" else card["right"] <= lead["x"]
        assert beside, (lead, card)
    assert lead["width"] > 1.5 * secondary[0]["width"], "the lead is the widest"
    narrow = open_scale(path, width=375).page
    [lead] = narrow.evaluate(BOXES, ".front-top > .story-card--lead")
    for card in narrow.evaluate(BOXES, ".front-top .front-secondary .story-card"):
        assert card["y"] > lead["y"] and abs(card["x"] - lead["x"]) < 20, "one column on a phone"
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("path", ["section/world/", "ur/section/world/", "tag/fixture-rivers/"])
def test_section_and_topic_fronts_use_the_width(open_scale, path):
    wide = open_scale(path, width=1280).page
    [main] = wide.evaluate(BOXES, "main")
    cards = wide.evaluate(BOXES, "main .story-card")
    assert min(card["x"] for card in cards) - main["x"] < 80 and main["right"] - max(card["right"] for card in cards) < 80, \
        "stories span the page, not a narrow column"
    if "section/" in path:
        columns = {card["x"] for card in wide.evaluate(BOXES, ".story-grid--listing .story-card")}
        assert len(columns) >= 3
    narrow = open_scale(path, width=375).page
    xs = {card["x"] for card in narrow.evaluate(BOXES, "main .story-card")}
    assert len(xs) == 1, "one column on a phone"
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("path", ["", "ur/"])
def test_the_section_bar_scrolls_sideways_on_a_phone_instead_of_wrapping(open_scale, path):
    page = open_scale(path, width=320).page
    items = page.evaluate(BOXES, ".section-nav li")
    assert len(items) == 6
    assert len({item["y"] for item in items}) == 1, "one line"
    bar = page.evaluate("""(() => { const ul = document.querySelector('.section-nav ul');
        return {overflow: getComputedStyle(ul).overflowX, scroll: ul.scrollWidth, client: ul.clientWidth}; })()""")
    assert bar["overflow"] == "auto"
    assert bar["scroll"] > bar["client"], "at 320 px the sections go on beyond the edge"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "the bar scrolls, not the page"
    # The last section can be reached by scrolling the bar (and by Tab: it is a link).
    page.evaluate("document.querySelector('.section-nav ul').scrollBy({left: -2000 * (document.dir === 'rtl' ? 1 : -1)})")
    last = page.locator(".section-nav li").last.bounding_box()
    assert 0 <= last["x"] and last["x"] + last["width"] <= 320
    wide = open_scale(path, width=1280).page
    items = wide.evaluate(BOXES, ".section-nav li")
    [nav] = wide.evaluate(BOXES, ".section-nav ul")
    assert len({item["y"] for item in items}) == 1
    middle = (min(item["x"] for item in items) + max(item["right"] for item in items)) / 2
    assert abs(middle - (nav["x"] + nav["right"]) / 2) < 10, "centred under the paper's name"


@pytest.mark.parametrize("path", ["paper/archive/", "ur/paper/archive/"])
def test_the_papers_calendar_days_are_visible_links(open_scale, path):
    page = open_scale(path, width=375).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    link = page.evaluate("""(() => { const a = document.querySelector('.calendar-edition a');
        const s = getComputedStyle(a), empty = getComputedStyle(document.querySelector('.calendar-empty'));
        const box = a.getBoundingClientRect();
        return {line: s.textDecorationLine, background: s.backgroundColor, emptyBackground: empty.backgroundColor,
                colour: s.color, emptyColour: empty.color, width: box.width, height: box.height}; })()""")
    assert link["line"] == "underline"
    assert link["background"] != link["emptyBackground"] and link["colour"] != link["emptyColour"]
    assert link["width"] >= 24 and link["height"] >= 24, "a target a finger can hit (WCAG 2.5.8)"


ARTICLE = f"2018/05/02/{ARTICLE_SLUG}/"


@pytest.mark.parametrize("path", [ARTICLE, "ur/" + ARTICLE])
def test_a_printed_story_has_no_navigation_or_pills_and_gives_its_address(open_published, path):
    page = open_published(path).page
    page.emulate_media(media="print")
    for selector in (".section-nav", ".language-switch", ".masthead-links", ".tag-list", ".site-footer nav",
                     ".skip-link"):
        assert not page.locator(selector).first.is_visible(), selector
    address = page.locator(".story-url")
    assert address.is_visible()
    assert f"https://lantern-gazette.example/{path}" in address.inner_text()
    assert page.locator("h1.headline").is_visible() and page.locator(".story-body p").first.is_visible()
    page.emulate_media(media="screen")
    assert not address.is_visible()


@pytest.mark.parametrize("path, build_day", [("", "Friday, April 19th 2024"), ("ur/", "جمعہ، 19 اپریل، 2024")])
def test_the_masthead_says_todays_date_and_the_build_date_without_javascript(browser, open_published, path, build_day):
    # The browser's clock is the build's day (tests/browser/visits.py): the
    # script writes what the build wrote.
    page = open_published(path).page
    wait_until(page, "document.readyState === 'complete'")
    assert page.inner_text(".edition-date") == build_day
    # Another day in Karachi: 20:00 UTC on 30 April is 1 May there.
    later = open_published(path).page
    later.context.clock.set_fixed_time(datetime(2024, 4, 30, 20, 0, tzinfo=timezone.utc))
    later.reload()
    expected = {"": "Wednesday, May 1st 2024", "ur/": "بدھ، 1 مئی، 2024"}[path]
    wait_until(later, f"document.querySelector('.edition-date time').textContent === {expected!r}")
    assert later.get_attribute(".edition-date time", "datetime") == "2024-05-01"
    # Without JavaScript, the date of the build.
    static = open_published(path, java_script_enabled=False).page
    assert static.inner_text(".edition-date") == build_day
    assert static.get_attribute(".edition-date time", "datetime") == "2024-04-19"


PAGES = [("", "home"), ("section/world/", "section"), ("archive/", "archive"), ("paper/archive/", "paper-archive"),
         ("search/?q=lorem", "search")]


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_screenshots_of_the_papers_pages_at_scale(open_scale, open_published, screenshots_dir, lang, width):
    """The pages a reader browses, at phone and desktop width, for the record
    (screenshots/): they fit the screen and log no error."""
    prefix = "ur/" if lang == "ur" else ""
    for path, name in PAGES + [(ARTICLE, "article")]:
        if name == "search" and lang == "ur":
            path = "search/?q=" + "اور"
        opener = open_published if name == "article" else open_scale
        visit = opener(prefix + path, width=width)
        page = visit.page
        if name == "search":
            wait_until(page, "document.querySelectorAll('.search-results li').length > 0")
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        assert visit.console_errors == [] and visit.failed_requests == [] and visit.foreign_requests == [], name
        page.screenshot(path=str(screenshots_dir / f"publish-{lang}-{name}-{width}.png"), full_page=True)
