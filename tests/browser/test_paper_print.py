"""Today's Paper in Chromium: on screen and printed."""

import pytest

EDITION = "paper/2018-05-02/"


@pytest.mark.parametrize("prefix", ["", "ur/"])
@pytest.mark.parametrize("width", [375, 1280])
def test_paper_fits_the_screen(open_page, screenshots_dir, prefix, width):
    visit = open_page(prefix + EDITION, width=width)
    page = visit.page
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.foreign_requests == []
    lang = "ur" if prefix else "en"
    page.screenshot(path=str(screenshots_dir / f"{lang}-paper-{width}.png"), full_page=True)


@pytest.mark.parametrize("prefix", ["", "ur/"])
def test_printed_edition_shows_the_day_and_its_stories_not_the_navigation(open_page, screenshots_dir, prefix):
    page = open_page(prefix + EDITION).page
    page.emulate_media(media="print")

    def shown(selector):
        return page.locator(selector).first.is_visible()

    assert shown(".paper-header h1") and shown(".paper-story .story-card-headline")
    assert shown(".site-name")
    for selector in (".masthead-bar", ".section-nav", ".paper-nav", ".site-footer nav", ".skip-link"):
        assert not shown(selector), selector
    columns = page.evaluate("getComputedStyle(document.querySelector('.paper-stories')).columnCount")
    assert columns == "2"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.screenshot(path=str(screenshots_dir / f"{'ur' if prefix else 'en'}-paper-print.png"), full_page=True)
